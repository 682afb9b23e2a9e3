// The text, Markdown, HTML and JSON reports read their spooled connections back in the report's order: by group, then
// start time as text, then id. The spool keeps start times as numbers while it can: any mix of start texts, in any
// order of arrival, must come back exactly as sorting the texts puts them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byReportOrder, SortedSpool } from '../src/report/sorted-spool.js';
import { isoText } from './support/iso-text.js';

/** A start as the clock writes it, with `digits` fraction digits: spread over any date, or crowded into a few seconds
 * (where the fraction, and its leading zeros, decide). */
const clockStart = (digits: number) => {
  const fraction = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 10 ** digits - 1 }));
  const spread = fc.record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 19 }),
    day: fc.integer({ min: 0, max: 39 }),
    hour: fc.integer({ min: 0, max: 29 }),
    minute: fc.integer({ min: 0, max: 69 }),
    second: fc.integer({ min: 0, max: 69 }),
    fraction,
  });
  const crowded = fc.record({
    year: fc.constant(2024),
    month: fc.constant(3),
    day: fc.constantFrom(12, 13),
    hour: fc.constantFrom(9, 10),
    minute: fc.constantFrom(14, 59),
    second: fc.constantFrom(7, 8),
    fraction,
  });
  return fc
    .oneof(spread, crowded, crowded)
    .map((t) => isoText(t, String(t.fraction).padStart(digits, '0')));
};
/** Starts of other forms: another precision, none, an extended year, a stray character. */
const oddStart = fc.oneof(
  clockStart(3),
  clockStart(9).map((s) => s.replace('.', 'Z').slice(0, 20)),
  clockStart(6).map((s) => `+0${s}`),
  clockStart(6).map((s) => s.replace('T', ' ')),
  clockStart(6).map((s) => s.replace(/\d(?=Z$)/, 'x')),
);

const entries = (start: fc.Arbitrary<string>) =>
  fc.array(fc.record({ start, id: fc.integer({ min: 1, max: 50 }), group: fc.integer({ min: 0, max: 1 }) }), { maxLength: 60 });

function readBack(list: { start: string; id: number; group: number }[]): { tags: string[]; pieces: string[] } {
  const spool = new SortedSpool('sorted-spool-test');
  try {
    list.forEach((e, i) => spool.add(e.start, e.id, `piece ${i}`, e.group, i % 3 ? '' : ` tail ${i}`, `tag ${i}`));
    const pieces: string[] = [];
    for (const bytes of spool.pieces()) pieces.push(bytes.toString('utf8')); // (valid until the next piece is read)
    return { tags: [...spool.tags()], pieces };
  } finally {
    spool.dispose();
  }
}

function expected(list: { start: string; id: number; group: number }[]): { tags: string[]; pieces: string[] } {
  const order = list.map((e, i) => ({ ...e, i })).sort((a, b) => a.group - b.group || byReportOrder(a, b));
  return { tags: order.map((e) => `tag ${e.i}`), pieces: order.map((e) => `piece ${e.i}${e.i % 3 ? '' : ` tail ${e.i}`}`) };
}

describe('sorted spool', () => {
  it('reads starts of the clock, at microseconds or nanoseconds, back in the order of their texts', () => {
    for (const digits of [6, 9]) {
      fc.assert(
        fc.property(entries(clockStart(digits)), (list) => {
          expect(readBack(list)).toEqual(expected(list));
        }),
        { numRuns: 400 },
      );
    }
  });

  it('keeps that order when starts of another form arrive among them, first or later', () => {
    fc.assert(
      fc.property(entries(fc.oneof(clockStart(6), clockStart(6), oddStart)), (list) => {
        expect(readBack(list)).toEqual(expected(list));
      }),
      { numRuns: 600 },
    );
  });

  it('orders equal starts by id, and equal ids in the order they were spooled', () => {
    const list = [
      { start: '2024-03-12T09:14:07.000001Z', id: 7, group: 1 },
      { start: '2024-03-12T09:14:07.000001Z', id: 3, group: 1 },
      { start: '2024-03-12T09:14:07.000001Z', id: 3, group: 1 },
      { start: '2024-03-12T09:14:06.999999Z', id: 9, group: 1 },
      { start: '2024-03-12T09:14:08.000000Z', id: 1, group: 0 },
    ];
    expect(readBack(list).tags).toEqual(['tag 4', 'tag 3', 'tag 1', 'tag 2', 'tag 0']);
  });
});
