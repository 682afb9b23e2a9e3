// The CLI as a user runs it (dist/cli.js, built by `npm test`): formats, --output inference, selection, --extract,
// colour and bad arguments.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, runCli } from './helpers/cli.js';
import { maskCredentials } from '../src/extract/flight-bytes.js';
import { ProgressBar } from '../src/report/progress.js';

const INCIDENT = fixturePath('lab/incident-513-client.pcap');
const MV = ['00', '01', '02'].map((n) => fixturePath(`crafted/message-view-${n}.pcap`));
const tmp = () => mkdtempSync(join(tmpdir(), 'cli-reports-'));

describe('formats and --output', () => {
  it('infers the format from the extension and keeps exit code 1 for a problem', () => {
    const dir = tmp();
    for (const [ext, probe] of [['md', /^# SMTP capture diagnosis/], ['html', /^<!DOCTYPE html>/], ['json', /^\{\n {2}"schemaVersion": 1/]] as const) {
      const out = join(dir, `report.${ext}`);
      const run = runCli(['-o', out, INCIDENT]);
      expect(run.code, ext).toBe(1);
      expect(run.stdout).toBe('');
      expect(readFileSync(out, 'utf8')).toMatch(probe);
    }
  });

  it('exit 0 for a clean capture, 2 with one line for bad arguments', () => {
    expect(runCli(['-f', 'markdown', fixturePath('spine/postfix-pipelined-3rcpt.pcap')]).code).toBe(0);
    const bad = runCli(['--since', 'yesterday', INCIDENT]);
    expect(bad.code).toBe(2);
    expect(bad.errorLines).toEqual([expect.stringMatching(/^smtp-pcap-diagnose: --since: "yesterday" is neither/)]);
    const port = runCli(['--port', '99999', INCIDENT]);
    expect(port.code).toBe(2);
    expect(port.errorLines).toHaveLength(1);
    const unwritable = runCli(['-o', '/nonexistent-dir/x.md', INCIDENT]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.errorLines).toEqual(['smtp-pcap-diagnose: cannot write /nonexistent-dir/x.md: ENOENT']);
  });

  it('no colour and no progress bar when not on a terminal', () => {
    const run = runCli(['-v', INCIDENT]);
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stderr).toBe('');
  });

  it('the progress bar draws only on a TTY, after its delay', () => {
    const writes: string[] = [];
    new ProgressBar({ isTTY: false, write: (s: string) => writes.push(s) }, 1000, 0).update(500);
    expect(writes).toEqual([]);
    const bar = new ProgressBar({ isTTY: true, columns: 80, write: (s: string) => writes.push(s) }, 1000, 0);
    bar.update(500);
    bar.done();
    expect(writes[0]).toMatch(/reading \[#+ +\] 50% of/);
    expect(writes[1]).toBe('\r\x1b[2K');
  });
});

describe('selection on the command line', () => {
  it('--rcpt shows the message view; exit code follows the selected connections', () => {
    const run = runCli(['--rcpt', 'bob@example.org', ...MV]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The message: 3 attempts between 10:02:11 and 16:14:03 (UTC)');
    const clean = runCli(['--from', 'carol@example.net', ...MV]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('The message: 1 attempt at 11:00:00 (UTC) on 2024-03-12; delivered at 11:00:00 (attempt 1).');
  });

  it('JSON gains "selection" and "message" only when selecting', () => {
    const plain = JSON.parse(runCli(['-f', 'json', ...MV]).stdout);
    expect(plain.message).toBeUndefined();
    const sel = JSON.parse(runCli(['-f', 'json', '--from=alice@example.net', '--problems-only', ...MV]).stdout);
    expect(sel.selection).toBe('--from alice@example.net --problems-only');
    expect(sel.connections.map((c: { id: number }) => c.id)).toEqual([1, 3]);
    expect(sel.message.attempts).toHaveLength(2);
  });

  it('--redact masks addresses in the selection line and the message view too', () => {
    const md = runCli(['-f', 'markdown', '--redact', '--from', 'alice@example.net', ...MV]).stdout;
    expect(md).not.toContain('alice');
    expect(md).not.toContain('bob@');
    expect(md).toContain('Selection: --from redacted-1@example.net');
  });
});

describe('--extract', () => {
  it('writes the exact stalled flight bytes and a replay recipe', () => {
    const dir = tmp();
    const run = runCli(['--extract', dir, '-f', 'json', INCIDENT]);
    expect(run.code).toBe(1);
    const bin = readFileSync(join(dir, 'flight-1-1.bin'));
    expect(bin.length).toBe(513);
    expect(bin.subarray(0, 34).toString('latin1')).toBe('MAIL FROM:<relay@client.example>\r\n');
    expect(bin.subarray(507).toString('latin1')).toBe('DATA\r\n');
    const sh = readFileSync(join(dir, 'flight-1-1.sh'), 'utf8');
    expect(sh).toMatch(/^#!\/bin\/sh/);
    expect(sh).toContain('BIN="$(dirname "$0")/flight-1-1.bin"');
    expect(sh).toContain('dd if="$BIN" bs=1 skip=507 count=6'); // DATA, its own write in "split" mode
    expect(statSync(join(dir, 'flight-1-1.sh')).mode & 0o100).toBeTruthy();
    expect(run.errorLines).toEqual([`smtp-pcap-diagnose: --extract: wrote ${join(dir, 'flight-1-1')}.bin (513 bytes) and flight-1-1.sh`]);
  });

  it('recovers a flight whose connection spans rotated files', () => {
    const dir = tmp();
    runCli(['--extract', dir, '--connection', '3', ...MV]);
    const bin = readFileSync(join(dir, 'flight-3-1.bin'), 'latin1');
    expect(bin.length).toBe(513);
    expect(bin).toMatch(/^MAIL FROM:<alice@example\.net> SIZE=18734\r\nRCPT TO:<bob@example\.org>\r\n/);
    expect(existsSync(join(dir, 'flight-1-1.bin'))).toBe(false); // not selected
  });

  it('never writes an AUTH credential, keeping every offset', () => {
    const masked = maskCredentials(Buffer.from('AUTH PLAIN AGZpeHR1cmUAczNjcmV0LWZpeHR1cmU=\r\nMAIL FROM:<a@b>\r\n'));
    expect(masked.toString()).toBe(`AUTH PLAIN ${'x'.repeat(32)}\r\nMAIL FROM:<a@b>\r\n`);
  });
});
