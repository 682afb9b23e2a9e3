import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HalfStream } from '../src/tcp/half-stream.js';
import { ackFact, clientPacket as packet } from './helpers/tcp-packet.js';

// Reassembly must not depend on how the sender cut its bytes, on duplicates, or on arrival order: the stream, the
// first-sent time of every byte and the first ACK covering it come out the same.

const ISN = 0xffff_fe00; // close to 2^32: every stream here wraps the sequence space
const LIMITS = { maxBufferedBytes: 1 << 20, maxPacketFacts: 100_000 };

interface Segment {
  start: number;
  end: number;
}

const scenario = fc
  .record({
    stream: fc.uint8Array({ minLength: 1, maxLength: 3000 }),
    cuts: fc.array(fc.integer({ min: 1, max: 2999 }), { maxLength: 30 }),
    duplicates: fc.array(fc.nat(), { maxLength: 10 }),
    // Retransmissions cut differently from the original (repacketisation).
    resent: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
    order: fc.array(fc.nat(), { maxLength: 60 }),
  })
  .map(({ stream, cuts, duplicates, resent, order }) => {
    const points = [...new Set(cuts.filter((c) => c < stream.length))].sort((a, b) => a - b);
    const segments: Segment[] = [];
    let prev = 0;
    for (const p of [...points, stream.length]) {
      segments.push({ start: prev, end: p });
      prev = p;
    }
    const recut = resent.map(([a, b]) => {
      const x = a % stream.length;
      const y = b % stream.length;
      return { start: Math.min(x, y), end: Math.max(x, y) + 1 };
    });
    const copies = [...segments, ...duplicates.map((d) => segments[d % segments.length]!), ...recut];
    // A random permutation of the copies: the arrival order.
    const arrival = copies.map((s, i) => ({ s, key: order[i] ?? i }));
    arrival.sort((a, b) => a.key - b.key);
    return { stream: Buffer.from(stream), arrival: arrival.map((a) => a.s) };
  });

describe('TCP reassembly (property)', () => {
  it('yields the same bytes and the same first-sent / first-ACK times for any segmentation, duplication and order', () => {
    fc.assert(
      fc.property(scenario, ({ stream, arrival }) => {
        const chunks: Buffer[] = [];
        const gaps: number[] = [];
        const half = new HalfStream({ data: (b, start, end) => chunks.push(Buffer.from(b.subarray(start, end))), gap: (o) => gaps.push(o) }, LIMITS);
        half.sent({ ...packet(ISN, Buffer.alloc(0)), flags: 0x02 }, 0); // SYN
        const firstSent = new Array<number>(stream.length).fill(Infinity);
        const expectedAck = new Array<number>(stream.length).fill(Infinity);
        let contiguous = 0;
        const received = new Uint8Array(stream.length);
        arrival.forEach((seg, i) => {
          const at = (i + 1) * 1000;
          half.sent(packet((ISN + 1 + seg.start) >>> 0, stream.subarray(seg.start, seg.end)), at);
          for (let b = seg.start; b < seg.end; b++) {
            firstSent[b] = Math.min(firstSent[b]!, at);
            received[b] = 1;
          }
          // The receiver acknowledges what it holds contiguously, a little later.
          while (contiguous < stream.length && received[contiguous]) contiguous++;
          const ackAt = at + 500;
          half.acknowledged((ISN + 1 + contiguous) >>> 0, ackFact(ackAt));
          for (let b = 0; b < contiguous; b++) expectedAck[b] = Math.min(expectedAck[b]!, ackAt);
        });
        half.finish();
        expect(gaps).toEqual([]);
        expect(Buffer.concat(chunks).equals(stream)).toBe(true);
        for (let b = 0; b < stream.length; b++) {
          expect(half.rangeAt(b)?.firstSentAt).toBe(firstSent[b]);
          expect(half.firstAckCovering(b + 1)?.packet.at).toBe(expectedAck[b]);
        }
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it('reports a hole the receiver acknowledged but the capture never held as a gap, never as data', () => {
    const chunks: Buffer[] = [];
    const gaps: { offset: number; length: number }[] = [];
    const half = new HalfStream({ data: (b, start, end) => chunks.push(Buffer.from(b.subarray(start, end))), gap: (offset, length) => gaps.push({ offset, length }) }, LIMITS);
    half.sent({ ...packet(ISN, Buffer.alloc(0)), flags: 0x02 }, 0);
    half.sent(packet((ISN + 1) >>> 0, Buffer.from('MAIL FROM:<a@b>\r\n')), 1);
    half.sent(packet((ISN + 1 + 30) >>> 0, Buffer.from('DATA\r\n')), 2); // bytes 17..29 never captured
    half.acknowledged((ISN + 1 + 36) >>> 0, ackFact(3));
    expect(gaps).toEqual([{ offset: 17, length: 13 }]);
    expect(Buffer.concat(chunks).toString()).toBe('MAIL FROM:<a@b>\r\nDATA\r\n');
    expect(half.gaps[0]).toMatchObject({ start: 17, end: 30, reason: 'not-captured', acked: true });
  });
});
