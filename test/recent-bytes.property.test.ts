import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentBytes } from '../src/tcp/recent-bytes.js';
import { segmentAt } from './helpers/segments.js';

// The retransmission-compare ring must answer exactly as a plain record of the last `capacity` bytes delivered would,
// whatever the segment sizes, gaps and ring growth: the first differing offset, or null.

/** The model: every byte delivered, by offset, and the known window [floor, end). */
class Model {
  bytes = new Map<number, number>();
  floor = 0;
  end = 0;
  constructor(private readonly capacity: number) {}
  remember(b: Uint8Array, offset: number): void {
    if (this.capacity <= 0 || b.length === 0) return;
    if (offset !== this.end) this.floor = offset;
    this.end = offset + b.length;
    this.floor = Math.max(this.floor, this.end - this.capacity);
    b.forEach((x, i) => this.bytes.set(offset + i, x));
  }
  firstDifference(b: Uint8Array, offset: number): number | null {
    const stop = Math.min(offset + b.length, this.end);
    for (let o = Math.max(offset, this.floor); o < stop; o++) if (this.bytes.get(o) !== b[o - offset]) return o;
    return null;
  }
}

const step = fc.record({
  gap: fc.oneof(fc.constant(0), fc.constant(0), fc.nat(5000)),
  length: fc.oneof(fc.nat(1500), fc.nat(10_000)),
  fill: fc.nat(255),
  /** Where the segment lies in the buffer handed over (the ring reads a range of a larger buffer, as of a frame). */
  pad: fc.nat(64),
  probes: fc.array(fc.record({ back: fc.nat(6000), length: fc.nat(3000), flip: fc.option(fc.nat(3000)) }), { maxLength: 3 }),
});

describe('RecentBytes (property)', () => {
  it('finds the same first difference as a plain record of the last capacity bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(4096, 1000, 100, 7, 0), fc.array(step, { maxLength: 40 }), (capacity, steps) => {
        const ring = new RecentBytes(capacity);
        const model = new Model(capacity);
        let offset = 0;
        for (const s of steps) {
          offset += s.gap;
          const { bytes, frame } = segmentAt(offset, s.length, s.fill, s.pad);
          ring.remember(frame, s.pad, s.pad + s.length, offset);
          model.remember(bytes, offset);
          offset += s.length;
          for (const p of s.probes) {
            const at = Math.max(0, offset - p.back);
            const probe = Buffer.alloc(p.length);
            for (let i = 0; i < p.length; i++) probe[i] = model.bytes.get(at + i) ?? 0;
            if (p.flip !== null && p.length > 0) probe[p.flip % p.length] ^= 0x5a;
            const framed = Buffer.concat([Buffer.alloc(s.pad, 0xee), probe, Buffer.alloc(2, 0xee)]);
            expect(ring.firstDifference(framed, s.pad, s.pad + p.length, at)).toBe(model.firstDifference(probe, at));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
