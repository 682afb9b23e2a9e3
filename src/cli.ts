#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyze } from './analysis/analyzer.js';
import type { ReportJson } from './analysis/report-model.js';
import { TOOL_NAME, TOOL_VERSION } from './analysis/version.js';
import { renderJson } from './report/json.js';
import { chooseStyle, PLAIN } from './report/style.js';
import { renderText } from './report/text.js';

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];

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
  return undefined;
}

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName(TOOL_NAME)
    .usage('$0 [options] <capture...>\n\nDiagnoses stalled SMTP sessions in packet captures (pcap, pcapng, gzip; "-" reads stdin).\nSeveral files are one capture cut into pieces and are merged in time order.')
    .option('format', { alias: 'f', choices: FORMATS, describe: 'report format (default: text, or from --output extension)' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE instead of stdout' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'show the transcript of every connection' })
    .option('color', { type: 'boolean', default: true, describe: 'colour on a terminal (--no-color, or NO_COLOR, turns it off)' })
    .option('smtp-ports', { type: 'string', describe: 'comma-separated ports treated as SMTP (default 25,465,587,2525; others are found from the dialogue)' })
    .option('max-connections', { type: 'number', describe: 'most connections open at once (default 200000)' })
    .option('idle-timeout', { type: 'number', describe: 'seconds without packets after which a connection is finished (default 1800)' })
    .version(TOOL_VERSION)
    .help()
    .strictOptions()
    .fail((msg, err) => fail(msg || err?.message || 'bad arguments'))
    .parse();
  const files = argv._.map(String);
  if (!files.length) fail('no capture given (usage: smtp-pcap-diagnose [options] <capture...>; "-" reads stdin)');
  const smtpPorts = argv['smtp-ports'] ? parsePorts(argv['smtp-ports']) : undefined;
  const tracker: Record<string, number> = {};
  if (argv['max-connections'] !== undefined) tracker.maxOpenConnections = argv['max-connections'];
  if (argv['idle-timeout'] !== undefined) tracker.idleTimeoutNs = argv['idle-timeout'] * 1e9;

  const { report, errors } = await analyze(files, { smtpPorts, tracker });
  for (const e of errors) process.stderr.write(`${TOOL_NAME}: ${e.message}\n`);
  const format: Format = (argv.format as Format | undefined) ?? inferFormat(argv.output) ?? 'text';
  const toTerminal = !argv.output;
  const style = toTerminal ? chooseStyle(process.stdout, process.env, !argv.color) : PLAIN;
  const rendered = format === 'json' ? renderJson(report) : renderText(report, { style, verbose: argv.verbose, width: process.stdout.columns });
  if (argv.output) writeFileSync(argv.output, rendered);
  else process.stdout.write(rendered);
  const nothingRead = report.inputs.every((i) => i.packets === 0);
  if (errors.length) return EXIT_FAULT;
  if (nothingRead && errors.length) return EXIT_FAULT;
  return hasProblem(report) ? EXIT_PROBLEM : EXIT_OK;
}

function hasProblem(r: ReportJson): boolean {
  return r.connections.some((c) => c.diagnosis !== 'none');
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
