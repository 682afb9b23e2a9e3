// IP fragment reassembly (src/decode/ip-reassembly.ts): whole TCP segments come back from IPv4 and IPv6 fragments in
// any order; overlaps, stale and over-limit datagrams are dropped and every fragment frame is accounted by its fate.
import { describe, expect, it } from 'vitest';
import type { Frame } from '../src/capture/frame.js';
import { decodeFrame } from '../src/decode/ip-tcp.js';
import { IpReassembler, type FragmentFate } from '../src/decode/ip-reassembly.js';
import type { TcpPacket } from '../src/decode/packet.js';
import { fragmentIPv4, parseIP, tcpFrame, TCP_FLAGS } from '../src/synth/index.js';

const RAW = 101;
const PAYLOAD = Buffer.from('RCPT TO:<someone@example.org>\r\n'.repeat(40)); // 1240 bytes

function tcpSpec() {
  return { srcPort: 47434, dstPort: 25, seq: 1000, ack: 2000, flags: TCP_FLAGS.ACK | TCP_FLAGS.PSH };
}

function ipv4Fragments(size: number, id = 19345): Buffer[] {
  const whole = tcpFrame({
    link: { type: 'raw' },
    ip: { version: 4, src: parseIP('198.18.5.10'), dst: parseIP('198.18.6.25'), id, df: false },
    tcp: tcpSpec(),
    payload: PAYLOAD,
  });
  return fragmentIPv4(whole, size);
}

/** IPv6 fragments by hand (RFC 8200 §4.5): the TCP segment split after a Fragment header, offsets in 8-byte units. */
function ipv6Fragments(size: number, id = 0x5eed1234): Buffer[] {
  const whole = tcpFrame({
    link: { type: 'raw' },
    ip: { version: 6, src: parseIP('2001:db8:5::a'), dst: parseIP('2001:db8:6::19') },
    tcp: tcpSpec(),
    payload: PAYLOAD,
  });
  const header = whole.subarray(0, 40);
  const body = whole.subarray(40);
  const out: Buffer[] = [];
  for (let off = 0; off < body.length; off += size) {
    const piece = body.subarray(off, Math.min(body.length, off + size));
    const frag = Buffer.alloc(8);
    frag[0] = 6; // next header: TCP
    frag.writeUInt16BE(off | (off + size < body.length ? 1 : 0), 2);
    frag.writeUInt32BE(id, 4);
    const h = Buffer.from(header);
    h[6] = 44; // next header: Fragment
    h.writeUInt16BE(8 + piece.length, 4);
    out.push(Buffer.concat([h, frag, piece]));
  }
  return out;
}

function frame(data: Buffer, n: number, input = 0): Frame {
  return { input, number: n, sec: 1710234847, nsec: n * 1000, linkType: RAW, data, origLen: data.length, offset: 0 };
}

function harness(limits?: ConstructorParameters<typeof IpReassembler>[1]) {
  const fates: Partial<Record<FragmentFate, number>> = {};
  const r = new IpReassembler((_input, fate, n) => (fates[fate] = (fates[fate] ?? 0) + n), limits);
  const feed = (frags: Buffer[], atNs = 0): TcpPacket[] => {
    const out: TcpPacket[] = [];
    frags.forEach((f, i) => {
      const fr = frame(f, i + 1);
      expect(decodeFrame(fr)).toBe('ip-fragment');
      const whole = r.offer(fr, atNs);
      if (whole) out.push(decodeFrame(whole) as TcpPacket);
    });
    return out;
  };
  return { r, fates, feed };
}

describe('IP fragment reassembly', () => {
  it.each([
    ['IPv4', () => ipv4Fragments(440)],
    ['IPv6', () => ipv6Fragments(440)],
  ])('%s: fragments in any order give back the whole TCP segment, once', (_v, make) => {
    const frags = make();
    expect(frags.length).toBe(3);
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const { fates, feed } = harness();
      const out = feed(order.map((i) => frags[i]!));
      expect(out).toHaveLength(1);
      expect(out[0]!.payload.equals(PAYLOAD)).toBe(true);
      expect(out[0]!.payloadLength).toBe(PAYLOAD.length);
      expect(out[0]).toMatchObject({ srcPort: 47434, dstPort: 25, seq: 1000 });
      expect(fates).toEqual({ 'ip-fragment': 3 });
    }
  });

  it('an exact duplicate fragment is harmless', () => {
    const frags = ipv4Fragments(440);
    const { fates, feed } = harness();
    expect(feed([frags[0]!, frags[0]!, frags[1]!, frags[2]!])).toHaveLength(1);
    expect(fates).toEqual({ 'ip-fragment': 4 });
  });

  it('overlapping fragments with different bytes discard the datagram (RFC 5722): no invented data', () => {
    const frags = ipv4Fragments(440);
    const forged = Buffer.from(frags[1]!);
    forged[forged.length - 1] ^= 0xff;
    const { r, fates, feed } = harness();
    expect(feed([frags[0]!, frags[1]!, forged, frags[2]!])).toEqual([]);
    r.finish();
    expect(fates).toEqual({ 'ip-fragment-overlap': 3, 'ip-fragment-incomplete': 1 });
  });

  it('a datagram still incomplete after the timeout, or at end of capture, is counted as incomplete', () => {
    const frags = ipv6Fragments(440);
    const { r, fates, feed } = harness({ maxPendingDatagrams: 10, maxPendingBytes: 1 << 20, timeoutNs: 30e9 });
    feed([frags[0]!], 0);
    feed([frags[1]!], 31e9); // the first piece expired before this one came
    expect(fates).toEqual({ 'ip-fragment-incomplete': 1 });
    r.finish();
    expect(fates).toEqual({ 'ip-fragment-incomplete': 2 });
  });

  it('memory is bounded: beyond maxPendingDatagrams the oldest datagram is dropped and counted', () => {
    const { r, fates, feed } = harness({ maxPendingDatagrams: 2, maxPendingBytes: 1 << 20, timeoutNs: 30e9 });
    for (let id = 1; id <= 3; id++) feed([ipv4Fragments(440, id)[0]!]);
    expect(fates).toEqual({ 'ip-fragment-over-limit': 1 });
    r.finish();
    expect(fates).toEqual({ 'ip-fragment-over-limit': 1, 'ip-fragment-incomplete': 2 });
  });

  it('fragments cut by the snaplen are not reassembled from missing bytes', () => {
    const frags = ipv4Fragments(440);
    const { r, fates } = harness();
    const cut = { ...frame(frags[1]!.subarray(0, 100), 2), origLen: frags[1]!.length };
    expect(r.offer(frame(frags[0]!, 1), 0)).toBeNull();
    expect(r.offer(cut, 0)).toBeNull();
    expect(r.offer(frame(frags[2]!, 3), 0)).toBeNull();
    r.finish();
    expect(fates).toEqual({ 'ip-fragment-snaplen': 1, 'ip-fragment-incomplete': 2 });
  });
});
