/** What one run of the CLI on a fuzz case did. */
export interface Outcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  inputs: number;
  /** Whether stdout is expected to be the JSON report. */
  json: boolean;
}

const TOOL_PREFIX = 'smtp-pcap-diagnose: ';
const STACK_LINE = /^\s+at\s.+(:\d+:\d+\)?|native\)?)$/m;

/** The promises every input gets, however broken: the process ends by itself with 0, 1 or 2, prints no stack trace,
 * says at most one line per problem on stderr, and accounts for every packet it read. Returns what was broken. */
export function violations(o: Outcome): string[] {
  const v: string[] = [];
  if (o.timedOut) v.push('did not finish within its time bound (hang?)');
  else if (o.signal) v.push(`killed by ${o.signal}`);
  else if (o.exitCode !== 0 && o.exitCode !== 1 && o.exitCode !== 2) v.push(`exit code ${o.exitCode}`);
  if (STACK_LINE.test(o.stderr) || /node:internal|\bat async\b/.test(o.stderr)) v.push('stack trace on stderr');
  const lines = o.stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length > o.inputs) v.push(`${lines.length} stderr lines for ${o.inputs} input(s)`);
  for (const l of lines) {
    if (!l.startsWith(TOOL_PREFIX)) v.push(`stderr line not from the tool: ${l.slice(0, 120)}`);
    else if (/internal error/i.test(l)) v.push(`internal error: ${l.slice(0, 200)}`);
  }
  if (o.json && o.exitCode !== null && o.stdout.length) v.push(...accountingViolations(o.stdout));
  if (o.exitCode === 2 && o.stdout.length && o.json) {
    // Exit 2 means nothing could be analysed; a report that analysed packets must not end that way.
  }
  return v;
}

/** Every packet read is accounted for: the accounting of each input sums to its packet count. */
export function accountingViolations(stdout: string): string[] {
  let report: { inputs?: { file: string; packets: number; accounting: Record<string, number> }[] };
  try {
    report = JSON.parse(stdout);
  } catch {
    return ['stdout is not valid JSON'];
  }
  const v: string[] = [];
  for (const i of report.inputs ?? []) {
    const sum = Object.values(i.accounting ?? {}).reduce((a, b) => a + b, 0);
    if (sum !== i.packets) v.push(`${i.file}: accounting sums to ${sum} but ${i.packets} packets were read`);
  }
  return v;
}
