// Issue 4, damaged input: one line on stderr naming the file, the byte offset and what was wrong; exit 2; the packets
// read before the fault are still analysed and reported, and `inputs[].truncated` says where and why reading stopped.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, runCli, runJson } from './helpers/cli.js';

const PREFIX = 'smtp-pcap-diagnose: ';

describe('files that are not captures at all: exit 2, one line, no report of packets', () => {
  it.each([
    ['crafted/not-a-capture.txt', 'byte 0: text, not a capture'],
    ['crafted/empty.pcap', 'byte 0: empty file (0 bytes), not a capture'],
    ['crafted/truncated-header.pcap', 'byte 0: capture header cut short: only 10 bytes'],
  ])('%s', (rel, what) => {
    const file = fixturePath(rel);
    const run = runCli([file]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(`${PREFIX}${file}: ${what}`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a missing file and a directory are named, exit 2', () => {
    const missing = fixturePath('crafted/does-not-exist.pcap');
    const a = runCli([missing]);
    expect(a.code).toBe(2);
    expect(a.errorLines).toEqual([`${PREFIX}${missing}: byte 0: no such file`]);
    const dir = fixturePath('crafted');
    const b = runCli([dir]);
    expect(b.code).toBe(2);
    expect(b.errorLines).toEqual([`${PREFIX}${dir}: byte 0: is a directory, not a capture file`]);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file says permission denied (skipped as root: root reads anything)', () => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'fmt-err-')), 'locked.pcap');
    writeFileSync(f, Buffer.alloc(24));
    chmodSync(f, 0o000);
    const run = runCli([f]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([`${PREFIX}${f}: byte 0: permission denied`]);
  });
});

describe('captures that break off: what was read is analysed and reported, then the precise error', () => {
  it('truncated-record.pcap: 7 packets, then "ends mid-record at byte 838"', () => {
    const file = fixturePath('crafted/truncated-record.pcap');
    const run = runJson([file]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([
      `${PREFIX}${file}: byte 838: capture ends mid-record at byte 838 (107 bytes of an incomplete record); analysed 7 packets`,
    ]);
    const input = run.report.inputs[0]!;
    expect(input.packets).toBe(7);
    expect(input.truncated).toMatchObject({ offset: 838 });
    expect(input.truncated!.reason).toContain('ends mid-record at byte 838');
    // The 7 packets reach the SMTP layer: the session up to the EHLO reply is there.
    const c = run.report.connections[0]!;
    expect(c.banner?.code).toBe(220);
    expect(c.commands[0]).toMatchObject({ command: 'EHLO', reply: { code: 250 } });
  });

  it('huge-record-length.pcap: 5 packets, then the ~4 GB record at byte 498 is refused (nothing allocated)', () => {
    const file = fixturePath('crafted/huge-record-length.pcap');
    const run = runJson([file]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(new RegExp(`^${PREFIX}${file}: byte 498: record 6 claims 4294967280 captured bytes`));
    expect(run.errorLines[0]).toContain('analysed 5 packets');
    expect(run.report.inputs[0]).toMatchObject({ packets: 5, truncated: { offset: 498 } });
  });

  it('pcapng-bad-block-length.pcapng: 3 packets, then the block at byte 412 and its mismatched lengths', () => {
    const file = fixturePath('crafted/pcapng-bad-block-length.pcapng');
    const run = runJson([file]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(new RegExp(`^${PREFIX}${file}: byte 412: pcapng block of type 0x6`));
    expect(run.errorLines[0]).toContain('analysed 3 packets');
    expect(run.report.inputs[0]).toMatchObject({ format: 'pcapng', packets: 3, truncated: { offset: 412 } });
  });

  it('the text report says where reading stopped', () => {
    const run = runCli([fixturePath('crafted/truncated-record.pcap')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('838');
  });

  it('a faulty file among good ones: the good one is analysed in full, the fault is still reported', () => {
    const bad = fixturePath('crafted/truncated-record.pcap');
    const run = runJson([fixturePath('spine/postfix-nonpipelined.pcap'), bad]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(`${bad}: byte 838`);
    expect(run.report.inputs.map((i) => i.packets)).toEqual([23, 7]);
    expect(run.report.connections.some((c) => c.outcome === 'delivered')).toBe(true);
  });

  it('a damaged gzip stream is reported as such, exit 2', () => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'fmt-err-')), 'cut.pcap.gz');
    // The first 200 bytes of a real gzipped capture: the deflate stream ends in the middle.
    writeFileSync(f, readFileSync(fixturePath('spine/variant.pcap.gz')).subarray(0, 200));
    const run = runCli([f]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(`${PREFIX}${f}: byte `);
  });
});
