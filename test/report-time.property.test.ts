import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDiffMs } from '../src/report/time.js';
import { isoText } from './support/iso-text.js';

// Every transcript, evidence and ladder row of a report states times as differences of the report's ISO times, read
// digit by digit. They must read exactly as Date.parse and a regular expression read them (the way they were read).
function slowDiffMs(a: string, b: string): number {
  const frac = (iso: string) => {
    const m = /\.(\d+)Z$/.exec(iso);
    return m ? Number(m[1]!.padEnd(9, '0').slice(0, 9)) : 0;
  };
  const secs = (iso: string) => Date.parse(`${iso.slice(0, 19)}Z`) / 1000;
  return ((secs(a) - secs(b)) * 1e9 + (frac(a) - frac(b))) / 1e6;
}

const iso = fc
  .record({
    year: fc.integer({ min: 1970, max: 2200 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 60 }),
    fraction: fc.stringMatching(/^[0-9]{0,12}$/),
    dot: fc.boolean(),
  })
  .map((t) => isoText(t, t.dot ? t.fraction : null));

// Times of one connection: mostly the same hour of the same day, sometimes the next hour, day or year.
const nearPair = fc
  .record({
    start: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
    later: fc.integer({ min: 0, max: 2 * 3_600_000 }),
    fractionA: fc.stringMatching(/^[0-9]{1,9}$/),
    fractionB: fc.stringMatching(/^[0-9]{1,9}$/),
  })
  .map(({ start, later, fractionA, fractionB }) => {
    const text = (ms: number, fraction: string) => `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;
    return [text(start + later, fractionA), text(start, fractionB)] as const;
  });

describe('isoDiffMs', () => {
  it('reads times of one hour, and of neighbouring hours and days, as Date.parse does', () => {
    fc.assert(
      fc.property(nearPair, fc.boolean(), ([a, b], swap) => {
        const [x, y] = swap ? [b, a] : [a, b];
        expect(Object.is(isoDiffMs(x, y), slowDiffMs(x, y))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the report times as Date.parse and the fraction pattern do, to the nanosecond', () => {
    fc.assert(
      fc.property(iso, iso, (a, b) => {
        expect(Object.is(isoDiffMs(a, b), slowDiffMs(a, b))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    for (const [a, b] of [
      ['2024-03-12T09:14:07.072123456Z', '2024-03-12T09:14:07.000000001Z'],
      ['2024-02-29T23:59:59.999999Z', '2024-03-01T00:00:00Z'],
      ['2023-02-29T10:00:00.5Z', '2023-03-01T10:00:00.5Z'],
      ['0099-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
      ['2024-03-12T09:14:07.Z', '2024-03-12T09:14:07Z'],
      ['not a time', '2024-03-12T09:14:07Z'],
      ['2024-03-12 09:14:07.5Z', '2024-03-12T09:14:07Z'],
    ]) {
      expect(Object.is(isoDiffMs(a!, b!), slowDiffMs(a!, b!)), `${a} − ${b}`).toBe(true);
    }
  });
});
