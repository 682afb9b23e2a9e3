#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=1048576 MALLOC_TRIM_THRESHOLD_=2097152 node --max-semi-space-size=4 --v8-pool-size=1
import { closeSync, openSync } from 'node:fs';
import { analyze } from './analysis/analyzer.js';
import type { ConnectionJson, ReportJson } from './analysis/report-model.js';
import { TOOL_NAME } from './analysis/version.js';
import { type Format, parseCommandLine } from './cli-args.js';
import { extractFlights } from './extract/extract.js';
import { writeHtml } from './report/html.js';
import { renderJson } from './report/json.js';
import { JsonConnectionSpool } from './report/json-spool.js';
import { autoJobs, inputBytes } from './analysis/jobs.js';
import { tuneGarbageCollector } from './analysis/gc-tuning.js';
import { writeMarkdown } from './report/markdown.js';
import type { ReportDocument, ReportParts } from './report/overview.js';
import { ProgressBar } from './report/progress.js';
import { Redactor } from './report/redact.js';
import { chooseStyle, PLAIN } from './report/style.js';
import { TABLE_ROW_LIMIT, writeText, type TextOptions } from './report/text.js';
import { FdLines, writeAll } from './report/fd-output.js';
import { SpooledParts } from './report/spooled-parts.js';
import { CleanRowKeeper } from './report/clean-rows.js';
import { isMessageSelection, selectConnections, type Selection } from './select/filters.js';
import { buildMessageView } from './select/message-view.js';
import { parseTimeSpec } from './select/time-spec.js';

/** Exit codes (DESIGN.md): 0 analysed, nothing wrong; 1 analysed, a problem found; 2 could not analyse. */
const EXIT_OK = 0;
const EXIT_PROBLEM = 1;
const EXIT_FAULT = 2;

function fail(message: string): never {
  process.stderr.write(`${TOOL_NAME}: ${message}\n`);
  process.exit(EXIT_FAULT);
}

function inferFormat(output: string | undefined): Format | undefined {
  if (!output) return undefined;
  if (/\.json$/i.test(output)) return 'json';
  if (/\.(md|markdown)$/i.test(output)) return 'markdown';
  if (/\.html?$/i.test(output)) return 'html';
  return undefined;
}

/** Repeatable options also accept comma-separated lists: --rcpt a@x,b@y. */
function list(v: unknown): string[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);
}

function numbers(v: unknown, name: string, max: number): number[] {
  return list(v).map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 0 || n > max) fail(`--${name}: "${x}" is not a valid ${name}`);
    return n;
  });
}

function timeOption(v: unknown, name: string) {
  if (v === undefined) return undefined;
  const spec = parseTimeSpec(String(v));
  if (typeof spec === 'string') fail(`--${name}: ${spec}`);
  return spec;
}

async function main(): Promise<number> {
  tuneGarbageCollector();
  const argv = await parseCommandLine(process.argv.slice(2), fail);
  const files = argv._.map(String);
  if (!files.length) fail('no capture given (usage: smtp-pcap-diagnose [options] <capture...>; "-" reads stdin)');
  const smtpPorts = argv['smtp-ports'] ? parsePorts(argv['smtp-ports']) : undefined;
  const tracker: Record<string, number> = {};
  if (argv['max-connections'] !== undefined) tracker.maxOpenConnections = argv['max-connections'];
  if (argv['idle-timeout'] !== undefined) tracker.idleTimeoutNs = argv['idle-timeout'] * 1e9;
  if (argv['max-buffered-bytes'] !== undefined) tracker.maxBufferedBytes = positiveInteger(argv['max-buffered-bytes'], 'max-buffered-bytes');
  const session: Record<string, number> = {};
  if (argv['max-line-length'] !== undefined) session.maxLineChars = positiveInteger(argv['max-line-length'], 'max-line-length');
  if (argv['max-pending-commands'] !== undefined) session.maxPendingCommands = positiveInteger(argv['max-pending-commands'], 'max-pending-commands');
  if (argv['max-commands'] !== undefined) session.maxCommands = positiveInteger(argv['max-commands'], 'max-commands');
  const selection: Selection = {
    from: list(argv.from),
    rcpt: list(argv.rcpt),
    messageId: list(argv['message-id']),
    host: list(argv.host),
    port: numbers(argv.port, 'port', 65535),
    since: timeOption(argv.since, 'since'),
    until: timeOption(argv.until, 'until'),
    connection: numbers(argv.connection, 'connection', Number.MAX_SAFE_INTEGER),
    problemsOnly: argv['problems-only'],
  };
  if (argv.extract !== undefined && files.includes('-')) fail('--extract reads the capture a second time, so it cannot read stdin: save the capture to a file');

  const format: Format = (argv.format as Format | undefined) ?? inferFormat(argv.output) ?? 'text';
  const toTerminal = !argv.output;
  const style = toTerminal ? chooseStyle(process.stdout, process.env, !argv.color) : PLAIN;
  const textOptions = { style, verbose: argv.verbose, width: process.stdout.columns };
  // Without a selection, redaction or extraction the report streams: JSON goes through a scratch file; the human
  // formats draw each connection's detail section (and, in Markdown and HTML, each clean connection's table row; in text
  // --verbose, every table row) into a scratch file as it is diagnosed (SpooledParts). Memory then follows the open
  // connections, not the file.
  const plain = !hasSelection(selection) && !argv.redact && argv.extract === undefined;
  const spool = plain && format === 'json' ? new JsonConnectionSpool() : null;
  const spooled = plain && format !== 'json' ? new SpooledParts(format, textOptions) : null;
  try {
    let problems = false;
    const cleanRows = plain && format === 'text' && !argv.verbose ? new CleanRowKeeper(TABLE_ROW_LIMIT) : null;
    const onConnection = plain
      ? (c: ConnectionJson): ConnectionJson | null => {
          if (c.diagnosis !== 'none') problems = true;
          if (spool) {
            spool.add(c);
            return null;
          }
          const row = spooled ? spooled.offer(c) : c;
          if (!cleanRows) return row;
          // The text table's clean rows (already reduced to their summary row: healthy 'summary' below) are held by the
          // keeper while the table could still list them; the problems went to the spool.
          cleanRows.offer(c);
          return null;
        }
      : undefined;

    const jobs = argv.jobs === 'auto' ? autoJobs(files) : positiveInteger(Number(argv.jobs), 'jobs');
    const progress = argv.progress ? new ProgressBar(process.stderr, inputBytes(files)) : null;
    // Human formats show a clean connection as one table row: it is reduced to that where it is diagnosed (in a worker
    // thread, before it crosses to this one), unless --verbose wants its transcript.
    const healthy = plain && !spool && !argv.verbose ? 'summary' : 'full';
    const { report: analysed, errors } = await analyze(files, { smtpPorts, tracker, session, onConnection, jobs, healthy, onProgress: progress ? (n) => progress.update(n) : undefined });
    const restored = cleanRows?.restore();
    const full = restored ? { ...analysed, connections: restored.connections } : analysed;
    const omittedClean = restored?.omitted ?? 0;
    progress?.done();
    for (const e of errors) process.stderr.write(`${TOOL_NAME}: ${e.message}\n`);
    if (spool) {
      writeSpooled(spool, full, argv.output);
      return errors.length ? EXIT_FAULT : problems ? EXIT_PROBLEM : EXIT_OK;
    }

    const selected = selectConnections(full, selection);
    const messageView = isMessageSelection(selection) ? buildMessageView(selected, selection) : null;
    const redactor = argv.redact ? new Redactor() : null;
    const doc: ReportDocument = {
      report: redactor ? redactor.value(selected) : selected,
      messageView: messageView && redactor ? redactor.value(messageView) : messageView,
      selection: describeSelection(process.argv.slice(2), redactor),
      redacted: Boolean(redactor),
    };

    if (argv.extract !== undefined) {
      const written = await extractFlights(files, selected, argv.extract);
      for (const line of written.notes) process.stderr.write(`${TOOL_NAME}: ${line}\n`);
    }

    writeReport(format, doc, { ...textOptions, omittedCleanConnections: omittedClean }, spooled?.parts(doc.report.connections) ?? {}, argv.output);
    if (errors.length) return EXIT_FAULT;
    // Without a selection every connection passed onConnection, whatever the report kept (text --verbose: none).
    return (plain ? problems : hasProblem(doc.report)) ? EXIT_PROBLEM : EXIT_OK;
  } finally {
    spool?.dispose();
    spooled?.dispose();
  }
}

/** Writes the report to `output` (or stdout) as it is drawn, line by line: never the whole report as one string. */
function writeReport(format: Format, doc: ReportDocument, text: TextOptions, parts: ReportParts, output: string | undefined): void {
  let fd = 1;
  if (output) {
    try {
      fd = openSync(output, 'w');
    } catch (e) {
      fail(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  try {
    const out = new FdLines(fd);
    if (format === 'json') writeAll(fd, renderJson(withSelection(doc)));
    else if (format === 'markdown') writeMarkdown(doc, out, parts);
    else if (format === 'html') writeHtml(doc, out, parts);
    else writeText(doc.report, { ...text, spooled: parts.spooledConnections, messageView: doc.messageView ?? null }, out);
    out.flush();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    fail(`cannot write ${output ?? 'the report'}: ${code}`);
  } finally {
    if (fd !== 1) closeSync(fd);
  }
}

/** JSON gains two optional top-level fields when a selection was made (fields may be added, never renamed). */
function withSelection(doc: ReportDocument): ReportJson {
  if (!doc.selection && !doc.messageView) return doc.report;
  return { ...doc.report, selection: doc.selection ?? null, message: doc.messageView ?? null } as ReportJson;
}

/** The selection options as the user typed them (for the report header); addresses redacted when asked. */
function describeSelection(args: string[], redactor: Redactor | null): string | null {
  const names = new Set(['--from', '--rcpt', '--message-id', '--host', '--port', '--since', '--until', '--connection', '--problems-only']);
  const parts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [name, inline] = a.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!names.has(name)) continue;
    if (name === '--problems-only') parts.push(name);
    else if (inline !== undefined) parts.push(`${name} ${inline}`);
    else if (args[i + 1] !== undefined) parts.push(`${name} ${args[++i]}`);
  }
  if (!parts.length) return null;
  const text = parts.join(' ');
  return redactor ? redactor.text(text) : text;
}

function hasSelection(s: Selection): boolean {
  return Object.values(s).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== false));
}

function writeSpooled(spool: JsonConnectionSpool, report: ReportJson, output: string | undefined): void {
  let fd = 1;
  if (output) {
    try {
      fd = openSync(output, 'w');
    } catch (e) {
      spool.dispose();
      fail(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  try {
    spool.writeTo(fd, report);
  } finally {
    if (fd !== 1) closeSync(fd);
  }
}

function hasProblem(r: ReportJson): boolean {
  return r.connections.some((c) => c.diagnosis !== 'none');
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) fail(`--${name}: "${n}" is not a positive whole number`);
  return n;
}

function parsePorts(s: string): number[] {
  const ports = s.split(',').map((x) => Number(x.trim()));
  if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) fail(`--smtp-ports: "${s}" is not a list of ports`);
  return ports;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Never a stack trace for the user; DEBUG=1 shows it for us.
    if (process.env.DEBUG) console.error(e);
    fail(`internal error: ${(e as Error)?.message ?? String(e)} (please report this with the capture)`);
  },
);
