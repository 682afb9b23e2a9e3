import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTcpOptions, readTcpOptions, type OptionFacts } from '../src/decode/tcp-options.js';

// readTcpOptions reads the options in place in the frame's buffer (the payload follows them there) and keys known
// layouts by number: it must give parseTcpOptions's layout and TSval for any option bytes, however malformed.

const option = fc.oneof(
  fc.constant([1]), // nop
  fc.constant([0]), // end of list
  fc.constant([2, 4, 5, 0xb4]), // mss
  fc.constant([3, 3, 7]), // window scale
  fc.constant([4, 2]), // sack permitted
  fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff)).map(([v, e]) => [8, 10, v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255, e >>> 24, (e >> 16) & 255, (e >> 8) & 255, e & 255]),
  fc.array(fc.nat(255), { minLength: 1, maxLength: 6 }), // anything, lengths included
);

describe('readTcpOptions (property)', () => {
  it('gives the layout and TSval parseTcpOptions gives, read in place', () => {
    const out: OptionFacts = { layout: '', hasTs: false, tsBits: 0 };
    fc.assert(
      fc.property(fc.array(option, { maxLength: 12 }), fc.nat(8), fc.uint8Array({ maxLength: 8 }), (opts, before, after) => {
        const bytes = Buffer.from(opts.flat().slice(0, 40));
        const frame = Buffer.concat([Buffer.alloc(before, 0x5a), bytes, Buffer.from(after)]);
        const want = parseTcpOptions(bytes);
        readTcpOptions(frame, before, before + bytes.length, out);
        expect(out.layout).toBe(want.layout);
        expect(out.hasTs ? out.tsBits >>> 0 : null).toBe(want.tsVal);
        readTcpOptions(frame, before, before + bytes.length, out); // again, now from the layout cache
        expect(out.layout).toBe(want.layout);
      }),
      { numRuns: 2000 },
    );
  });
});
