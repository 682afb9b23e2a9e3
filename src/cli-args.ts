// The command line: its options (one table, read by both parsers below) and how it is parsed.
//
// yargs is the CLI's parser, but importing it costs ~14 MB of resident memory and ~90 ms (its help formatter pulls in
// string-width and emoji-regex, and an Intl.Segmenter loads ICU data), on every run of a tool whose goal is to stay
// under 150 MB on a 1 GB capture. So a command line that yargs would simply accept is parsed by yargs' own parser,
// yargs-parser (~1 MB, ~25 ms), with the same options; anything else (--help, --version, an unknown option, a bad
// --format, a positional that yargs would read as a number) goes through yargs itself, which prints what it always
// printed. test/cli-args.test.ts holds the two parses equal on a corpus of command lines.
import parser from 'yargs-parser';
import { TOOL_NAME, TOOL_VERSION } from './analysis/version.js';

export const FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

interface OptionSpec {
  alias?: string;
  /** None for an option with choices (as yargs was always given it: its help shows the choices, not a type). */
  type?: 'string' | 'boolean' | 'number';
  default?: string | boolean;
  choices?: readonly string[];
  describe: string;
}

const USAGE =
  '$0 [options] <capture...>\n\nDiagnoses stalled SMTP sessions in packet captures (pcap, pcapng, gzip; "-" reads stdin).\nSeveral files are one capture cut into pieces and are merged in time order.';

// Repeatable options take one value each (repeat them, or give a comma-separated list): yargs arrays would swallow the
// capture files that follow. The order is the order of --help.
const OPTIONS: Record<string, OptionSpec> = {
  format: { alias: 'f', choices: FORMATS, describe: 'report format (default: text, or from the --output extension .json/.md/.html)' },
  output: { alias: 'o', type: 'string', describe: 'write the report to FILE instead of stdout' },
  verbose: { alias: 'v', type: 'boolean', default: false, describe: 'text: add each problem connection\'s transcript around the stall and its evidence (and every connection\'s transcript)' },
  color: { type: 'boolean', default: true, describe: 'colour on a terminal (--no-color, or NO_COLOR, turns it off)' },
  progress: { type: 'boolean', default: true, describe: 'progress bar on stderr for slow reads (terminal only; --no-progress turns it off)' },
  from: { type: 'string', describe: 'only the message(s) from this envelope sender (case-insensitive; "@domain" for a domain); shows the message view' },
  rcpt: { type: 'string', describe: 'only the message(s) to this envelope recipient; shows the message view' },
  'message-id': { type: 'string', describe: 'only the message with this Message-ID (needs the body in the capture); shows the message view' },
  host: { type: 'string', describe: 'only connections with this client or server IP' },
  port: { type: 'string', describe: 'only connections with this client or server port' },
  since: { type: 'string', describe: 'only connections active at or after this time: ISO (2024-03-12T10:02:00Z; no zone = UTC) or relative to the capture (+90s, +5m after its start; -1h before its end)' },
  until: { type: 'string', describe: 'only connections active at or before this time (same forms as --since)' },
  connection: { type: 'string', describe: 'only the connection(s) with this id (as numbered in the report)' },
  'problems-only': { type: 'boolean', default: false, describe: 'only connections with a diagnosis other than "none"' },
  redact: { type: 'boolean', default: false, describe: 'mask the local part of every address and hide subjects (credentials are never shown anyway)' },
  extract: { type: 'string', describe: 'write each stalled flight\'s exact client bytes (flight-<conn>-<flight>.bin) and a replay recipe into DIR' },
  'smtp-ports': { type: 'string', describe: 'comma-separated ports treated as SMTP (default 25,465,587,2525; others are found from the dialogue)' },
  'max-connections': { type: 'number', describe: 'most connections open at once (default 20000)' },
  'idle-timeout': { type: 'number', describe: 'seconds without packets after which a connection is finished (default 1800)' },
  'max-buffered-bytes': { type: 'number', describe: 'out-of-order bytes held per direction while waiting for a missing segment (default 4194304)' },
  'max-line-length': { type: 'number', describe: 'characters kept of one SMTP line; longer lines are cut and counted (default 4096)' },
  'max-pending-commands': { type: 'number', describe: 'commands awaiting replies per connection before the queue is cleared (default 1000)' },
  jobs: { type: 'string', default: 'auto', describe: 'worker threads: a number, or auto (one per idle core, at most 4, when 4 or more are idle and the capture is 32 MB or more); the report is the same either way' },
  'max-commands': { type: 'number', describe: 'commands listed per connection; later ones are counted only (default 100000)' },
};

/** The parsed command line (the fields the CLI reads; repeatable options are a string or an array of them). */
export interface CliArgs {
  _: (string | number)[];
  format?: Format;
  output?: string;
  verbose: boolean;
  color: boolean;
  progress: boolean;
  from?: string | string[];
  rcpt?: string | string[];
  'message-id'?: string | string[];
  host?: string | string[];
  port?: string | string[];
  since?: string;
  until?: string;
  connection?: string | string[];
  'problems-only': boolean;
  redact: boolean;
  extract?: string;
  'smtp-ports'?: string;
  'max-connections'?: number;
  'idle-timeout'?: number;
  'max-buffered-bytes'?: number;
  'max-line-length'?: number;
  'max-pending-commands'?: number;
  jobs: string;
  'max-commands'?: number;
}

/** Parses the arguments (without node and the script). A command line that is not simply accepted is handed to yargs,
 * which prints help, the version or the error (`fail` gets the message) and exits where it always did. */
export async function parseCommandLine(args: string[], fail: (message: string) => never): Promise<CliArgs> {
  return quickParse(args) ?? (await yargsParse(args, fail));
}

/** The parse of yargs-parser alone, or null when yargs must decide: help, version, an error, an unknown option, a
 * value outside its choices, or a positional yargs would turn into a number. */
export function quickParse(args: string[]): CliArgs | null {
  const parsed = parser.detailed(args, PARSER_OPTIONS);
  if (parsed.error) return null;
  const argv = parsed.argv as unknown as Record<string, unknown> & { _: (string | number)[] };
  for (const key of Object.keys(argv)) if (key !== '_' && !KNOWN_KEYS.has(key)) return null;
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const v = argv[name];
    if (spec.choices && v !== undefined && !(typeof v === 'string' && spec.choices.includes(v))) return null;
  }
  for (const p of argv._) if (typeof p !== 'string' || yargsReadsAsNumber(p)) return null;
  return argv as unknown as CliArgs;
}

/** The parse of yargs itself (imported only here): help and version print and exit, errors go to `fail`. */
export async function yargsParse(args: string[], fail: (message: string) => never): Promise<CliArgs> {
  const { default: yargs } = await import('yargs');
  let y = yargs(args).scriptName(TOOL_NAME).usage(USAGE);
  for (const [name, spec] of Object.entries(OPTIONS)) y = y.option(name, spec);
  const argv = await y
    .version(TOOL_VERSION)
    .help()
    .strictOptions()
    .fail((msg, err) => fail(msg || err?.message || 'bad arguments'))
    .parse();
  return argv as unknown as CliArgs;
}

/** The options as yargs hands them to yargs-parser. */
const PARSER_OPTIONS: parser.Options = {
  alias: Object.fromEntries(Object.entries(OPTIONS).flatMap(([name, s]) => (s.alias ? [[name, [s.alias]]] : []))),
  boolean: names('boolean'),
  string: names('string'),
  number: names('number'),
  default: Object.fromEntries(Object.entries(OPTIONS).flatMap(([name, s]) => (s.default !== undefined ? [[name, s.default]] : []))),
  configuration: { 'parse-positional-numbers': false },
};

function names(type: NonNullable<OptionSpec['type']>): string[] {
  // An option with choices and no type is read as a string: a value yargs would read otherwise is outside the choices
  // either way, and goes to yargs.
  return Object.entries(OPTIONS).flatMap(([name, s]) => ((s.type ?? 'string') === type ? [name] : []));
}

/** Every key a parse of known options can hold: names, aliases and their camel-case forms (yargs-parser adds those). */
const KNOWN_KEYS = new Set(
  Object.entries(OPTIONS).flatMap(([name, s]) => [name, camel(name), ...(s.alias ? [s.alias] : [])]),
);

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Whether yargs would turn this positional into a number (it parses positional numbers): then yargs decides. */
function yargsReadsAsNumber(p: string): boolean {
  return /^0x[0-9a-f]+$/i.test(p) || /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i.test(p);
}
