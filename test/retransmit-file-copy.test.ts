import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import type { ReportJson } from '../src/analysis/report-model.js';
import { CaptureFiles } from '../src/capture/capture-files.js';
import { Conversation } from '../src/synth/index.js';
import { runJson, withoutInputs } from './helpers/cli.js';

// A retransmission is compared with the first copy of its bytes. Read in place from a regular file, that first copy
// is read back from the file when needed (CaptureFiles) instead of being copied as it passes; read as a stream
// (stdin, gzip) it is copied into a ring. Both must find exactly the same mismatches, whatever the path the first
// copy took: in order, out of order (delivered later from its buffered copy), cut by the snaplen, from another file of
// a rotated capture, or in a window of many small segments.

const dir = mkdtempSync(join(tmpdir(), 'file-copy-'));
let n = 0;

const FIRST = 'MAIL FROM:<alice@example.org>\r\n';
const FORGED = 'MAIL FROM:<mallory@evil.org>\r\n';

function conversation(): Conversation {
  const c = new Conversation({ client: { ip: '198.18.5.10', port: 47318 }, server: { ip: '198.18.6.25', port: 25 }, startNs: 1_710_234_847_000_000_000n });
  c.handshake({ rttNs: 2_000_000 });
  c.serverSends('220 mx.example ESMTP\r\n', { afterNs: 1_000_000 });
  return c;
}

function write(bytes: Buffer, ext = 'pcap'): string {
  const path = join(dir, `case-${n++}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

function mismatches(r: ReportJson) {
  return r.connections.flatMap((c) => c.findings.filter((f) => f.kind === 'retransmission-mismatch'));
}

/** The pcap records of `bytes` cut into two files at record `k` (a rotated capture). */
function splitPcap(bytes: Buffer, k: number): [Buffer, Buffer] {
  const header = bytes.subarray(0, 24);
  let pos = 24;
  for (let i = 0; i < k; i++) pos += 16 + bytes.readUInt32LE(pos + 8);
  return [bytes.subarray(0, pos), Buffer.concat([header, bytes.subarray(pos)])];
}

/** Analyses the capture from a file in process (counting read-backs), and through the CLI from the file, stdin, a
 * gzip file and with two jobs: every report must be the same. Returns the in-process report and the read-backs. */
async function everyWay(pcap: Buffer): Promise<{ report: ReportJson; readBacks: number }> {
  const path = write(pcap);
  const read = vi.spyOn(CaptureFiles.prototype, 'read');
  const { report, errors } = await analyze([path]);
  expect(errors).toEqual([]);
  const readBacks = read.mock.calls.length;
  read.mockRestore();
  const fromFile = withoutInputs(runJson([path]).report);
  expect(withoutInputs(runJson(['-'], pcap).report)).toEqual(fromFile);
  expect(withoutInputs(runJson([write(gzipSync(pcap), 'pcap.gz')]).report)).toEqual(fromFile);
  expect(withoutInputs(runJson([path], undefined, ['--jobs', '2']).report)).toEqual(fromFile);
  expect(mismatches(report)).toEqual(mismatches(fromFile as ReportJson));
  return { report, readBacks };
}

/** FIRST sent whole, then bytes [start, start + length) of it sent again as `bytes`, then the server's reply. */
function withRetransmission(start: number, length: number, bytes: string): Buffer {
  const c = conversation();
  c.clientSends(FIRST, { afterNs: 1_000_000 });
  c.retransmit('client', start, length, bytes, { afterNs: 200_000 });
  c.serverSends('250 ok\r\n', { afterNs: 1_000_000 });
  return c.toPcap();
}

afterEach(() => vi.restoreAllMocks());

describe('retransmissions compared with a first copy read back from the file', () => {
  it('an overlapping retransmission with other bytes: found from the file as from stdin and gzip', async () => {
    const { report, readBacks } = await everyWay(withRetransmission(5, 20, FORGED.slice(5)));
    expect(readBacks).toBeGreaterThan(0);
    const f = mismatches(report);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.offset).toBe(11);
    expect(report.connections[0]!.commands[0]!.argument).toBe('FROM:<alice@example.org>');
  });

  it('an identical retransmission is read back and raises nothing', async () => {
    const { report, readBacks } = await everyWay(withRetransmission(0, FIRST.length, FIRST));
    expect(readBacks).toBeGreaterThan(0);
    expect(mismatches(report)).toEqual([]);
  });

  it('a first copy that arrived out of order (delivered later from its buffered copy) is read from its own frame', async () => {
    const c = conversation();
    // [10, 31) arrives first and waits for the hole [0, 10), which comes as a retransmission.
    c.clientSends(FIRST, { afterNs: 1_000_000, segmentSizes: [10, 21], omitSegments: [0] });
    c.retransmit('client', 0, 10, FIRST, { afterNs: 200_000 });
    c.retransmit('client', 10, 21, FORGED.slice(10), { afterNs: 200_000 });
    c.serverSends('250 ok\r\n', { afterNs: 1_000_000 });
    const { report, readBacks } = await everyWay(c.toPcap());
    expect(readBacks).toBeGreaterThan(0);
    const f = mismatches(report);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.offset).toBe(11);
  });

  it('a first copy cut by the snaplen: only its captured bytes are compared', async () => {
    const make = (retransmitted: string): Buffer => {
      const c = conversation();
      const [mail] = c.clientSends(FIRST, { afterNs: 1_000_000 });
      c.retransmit('client', 0, FIRST.length, retransmitted, { afterNs: 200_000 });
      c.serverSends('250 ok\r\n', { afterNs: 1_000_000 });
      // The snaplen keeps all of the MAIL segment but its last 12 bytes ('example.org>\r\n' loses 'ple.org>\r\n' and more).
      const frame = c.encode(mail!)[0]!;
      return c.toPcap({ snaplen: frame.length - 12 });
    };
    // Differs within the captured bytes ('alice' → 'mallory'): found.
    const captured = await everyWay(make(FORGED));
    expect(mismatches(captured.report).map((f) => f.evidence.offset)).toEqual([11]);
    // Differs only in bytes the snaplen cut from both copies: nothing to compare, nothing found.
    const cutOnly = await everyWay(make(FIRST.slice(0, FIRST.length - 6) + 'XXXX\r\n'));
    expect(mismatches(cutOnly.report)).toEqual([]);
    expect(cutOnly.readBacks).toBeGreaterThan(0);
  });

  it('a rotated capture: the first copy is read back from the file before the one being read', async () => {
    const c = conversation();
    c.clientSends(FIRST, { afterNs: 1_000_000 });
    c.retransmit('client', 5, 20, FORGED.slice(5), { afterNs: 200_000 });
    c.serverSends('250 ok\r\n', { afterNs: 1_000_000 });
    const whole = c.toPcap();
    const single = withoutInputs(runJson([write(whole)]).report);
    // Records: SYN, SYN/ACK, ACK, 220, MAIL | the retransmission, 250.
    const [a, b] = splitPcap(whole, 5);
    const files = [write(a), write(b)];
    const read = vi.spyOn(CaptureFiles.prototype, 'read');
    const { report } = await analyze(files);
    expect(read.mock.calls.length).toBeGreaterThan(0);
    expect(read.mock.calls.every((call) => call[0] === 0)).toBe(true); // all from the first file
    // Frame numbers count per file, so only the findings are the single file's.
    expect(mismatches(report)).toEqual(mismatches(single as ReportJson));
    expect(mismatches(report).map((f) => f.evidence.offset)).toEqual([11]);
    const cli = withoutInputs(runJson(files).report);
    expect(cli.connections).toEqual(report.connections);
    expect(withoutInputs(runJson(files, undefined, ['--jobs', '2']).report)).toEqual(cli);
  });

  it('a window cut into many small segments turns to copying (read back once) and still finds the mismatch', async () => {
    const c = conversation();
    const lines = 'EHLO client.example\r\n' + FIRST;
    c.clientSends(lines, { afterNs: 1_000_000, segmentSizes: Array(lines.length).fill(1) });
    const at = 'EHLO client.example\r\n'.length;
    c.retransmit('client', at, FORGED.length, FORGED, { afterNs: 200_000 });
    c.serverSends('250 ok\r\n', { afterNs: 1_000_000 });
    const { report, readBacks } = await everyWay(c.toPcap());
    expect(readBacks).toBeGreaterThan(0);
    expect(mismatches(report).map((f) => f.evidence.offset)).toEqual([at + 11]);
  });
});
