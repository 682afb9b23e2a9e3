import { describe, expect, it } from 'vitest';
import { quickParse, yargsParse } from '../src/cli-args.js';

// The CLI parses a plain command line with yargs-parser alone and hands anything else to yargs (src/cli-args.ts).
// Each command line below that the quick parse accepts must give the CLI exactly what yargs gives it; the others must
// go to yargs, which then reports what it always did.

const READ = [
  '_', 'format', 'output', 'verbose', 'color', 'progress', 'from', 'rcpt', 'message-id', 'host', 'port', 'since', 'until',
  'connection', 'problems-only', 'redact', 'extract', 'smtp-ports', 'max-connections', 'idle-timeout', 'max-buffered-bytes',
  'max-line-length', 'max-pending-commands', 'jobs', 'max-commands',
] as const;

const ACCEPTED: string[][] = [
  [],
  ['a.pcap'],
  ['-f', 'json', 'a.pcap', 'b.pcap'],
  ['-vf', 'markdown', 'a.pcap'],
  ['--format=markdown', '-o', 'r.md', 'x.pcapng'],
  ['--no-color', '--no-progress', '-v', 'a.pcap'],
  ['--color', 'false', 'a.pcap'],
  ['--verbose=false', '--progress=true', 'a.pcap'],
  ['--rcpt', 'a@x', '--rcpt', 'b@y,c@z', 'a.pcap'],
  ['--from', '@example.test', '--message-id', '<x@example.test>', 'a.pcap'],
  ['--host', '198.18.0.1', '--host', '2001:db8::1', '--port', '25', '--port', '587', 'a.pcap'],
  ['--since', '+90s', '--until', '2024-03-12T10:02:00Z', 'a.pcap'],
  ['--since=-1h', 'a.pcap'],
  ['--connection', '3,4', '--problems-only', '--redact', 'a.pcap'],
  ['--extract', 'out', 'a.pcap'],
  ['--smtp-ports', '25,2525', '--max-connections', '100', '--idle-timeout', '30', '--max-buffered-bytes', '1000', 'a.pcap'],
  ['--max-line-length', '512', '--max-pending-commands', '10', '--max-commands', '5', 'a.pcap'],
  ['--max-connections', 'abc', 'a.pcap'],
  ['--jobs', '2', 'a.pcap'],
  ['--jobs=auto', '-'],
  ['--', '-odd.pcap', '--format'],
  ['a.pcap', '--format', 'html', 'b.pcap'],
  ['--no-jobs', 'a.pcap'],
];

const TO_YARGS: string[][] = [
  ['--help'],
  ['--version'],
  ['-h'],
  ['--bogus', 'a.pcap'],
  ['--mystery=1', 'a.pcap'],
  ['--format', 'xml', 'a.pcap'],
  ['-f', 'json', '-f', 'text', 'a.pcap'],
  ['--no-format', 'a.pcap'],
  ['-fjson', 'a.pcap'], // yargs reads short flags f, j, s, o, n: unknown ones
  ['123'],
  ['1e3'],
  ['0x10'],
  ['-1.5'],
];

function pick(argv: object): Record<string, unknown> {
  const a = argv as Record<string, unknown>;
  return Object.fromEntries(READ.map((k) => [k, k === '_' ? (a._ as unknown[]).map(String) : a[k]]));
}

const thrower = (message: string): never => {
  throw new Error(message);
};

describe('command-line parsing', () => {
  for (const args of ACCEPTED) {
    it(`gives what yargs gives for ${JSON.stringify(args)}`, async () => {
      const quick = quickParse(args);
      expect(quick).not.toBeNull();
      expect(pick(quick!)).toEqual(pick(await yargsParse(args, thrower)));
    });
  }

  for (const args of TO_YARGS) {
    it(`leaves ${JSON.stringify(args)} to yargs`, () => {
      expect(quickParse(args)).toBeNull();
    });
  }

  it('yargs still reports the mistakes the quick parse leaves to it', async () => {
    await expect(yargsParse(['--bogus', 'a.pcap'], thrower)).rejects.toThrow(/Unknown argument: bogus/);
    await expect(yargsParse(['--format', 'xml', 'a.pcap'], thrower)).rejects.toThrow(/Invalid values/);
  });
});
