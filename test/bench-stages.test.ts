// The bench's "where the time goes" line subtracts the analysis cut short after each stage from the next: each cut must
// do all the work of its stages, on the same packets and connections as the analysis, or the line misleads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { generateCapture } from '../src/bench/generate.js';
import { packetFloor } from '../src/bench/packet-floor.js';
import { runStage } from '../src/bench/stages.js';
import { fixture } from './support/analyse.js';

let dir = '';
const files: string[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stages-'));
  const synthetic = join(dir, 'many.pcap');
  generateCapture(synthetic, { targetBytes: 3e6, seed: 11 });
  files.push(synthetic);
  for (const name of readdirSync(fixture('lab'))) if (name.endsWith('.pcap')) files.push(join(fixture('lab'), name));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench stages', () => {
  it('decode, track and parse the same packets and connections as the analysis', async () => {
    for (const f of files) {
      const { report } = await analyze([f]);
      const tcpPackets = report.inputs[0]!.accounting.tcp;
      const decode = await runStage(f, 'decode');
      const tcp = await runStage(f, 'tcp');
      const smtp = await runStage(f, 'smtp');
      expect(decode, f).toEqual({ packets: tcpPackets, connections: 0, smtp: 0 });
      expect(tcp.packets, f).toBe(tcpPackets);
      expect(tcp.connections, f).toBe(report.connections.length + report.capture.otherTcpConnections);
      expect(tcp.smtp, f).toBe(0);
      expect(smtp, f).toEqual({ packets: tcpPackets, connections: tcp.connections, smtp: report.connections.length });
    }
    const many = await runStage(files[0]!, 'smtp');
    expect(many.smtp).toBeGreaterThan(50);
  });
});

describe('bench per-packet floor', () => {
  // The bench sets our decoding and TCP stages against this floor: it must do the same per-packet work on the same
  // packets, or the comparison flatters us.
  it('decodes the same TCP packets, finds the same connections and counts the same in-order bytes as the analysis', async () => {
    let compared = 0;
    let bytesCompared = 0;
    for (const f of files) {
      const { report } = await analyze([f]);
      const ethernetIpv4 = report.inputs[0]!.format === 'pcap' && report.inputs[0]!.linkTypes.join() === '1' && report.connections.every((c) => !c.client.includes('['));
      if (!ethernetIpv4) continue;
      compared++;
      const floor = packetFloor(f);
      const tcp = await runStage(f, 'tcp');
      expect(floor.tcpPackets, f).toBe(report.inputs[0]!.accounting.tcp);
      expect(floor.connections, f).toBe(tcp.connections);
      const lossless = report.connections.filter((c) => c.tcp.retransmissions === 0 && c.tcp.gaps.length === 0);
      if (lossless.length === report.connections.length && report.capture.otherTcpConnections === 0) {
        expect(floor.inOrderBytes, f).toBe(report.connections.reduce((n, c) => n + c.tcp.clientBytes + c.tcp.serverBytes, 0));
        expect(floor.retransmissions, f).toBe(0);
        bytesCompared++;
      }
    }
    expect(compared).toBeGreaterThan(3);
    expect(bytesCompared).toBeGreaterThan(1);
    // The synthetic capture has lost segments sent again: the floor sees them too.
    const floor = packetFloor(files[0]!);
    expect(floor.retransmissions).toBeGreaterThan(0);
    expect(floor.connections).toBeGreaterThan(50);
  });
});

describe('bench held connections', () => {
  // The bench states memory per held connection from these captures: every session must be open at the same moment.
  it('generates stalled sessions that the analysis holds all at once and diagnoses as stalls', async () => {
    const path = join(dir, 'held.pcap');
    const g = generateCapture(path, { targetBytes: Infinity, sessions: 300, kind: 'server-stall', meanArrivalNs: 500_000, seed: 3 });
    expect(g.sessions).toBe(300);
    expect(g.kinds).toEqual({ 'server-stall': 300 });
    const { report, stats } = await analyze([path]);
    expect(stats.peakOpenConnections).toBe(300);
    expect(report.connections.map((c) => c.diagnosis)).toEqual(Array(300).fill('server-stall'));
  });

  // The bench's flatness line compares a spread capture with its first tenth: the same sessions at the same times, so
  // that only the capture's length differs, not the connections held at once.
  it('generates the same first sessions whatever the number asked for', () => {
    const short = join(dir, 'short.pcap');
    const long = join(dir, 'long.pcap');
    generateCapture(short, { targetBytes: Infinity, sessions: 50, kind: 'server-stall', meanArrivalNs: 1e9, seed: 9 });
    generateCapture(long, { targetBytes: Infinity, sessions: 500, kind: 'server-stall', meanArrivalNs: 1e9, seed: 9 });
    const a = readFileSync(short);
    const b = readFileSync(long);
    let same = 0;
    while (same < a.length && a[same] === b[same]) same++;
    // Identical until the long capture's later sessions start to interleave with the short one's last packets.
    expect(same).toBeGreaterThan(a.length * 0.8);
    expect(b.length).toBeGreaterThan(a.length * 5);
  });
});

describe('bench command line', () => {
  // A capture the references cannot read, or a mistaken option, must say so in one line before any measuring starts.
  it('refuses a file that is not a classic pcap, and an unknown option, in one line with exit code 2', () => {
    const bench = fileURLToPath(new URL('../dist/bench/run.js', import.meta.url));
    const pcapng = join(fixture('lab'), 'capture-gap-client.pcap'); // a pcapng file despite its name
    expect(readFileSync(pcapng).readUInt32LE(0)).toBe(0x0a0d0d0a);
    for (const args of [['--file', pcapng, '--no-tshark', '--no-held'], ['--bogus']]) {
      const run = spawnSync(process.execPath, [bench, ...args], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status, args.join(' ')).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(args[0] === '--bogus' ? /^bench: unknown option --bogus/ : /^bench: .*capture-gap-client\.pcap: not a classic pcap file/);
    }
  });
});
