// --jobs N: worker threads each rebuild the connections whose 4-tuple hashes to them. The promise to the user is that
// the report does not change by one byte, whatever N: same connections, same numbers, same words, same exit code and
// the same fault line for a broken file. Checked here on real captures and on a synthetic multi-session capture that
// carries every diagnosis the generator makes.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../dist/analysis/analyzer.js';
import { autoJobs } from '../dist/analysis/jobs.js';
import { generateCapture } from '../dist/bench/generate.js';
import { fixturePath, hasSharedCaptures, runCli, SHARED_CAPTURES } from './helpers/cli.js';

let dir = '';
let synthetic = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sharded-'));
  synthetic = join(dir, 'many-sessions.pcap');
  generateCapture(synthetic, { targetBytes: 6 << 20, seed: 7 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sameWithJobs(files: string[], jobs: number[], extra: string[] = []): void {
  const one = runCli(['--format', 'json', '--jobs', '1', ...extra, ...files]);
  for (const n of jobs) {
    const many = runCli(['--format', 'json', '--jobs', String(n), ...extra, ...files]);
    expect(many.code, `exit code with --jobs ${n}`).toBe(one.code);
    expect(many.stderr, `stderr with --jobs ${n}`).toBe(one.stderr);
    expect(many.stdout, `report with --jobs ${n}`).toBe(one.stdout);
  }
}

describe('--jobs: the same report from any number of workers', () => {
  it('a synthetic capture of many concurrent sessions with stalls, loss, slow servers and blackholes', () => {
    const r = runCli(['--format', 'json', '--jobs', '1', synthetic]);
    const report = JSON.parse(r.stdout);
    // The capture is worth the comparison: many connections, several kinds of diagnosis, a cross-connection finding.
    expect(report.connections.length).toBeGreaterThan(100);
    expect(new Set(report.connections.map((c: { diagnosis: string }) => c.diagnosis)).size).toBeGreaterThan(2);
    sameWithJobs([synthetic], [2, 3, 4]);
  });

  it('the text report too', () => {
    const one = runCli(['--jobs', '1', synthetic]);
    const two = runCli(['--jobs', '2', synthetic]);
    expect(two.stdout).toBe(one.stdout);
    expect(two.code).toBe(one.code);
  });

  it('real lab captures (incident, forged ACKs, IPv6) and rotated files read as one capture', () => {
    sameWithJobs([fixturePath('lab/incident-513-client.pcap')], [2]);
    sameWithJobs([fixturePath('crafted/forged-ack-boundary-1025.pcap')], [3]);
    sameWithJobs([fixturePath('lab/incident-513-ipv6-server.pcap')], [2]);
    sameWithJobs(['00', '01', '02'].map((n) => fixturePath(`formats/rotated-real-${n}.pcap`)), [2, 3]);
  });

  it('fragments, IPv6 extension headers, gzip pcapng and VLAN tags', () => {
    sameWithJobs([fixturePath('crafted/ipv4-fragmented.pcap')], [2]);
    sameWithJobs([fixturePath('crafted/ipv6-ext-headers.pcap')], [2]);
    sameWithJobs([fixturePath('formats/nano.pcapng.gz')], [2]);
    sameWithJobs([fixturePath('formats/vlan-qinq-real.pcap')], [2]);
  });

  it('a broken file: the same fault line, exit code 2, and what came before it', () => {
    sameWithJobs([fixturePath('crafted/truncated-record.pcap')], [2]);
    sameWithJobs([fixturePath('crafted/not-a-capture.txt')], [2]);
  });

  it.skipIf(!hasSharedCaptures)('third-party captures, one of them corrupt', () => {
    sameWithJobs([join(SHARED_CAPTURES, 'zeek__smtp.pcap')], [2]);
    sameWithJobs([join(SHARED_CAPTURES, 'suricata-verify__smtp-to-comma__10.7.29.101_49898-178.63.41.150_25.pcap')], [2]);
  });

  it('standard input is read by one thread whatever --jobs says', () => {
    const bytes = readFileSync(fixturePath('lab/incident-513-client.pcap'));
    const piped = runCli(['--format', 'json', '--jobs', '4', '-'], bytes);
    const file = runCli(['--format', 'json', '--jobs', '1', '-'], bytes);
    expect(piped.code).toBe(1);
    expect(piped.stdout).toBe(file.stdout);
  });

  it('--jobs rejects what is not a positive whole number', () => {
    const r = runCli(['--jobs', 'two', fixturePath('lab/incident-513-client.pcap')]);
    expect(r.code).toBe(2);
    expect(r.errorLines).toEqual([expect.stringMatching(/--jobs: .*not a positive whole number/)]);
  });
});

describe('the library with jobs', () => {
  it('hands every connection on once, numbered 1..n as a single thread numbers them', async () => {
    const seen: number[] = [];
    const single = await analyze([synthetic]);
    const { report } = await analyze([synthetic], { jobs: 3, onConnection: (c) => (seen.push(c.id), c) });
    expect(seen.length).toBe(single.report.connections.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(report.connections.map((c) => [c.id, c.client, c.diagnosis])).toEqual(single.report.connections.map((c) => [c.id, c.client, c.diagnosis]));
    expect(report.inputs).toEqual(single.report.inputs);
    expect(report.capture).toEqual(single.report.capture);
  });
});

describe('--jobs auto', () => {
  it('one thread for small captures, stdin and fewer than 4 idle cores; one per idle core, at most 4, else', () => {
    const big = join(dir, 'big.pcap');
    writeFileSync(big, '');
    truncateSync(big, 40 << 20); // sparse: only its size is read
    const small = fixturePath('lab/incident-513-client.pcap');
    expect(autoJobs([small], 8, 0)).toBe(1);
    expect(autoJobs(['-'], 8, 0)).toBe(1);
    // Two cores: one thread already keeps the second busy collecting garbage; workers were measured no faster.
    expect(autoJobs([big], 2, 0.1)).toBe(1);
    expect(autoJobs([big], 4, 0.2)).toBe(4);
    expect(autoJobs([big], 8, 0.5)).toBe(4);
    expect(autoJobs([big], 6, 1.7)).toBe(4);
    // A busy host: workers would share cores with the MTA and be slower than one thread.
    expect(autoJobs([big], 4, 2.2)).toBe(1);
    expect(autoJobs([big], 8, 6.5)).toBe(1);
    expect(autoJobs([big, join(dir, 'missing.pcap')], 8, 0)).toBe(1);
  });
});
