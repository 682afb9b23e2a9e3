import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BytesOrigin } from '../src/tcp/bytes-origin.js';
import { FirstCopies } from '../src/tcp/first-copies.js';
import { RecentBytes } from '../src/tcp/recent-bytes.js';
import { segmentAt } from './helpers/segments.js';

// FirstCopies must answer exactly as the RecentBytes ring does, whether the bytes are referenced in a file (read back
// on demand), copied (no file position), or both in turn (a direction that turns to copying mid-window).

/** Two "files" in memory, written as segments are delivered; reads past their end come back short. */
class MemoryFiles implements BytesOrigin {
  files = [Buffer.alloc(0), Buffer.alloc(0)];
  positionOf(): number {
    return -1; // not used by FirstCopies: positions are handed to it
  }
  read(input: number, position: number, into: Buffer, offset: number, length: number): number {
    return this.files[input]!.copy(into, offset, position, Math.min(position + length, this.files[input]!.length));
  }
  /** Appends `bytes` to file `input` after `pad` filler bytes; returns their position. */
  append(input: number, bytes: Buffer, pad: number): number {
    const at = this.files[input]!.length + pad;
    this.files[input] = Buffer.concat([this.files[input]!, Buffer.alloc(pad, 0xee), bytes]);
    return at;
  }
}

const step = fc.record({
  gap: fc.oneof(fc.constant(0), fc.constant(0), fc.nat(5000)),
  length: fc.oneof(fc.nat(1500), fc.nat(10_000), fc.nat(40)),
  fill: fc.nat(255),
  pad: fc.nat(64),
  /** Where the segment's bytes lie: in file 0 or 1, or nowhere (a copy). */
  source: fc.constantFrom(0, 1, 0, 1, 0, -1),
  release: fc.boolean(),
  probes: fc.array(fc.record({ back: fc.nat(6000), length: fc.nat(3000), flip: fc.option(fc.nat(3000)) }), { maxLength: 3 }),
});

describe('FirstCopies (property)', () => {
  it('finds the same first difference as the RecentBytes ring, file-referenced or copied', () => {
    fc.assert(
      fc.property(fc.constantFrom(4096, 1000, 100, 7, 0), fc.array(step, { maxLength: 60 }), (capacity, steps) => {
        const files = new MemoryFiles();
        const copies = new FirstCopies(capacity, files);
        const ring = new RecentBytes(capacity);
        const delivered = new Map<number, number>();
        let offset = 0;
        for (const s of steps) {
          offset += s.gap;
          const { bytes, frame } = segmentAt(offset, s.length, s.fill, s.pad);
          const position = s.source < 0 ? -1 : files.append(s.source, bytes, s.pad);
          copies.remember(frame, s.pad, s.pad + s.length, offset, Math.max(0, s.source), position);
          ring.remember(frame, s.pad, s.pad + s.length, offset);
          bytes.forEach((x, i) => delivered.set(offset + i, x));
          offset += s.length;
          for (const p of s.probes) {
            const at = Math.max(0, offset - p.back);
            const probe = Buffer.alloc(p.length);
            for (let i = 0; i < p.length; i++) probe[i] = delivered.get(at + i) ?? 0;
            if (p.flip !== null && p.length > 0) probe[p.flip % p.length] ^= 0x5a;
            const framed = Buffer.concat([Buffer.alloc(s.pad, 0xee), probe, Buffer.alloc(2, 0xee)]);
            expect(copies.firstDifference(framed, s.pad, s.pad + p.length, at)).toBe(ring.firstDifference(framed, s.pad, s.pad + p.length, at));
          }
          expect(copies.heldBytes > 0).toBe(ring.heldBytes > 0);
          if (s.release) {
            copies.release();
            ring.release();
          }
        }
        copies.release();
        ring.release();
      }),
      { numRuns: 300 },
    );
  });
});
