import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type AnalyzeOptions } from '../src/analysis/analyzer.js';
import type { ReportJson } from '../src/analysis/report-model.js';
import { writeSynFlood } from '../src/fuzz/stress.js';
import { Conversation } from '../src/synth/index.js';

// Protocol-level hostile input: each case must stay bounded and say in the report what a limit dropped.

const dir = mkdtempSync(join(tmpdir(), 'adversarial-'));
let n = 0;

function conversation(): Conversation {
  const c = new Conversation({ client: { ip: '198.18.5.10', port: 47318 }, server: { ip: '198.18.6.25', port: 25 }, startNs: 1_710_234_847_000_000_000n });
  c.handshake({ rttNs: 2_000_000 });
  c.serverSends('220 mx.example ESMTP\r\n', { afterNs: 1_000_000 });
  return c;
}

async function run(c: Conversation | Buffer, options: AnalyzeOptions = {}): Promise<ReportJson> {
  const path = join(dir, `case-${n++}.pcap`);
  writeFileSync(path, Buffer.isBuffer(c) ? c : c.toPcap());
  const { report, errors } = await analyze([path], options);
  expect(errors).toEqual([]);
  return report;
}

function findings(r: ReportJson, kind: string) {
  return r.connections.flatMap((c) => c.findings.filter((f) => f.kind === kind));
}

describe('hostile SMTP dialogues', () => {
  it('a 2 MB line without CRLF is cut at the line limit, its length kept exact, and the report says so', async () => {
    const c = conversation();
    const line = `EHLO ${'A'.repeat(2_000_000)}\r\n`;
    c.clientSends(line, { afterNs: 1_000_000, segmentSizes: Array(40).fill(60_000) });
    c.serverSends('500 line too long\r\n', { afterNs: 1_000_000 });
    const r = await run(c);
    const cmd = r.connections[0]!.commands[0]!;
    expect(cmd.length).toBe(line.length);
    expect(cmd.argument.length).toBeLessThanOrEqual(4096);
    expect(findings(r, 'limit-reached').map((f) => f.message).join()).toMatch(/max-line-length.*longer than 4096/);
    expect(r.capture.limits.join()).toMatch(/max-line-length reached in connection #1/);
  });

  it('NUL bytes, bare CR, bare LF and non-UTF-8 bytes are read as bytes, not a crash', async () => {
    const c = conversation();
    c.clientSends(Buffer.concat([Buffer.from('EHLO a\0b\rc\n'), Buffer.from([0x4d, 0x41, 0x49, 0x4c, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0d, 0x0a])]), { afterNs: 1_000_000 });
    c.serverSends('250 ok\r\n250 ok\r\n', { afterNs: 1_000_000 });
    const r = await run(c);
    const conn = r.connections[0]!;
    expect(conn.commands.map((x) => x.command)).toEqual(['EHLO', 'MAIL']);
    expect(conn.anomalies.some((a) => a.kind === 'bare-lf')).toBe(true);
    expect(() => JSON.parse(JSON.stringify(r))).not.toThrow();
  });

  it('a million RCPTs: the first 100000 commands are listed, the rest counted, the pending queue bounded, all said', async () => {
    const c = conversation();
    c.clientSends('EHLO a\r\nMAIL FROM:<a@example.org>\r\n', { afterNs: 1_000_000 });
    c.serverSends('250 ok\r\n250 ok\r\n', { afterNs: 1_000_000 });
    const rcpts = Buffer.from('RCPT TO:<b@example.net>\r\n'.repeat(1_000_000));
    c.clientSends(rcpts, { afterNs: 1_000_000, segmentSizes: Array(Math.ceil(rcpts.length / 60_000)).fill(60_000) });
    const r = await run(c);
    const conn = r.connections[0]!;
    expect(conn.commands.length).toBe(100_000);
    expect(conn.transactions[0]!.rcptTo.length).toBeLessThan(100_000);
    const said = findings(r, 'limit-reached').map((f) => f.message).join('\n');
    expect(said).toMatch(/max-commands.*900002 command\(s\) after the first 100000/);
    expect(said).toMatch(/max-pending-commands.*more than 1000 commands were waiting/);
    expect(conn.anomalies.length).toBeLessThan(200); // bounded per kind, not one per overflow
  }, 120_000);

  it('replies with invalid codes and replies before any command are anomalies, not replies to later commands', async () => {
    const c = conversation();
    c.serverSends('250 nobody asked\r\n999 bad code\r\nhello there\r\n', { afterNs: 1_000_000 });
    c.clientSends('QUIT\r\n', { afterNs: 1_000_000 });
    c.serverSends('221 bye\r\n', { afterNs: 1_000_000 });
    const r = await run(c);
    const conn = r.connections[0]!;
    const kinds = conn.anomalies.map((a) => a.kind);
    expect(kinds).toContain('unsolicited-reply');
    expect(kinds.filter((k) => k === 'garbled-reply-line')).toHaveLength(2);
    expect(conn.commands[0]!.reply?.code).toBe(221);
  });

  it('data after QUIT is still listed as what the client sent', async () => {
    const c = conversation();
    c.clientSends('QUIT\r\n', { afterNs: 1_000_000 });
    c.serverSends('221 bye\r\n', { afterNs: 1_000_000 });
    c.clientSends('MAIL FROM:<late@example.org>\r\n', { afterNs: 1_000_000 });
    const r = await run(c);
    expect(r.connections[0]!.commands.map((x) => x.command)).toEqual(['QUIT', 'MAIL']);
    expect(r.connections[0]!.commands[1]!.reply).toBeNull();
  });

  it('an overlapping retransmission with different bytes is reported, and the first copy is kept', async () => {
    const c = conversation();
    const first = 'MAIL FROM:<alice@example.org>\r\n';
    c.clientSends(first, { afterNs: 1_000_000 });
    c.retransmit('client', 5, 20, 'FROM:<mallory@evil.>', { afterNs: 200_000 });
    c.serverSends('250 ok\r\n', { afterNs: 1_000_000 });
    const r = await run(c);
    const conn = r.connections[0]!;
    expect(conn.commands[0]!.argument).toBe('FROM:<alice@example.org>');
    const f = findings(r, 'retransmission-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/1 client retransmission\(s\) carried different bytes.*first copy was kept/);
    expect(f[0]!.evidence.offset).toBe(11);
  });

  it('a sequence number jumping by 2^31 does not poison the stream: the dialogue is still read', async () => {
    const c = conversation();
    c.clientSends('EHLO a\r\n', { afterNs: 1_000_000 });
    // A segment whose sequence number is 2^31 away from the stream (a bit flip in the top bit, or an attack).
    c.retransmit('client', 8 + 2 ** 31, 16, 'XXXXXXXXXXXXXXXX', { afterNs: 100_000 });
    c.serverSends('250 ok\r\n', { afterNs: 1_000_000 });
    c.clientSends('QUIT\r\n', { afterNs: 1_000_000 });
    c.serverSends('221 bye\r\n', { afterNs: 1_000_000 });
    const r = await run(c);
    const conn = r.connections[0]!;
    expect(conn.commands.map((x) => x.command)).toEqual(['EHLO', 'QUIT']);
    expect(conn.commands.every((x) => x.reply !== null)).toBe(true);
  });

  it('out-of-order bytes beyond --max-buffered-bytes give up the hole as a gap, and the report says which connection', async () => {
    const c = conversation();
    const body = Buffer.from(`MAIL FROM:<a@b>\r\n${'NOOP\r\n'.repeat(10_000)}`);
    c.clientSends(body, { afterNs: 1_000_000, segmentSizes: Array(100).fill(1000), omitSegments: [0] });
    const r = await run(c, { tracker: { maxBufferedBytes: 16_384 } });
    const said = findings(r, 'limit-reached').map((f) => f.message).join('\n');
    expect(said).toMatch(/max-buffered-bytes.*more than 16384 bytes of out-of-order client data/);
    expect(r.capture.limits.join()).toMatch(/max-buffered-bytes reached in connection #1.*--max-buffered-bytes/);
    expect(r.connections[0]!.tcp.gaps.some((g) => g.reason === 'buffer-limit')).toBe(true);
  });
});

describe('SYN flood', () => {
  it('beyond --max-connections the oldest half-open connections are finished, counted, and said in capture.limits', async () => {
    const path = join(dir, 'flood.pcap');
    writeSynFlood(path, 20_000);
    const { report, errors } = await analyze([path], { tracker: { maxOpenConnections: 1000 } });
    expect(errors).toEqual([]);
    expect(report.inputs[0]!.accounting.tcp).toBe(20_000);
    expect(report.capture.limits.join()).toMatch(/max-connections reached: 19000 connections were finished early.*19000 of them had carried no data/);
    expect(report.capture.otherTcpConnections).toBe(20_000);
  }, 60_000);
});
