import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock, instantSince } from '../src/analysis/clock.js';

// Every time in a report is a packet's instant: nanoseconds since the capture's first second. instantSince forms the
// product in a way V8 compiles as floating point from the start (see clock.ts); it must be the very number the plain
// formula gives, for any second a pcap or pcapng header can hold (32-bit seconds, and pcapng's 64-bit ones offset far
// out), any fraction, and seconds before the base (inputs merged out of order).
const plain = (base: number, sec: number, nsec: number): number => (sec - base) * 1e9 + nsec;

describe('a packet instant', () => {
  it('is bit for bit (sec − base) × 1e9 + nsec', () => {
    const seconds = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -(2 ** 50), max: 2 ** 50 }));
    fc.assert(
      fc.property(seconds, seconds, fc.integer({ min: 0, max: 999_999_999 }), (base, sec, nsec) => {
        expect(Object.is(instantSince(base, sec, nsec), plain(base, sec, nsec))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is what a clock gives for frames of its capture', () => {
    const clock = new Clock(1_710_234_847, 'ns');
    expect(clock.instant(1_710_234_847, 5)).toBe(5);
    expect(clock.instant(1_710_234_850, 123_456_789)).toBe(3_123_456_789);
    expect(clock.instant(1_710_234_846, 0)).toBe(-1e9);
  });
});
