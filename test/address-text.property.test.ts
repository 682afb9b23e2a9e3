// Every report names its endpoints by these texts, and the tracker tells a packet's direction by comparing them: the
// text of an address must be its dotted quad (RFC 791 notation, no leading zeros) whatever the cache holds, including
// when many addresses share one slot of it and push each other out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4Text } from '../src/decode/address-text.js';

const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });

function textAt(b: number[], offset = 0): string {
  const d = Buffer.alloc(offset + 4);
  d.set(b, offset);
  return ipv4Text(d, offset);
}

describe('IPv4 address text', () => {
  it('is the dotted quad of the four bytes, asked once or again, wherever they lie in the frame', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 0, max: 40 }), (b, offset) => {
        const quad = b.join('.');
        expect(textAt(b, offset)).toBe(quad);
        expect(textAt(b)).toBe(quad);
      }),
      { numRuns: 5000 },
    );
  });

  it('stays right for 50 000 distinct clients asked in turn, far more than the cache holds', () => {
    const addresses: number[][] = [];
    for (let i = 0; i < 50_000; i++) addresses.push([198, 18 + (i >> 16), (i >> 8) & 0xff, i & 0xff]);
    for (let round = 0; round < 2; round++) {
      for (const a of addresses) expect(textAt(a)).toBe(a.join('.'));
    }
    // The extremes of each byte.
    for (const a of [[0, 0, 0, 0], [255, 255, 255, 255], [9, 10, 99, 100], [1, 2, 3, 4]]) expect(textAt(a)).toBe(a.join('.'));
  });
});
