import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Conversation, PcapWriter, PcapngWriter, LINKTYPE, TCP_FLAGS, internetChecksum, parseIPv6, parseIPv4,
  tcpFrame, fragmentedTcpFrames, type LinkSpec,
} from '../src/synth/index.js';

const T0 = 1_700_000_000_123_456_789n;

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TSHARK = hasTshark();
if (!TSHARK) console.warn('tshark not found: skipping the read-back checks in test/synth.test.ts');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));

/** Fields of every frame, as tshark decodes them (absolute sequence numbers). */
function tsharkFields(file: string, fields: string[], extra: string[] = []): string[][] {
  const out = execFileSync('tshark', [
    '-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.relative_sequence_numbers:FALSE',
    ...extra, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f]),
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

function sampleConversation(opts: { link?: LinkSpec; clientIp?: string; serverIp?: string; isn?: number } = {}): Conversation {
  const c = new Conversation({
    client: { ip: opts.clientIp ?? '198.18.5.10', port: 40001, isn: opts.isn ?? 123456, ipIdStart: 500 },
    server: { ip: opts.serverIp ?? '198.18.6.20', port: 25, ttl: 52, ipIdStart: 31000, isn: 987654 },
    startNs: T0,
    link: opts.link,
  });
  c.handshake({ rttNs: 40_000_000 });
  c.serverSends('220 mx.example.net ESMTP Postfix\r\n', { afterNs: 42_000_000 });
  c.clientSends('EHLO relay.example.org\r\n', { afterNs: 200_000 });
  c.serverSends('250-mx.example.net\r\n250 PIPELINING\r\n', { afterNs: 40_300_000 });
  c.clientSends(`MAIL FROM:<a@example.org>\r\n${'RCPT TO:<someone@example.net>\r\n'.repeat(80)}DATA\r\n`, { afterNs: 300_000 });
  c.serverAcks({ afterNs: 400_000, ttl: 255, ipId: 0, timestamps: false });
  c.fin('client', { afterNs: 1_000_000_000 });
  c.serverAcks({ afterNs: 40_000_000 });
  return c;
}

describe('checksum and addresses', () => {
  it('matches the RFC 1071 worked example', () => {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2, so the checksum is ~0xddf2
    expect(internetChecksum(Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(~0xddf2 & 0xffff);
  });
  it('handles odd lengths and parses addresses', () => {
    expect(internetChecksum(Buffer.from([0xff]))).toBe(0x00ff);
    expect([...parseIPv4('198.18.5.10')]).toEqual([198, 18, 5, 10]);
    expect(parseIPv6('2001:db8::1').toString('hex')).toBe('20010db8000000000000000000000001');
    expect(parseIPv6('::ffff:192.0.2.1').toString('hex')).toBe('00000000000000000000ffffc0000201');
  });
});

describe('Conversation bookkeeping', () => {
  it('tracks seq/ack across the 2^32 wrap', () => {
    const c = new Conversation({
      client: { ip: '198.18.5.1', port: 1025, isn: 2 ** 32 - 300 }, server: { ip: '198.18.6.1', port: 25 }, startNs: T0,
    });
    c.handshake({ rttNs: 1_000_000 });
    const segs = c.clientSends(Buffer.alloc(1000, 0x41), { segmentSizes: [200, 200] });
    expect(segs.map((s) => s.seq)).toEqual([2 ** 32 - 299, 2 ** 32 - 99, 101]);
    expect(segs.map((s) => s.offset)).toEqual([0, 200, 400]);
    const ack = c.serverAcks();
    expect(ack.ack).toBe((2 ** 32 - 299 + 1000) % 2 ** 32);
    expect(c.seqOf('client', 299)).toBe(0);
  });
  it('keeps IP ID counters unless overridden, and omits lost segments', () => {
    const c = sampleConversation();
    const server = c.packets.filter((p) => p.from === 'server');
    expect(server.map((p) => p.ipId)).toEqual([31000, 31001, 31002, 0, 31003]);
    expect(server.map((p) => p.ttl)).toEqual([52, 52, 52, 255, 52]);
    const forged = server[3]!;
    expect(forged.options).toEqual([]);
    const c2 = new Conversation({ client: { ip: '198.18.5.1', port: 1025 }, server: { ip: '198.18.6.1', port: 25 }, startNs: T0 });
    c2.handshake({ rttNs: 1_000_000 });
    c2.clientSends('x'.repeat(30), { segmentSizes: [10, 10], omitSegments: [1] });
    expect([...c2.frames()].length).toBe(5);
  });
});

describe('file writers', () => {
  it('writes pcap headers in both byte orders and precisions, truncating to snaplen', () => {
    const w = new PcapWriter({ linkType: LINKTYPE.RAW, nanosecond: true, bigEndian: true, snaplen: 64 });
    w.addPacket(T0, Buffer.alloc(100, 7));
    const b = w.toBuffer();
    expect(b.readUInt32BE(0)).toBe(0xa1b23c4d);
    expect(b.readUInt32BE(20)).toBe(101);
    expect(b.readUInt32BE(24)).toBe(1_700_000_000);
    expect(b.readUInt32BE(28)).toBe(123_456_789);
    expect(b.readUInt32BE(32)).toBe(64);
    expect(b.readUInt32BE(36)).toBe(100);
    expect(b.length).toBe(24 + 16 + 64);
    const le = new PcapWriter({ linkType: LINKTYPE.ETHERNET });
    le.addPacket(T0, Buffer.alloc(10));
    expect(le.toBuffer().readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(le.toBuffer().readUInt32LE(28)).toBe(123_456);
  });
  it('converts timestamps to pcapng units, including powers of two and offsets', () => {
    const w = new PcapngWriter();
    w.section();
    const us = w.addInterface({ linkType: 1 });
    const p2 = w.addInterface({ linkType: 1, tsresol: { base: 2, exp: 20 }, tsoffsetSec: 1_700_000_000n });
    expect(w.tsUnits(us, T0)).toBe(1_700_000_000_123_456n);
    expect(w.tsUnits(p2, T0)).toBe((123_456_789n << 20n) / 1_000_000_000n);
  });
});

describe.skipIf(!TSHARK)('read back by tshark', () => {
  const links: Array<[string, LinkSpec]> = [
    ['ethernet', { type: 'ethernet' }],
    ['qinq', { type: 'ethernet', tags: [{ tpid: 0x88a8, vid: 100 }, { tpid: 0x8100, vid: 200 }] }],
    ['raw', { type: 'raw' }],
    ['null', { type: 'null' }],
    ['loop', { type: 'loop' }],
    ['sll', { type: 'sll' }],
    ['sll2', { type: 'sll2' }],
  ];
  for (const [name, link] of links) {
    for (const v of [4, 6] as const) {
      it(`${name} IPv${v}: count, checksums, seq/ack`, () => {
        const c = v === 4 ? sampleConversation({ link, isn: 2 ** 32 - 100 })
          : sampleConversation({ link, clientIp: '2001:db8:5::10', serverIp: '2001:db8:6::20', isn: 2 ** 32 - 100 });
        for (const [fmt, buf] of [['pcap', c.toPcap()], ['pcapng', c.toPcapng()]] as const) {
          const file = path.join(tmp, `${name}-v${v}.${fmt}`);
          fs.writeFileSync(file, buf);
          const rows = tsharkFields(file, ['tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.checksum.status', 'ip.checksum.status', 'frame.time_epoch']);
          expect(rows.length).toBe(c.packets.length);
          rows.forEach((r, i) => {
            const p = c.packets[i]!;
            expect(Number(r[0])).toBe(p.seq);
            expect(Number(r[1])).toBe(p.flags & TCP_FLAGS.ACK ? p.ack : 0);
            expect(Number(r[2])).toBe(p.payload.length);
            expect(r[3]).toBe('1'); // good TCP checksum
            if (v === 4) expect(r[4]).toBe('1'); // good IPv4 header checksum
          });
          expect(rows[0]![5]).toMatch(/^1700000000\.123456/);
        }
      });
    }
  }

  it('writes every pcapng block type tshark knows, in both byte orders', () => {
    const c = sampleConversation();
    const frames = [...c.frames()];
    const w = new PcapngWriter();
    w.section({ bigEndian: true, userAppl: 'test' });
    const eth = w.addInterface({ linkType: LINKTYPE.ETHERNET, snaplen: 128, tsresol: { base: 10, exp: 9 } });
    w.nrb([{ address: parseIPv4('198.18.6.20'), names: ['mx.example.net'] }]);
    w.custom(32473, Buffer.from('skip me'), false);
    w.spb(frames[0]!.data);
    w.pb(eth, frames[1]!.tsNs, frames[1]!.data);
    w.epb(eth, frames[2]!.tsNs, frames[2]!.data, { comment: 'third' });
    w.isb(eth, frames[2]!.tsNs, { ifRecv: 3n, ifDrop: 0n });
    w.section({ bigEndian: false });
    const raw = w.addInterface({ linkType: LINKTYPE.RAW, tsresol: { base: 2, exp: 10 }, tsoffsetSec: 1_700_000_000n });
    w.epb(raw, T0, frames[3]!.data.subarray(14));
    const file = path.join(tmp, 'blocks.pcapng');
    fs.writeFileSync(file, w.toBuffer());
    const rows = tsharkFields(file, ['frame.len', 'frame.cap_len', 'tcp.seq_raw', 'frame.time_epoch'], ['-Y', 'tcp']);
    expect(rows.length).toBe(4);
    expect(rows.map((r) => Number(r[2]))).toEqual(c.packets.slice(0, 4).map((p) => p.seq));
    expect(rows[2]![1]).toBe(String(Math.min(128, frames[2]!.data.length)));
    const t2 = frames[2]!.tsNs;
    expect(rows[2]![3]).toBe(`${t2 / 1_000_000_000n}.${String(t2 % 1_000_000_000n).padStart(9, '0')}`); // ns resolution kept
    expect(rows[3]![3]).toMatch(/^1700000000\.12304/); // 2^-10 s units (floor of 0.123456789 s = 126/1024)
  });

  it('writes IPv4 fragments tshark reassembles, and IPv6 extension headers it walks', () => {
    const src = parseIPv4('198.18.5.10');
    const dst = parseIPv4('198.18.6.20');
    const spec = {
      link: { type: 'ethernet' } as LinkSpec,
      ip: { version: 4 as const, src, dst, id: 4242, ttl: 64 },
      tcp: { srcPort: 40000, dstPort: 25, seq: 1, ack: 1, flags: TCP_FLAGS.ACK | TCP_FLAGS.PSH },
      payload: Buffer.from('RCPT TO:<x@example.net>\r\n'.repeat(20)),
    };
    const frags = fragmentedTcpFrames(spec, 200);
    expect(frags.length).toBe(3);
    const w = new PcapWriter({ linkType: 1 });
    frags.forEach((f, i) => w.addPacket(T0 + BigInt(i), f));
    const file = path.join(tmp, 'frag.pcap');
    fs.writeFileSync(file, w.toBuffer());
    const rows = tsharkFields(file, ['ip.checksum.status', 'tcp.checksum.status', 'tcp.len']);
    expect(rows.map((r) => r[0])).toEqual(['1', '1', '1']);
    expect(rows[2]![1]).toBe('1');
    expect(rows[2]![2]).toBe(String(spec.payload.length));

    const v6 = tcpFrame({
      link: { type: 'raw' },
      ip: { version: 6, src: parseIPv6('2001:db8::1'), dst: parseIPv6('2001:db8::2'), extensionHeaders: [{ type: 0 }, { type: 60, options: Buffer.from([0x1e, 1, 0]) }] },
      tcp: { srcPort: 40000, dstPort: 25, seq: 9, ack: 0, flags: TCP_FLAGS.SYN },
    });
    const w6 = new PcapWriter({ linkType: LINKTYPE.RAW });
    w6.addPacket(T0, v6);
    const f6 = path.join(tmp, 'v6.pcap');
    fs.writeFileSync(f6, w6.toBuffer());
    const r6 = tsharkFields(f6, ['ipv6.nxt', 'tcp.seq_raw', 'tcp.checksum.status']);
    expect(r6[0]).toEqual(['0', '9', '1']);
  });
});
