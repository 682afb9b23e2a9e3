import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, runCli } from './helpers/cli.js';

// A file that is not a capture at all gets its own clear line naming the file: no stack trace, exit 2 when nothing
// could be analysed.

const dir = mkdtempSync(join(tmpdir(), 'errors-'));
const png = join(dir, 'screenshot.png');
writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]));

function oneLine(args: string[], expected: RegExp): void {
  const r = runCli(['--format', 'json', ...args]);
  expect(r.code).toBe(2);
  expect(r.errorLines).toHaveLength(1);
  expect(r.errorLines[0]).toMatch(expected);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('inputs that are not captures', () => {
  it('a PNG image', () => oneLine([png], /^smtp-pcap-diagnose: .*screenshot\.png: byte 0: a PNG image, not a capture$/));
  it('a directory', () => oneLine([dir], /: byte 0: is a directory, not a capture file$/));
  it('a missing path', () => oneLine([join(dir, 'nope.pcap')], /nope\.pcap: byte 0: no such file$/));
  it('a path through a file', () => oneLine([`${png}/x.pcap`], /no such file \(a part of the path is a file, not a directory\)$/));
  it('a text file', () => oneLine([fixturePath('crafted/not-a-capture.txt')], /text, not a capture \(starts "/));
  it('an empty file', () => oneLine([fixturePath('crafted/empty.pcap')], /empty file \(0 bytes\), not a capture$/));

  it('a file without read permission', () => {
    const locked = join(dir, 'locked.pcap');
    writeFileSync(locked, Buffer.alloc(100));
    chmodSync(locked, 0o000);
    const root = process.getuid?.() === 0;
    if (root) {
      // root reads anything: use a kernel file that even root may not read as a stream.
      oneLine(['/proc/1/mem'], /\/proc\/1\/mem: byte 0: (permission denied|cannot read)/);
    } else oneLine([locked], /locked\.pcap: byte 0: permission denied$/);
  });

  it('one line per bad input, and the good input is still analysed', () => {
    const r = runCli(['--format', 'json', png, fixturePath('spine/auth-login.pcap'), dir]);
    expect(r.errorLines).toHaveLength(2);
    const report = JSON.parse(r.stdout);
    expect(report.inputs[1].packets).toBeGreaterThan(0);
    expect(report.connections.length).toBeGreaterThan(0);
  });
});
