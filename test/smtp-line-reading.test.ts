import { describe, expect, it } from 'vitest';
import { BodyScanner } from '../src/smtp/body-scanner.js';
import { parseCommandLine } from '../src/smtp/commands.js';
import { LineFramer, type Line } from '../src/smtp/line-framer.js';
import { indexOfByteWithin } from '../src/smtp/bounded-search.js';
import { sharedTextOf } from '../src/smtp/shared-text.js';

// The SMTP layer reads lines and message headers from bytes without making whole-line strings, and reads a message's
// headers as soon as its header block is complete. These check that against the plain way of doing it, on random
// input cut into random segments. Each segment is handed as the TCP layer hands it: a range of a larger buffer whose
// other bytes (other frames) are full of line ends and dots that must not be read, and must be left as they were.

const BEFORE = Buffer.from('\r\n.\r\nx.\n', 'latin1');
const AFTER = Buffer.from('\n.\r\n.\n\n250 ok\r\n', 'latin1');

/** `segment` inside other bytes: [buffer, start, end]. */
function amid(segment: Buffer): [Buffer, number, number] {
  return [Buffer.concat([BEFORE, segment, AFTER]), BEFORE.length, BEFORE.length + segment.length];
}

describe('bounded byte search', () => {
  it('finds the first byte within [from, end) only, and leaves the buffer as it was', () => {
    const random = randomGenerator(3);
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.from(Array.from({ length: random(40) }, () => [10, 46, 97][random(3)]!));
      const copy = Buffer.from(bytes);
      const from = random(bytes.length + 2);
      const end = random(bytes.length + 2);
      const byte = [10, 46][random(2)]!;
      const plain = from < end ? bytes.subarray(from, Math.min(end, bytes.length)).indexOf(byte) : -1;
      expect(indexOfByteWithin(bytes, byte, from, end)).toBe(plain < 0 ? -1 : from + plain);
      expect(bytes.equals(copy)).toBe(true);
    }
  });
});

function randomGenerator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

/** Message-ID and Subject as first written: the whole head decoded, the block cut at the first empty line, one
 * RegExp per field. */
function headersThePlainWay(head: Buffer): { messageId: string | null; subject: string | null } {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(block);
    return m ? m[1]!.trim() : null;
  };
  return { messageId: field('Message-ID'), subject: field('Subject') };
}

describe('message headers read while the body streams', () => {
  it('match the plain reading of the kept head, however the body is cut into segments', () => {
    const pieces = ['\r\n', '\n', '\r', 'Message-ID: <a@b>', 'message-id:x', 'Subject: hi', ' folded', '\t t', 'X: y', ' ', 'subject:\tz ', '\u00a0', 'ab', ':'];
    const random = randomGenerator(7);
    for (let i = 0; i < 20_000; i++) {
      let header = '';
      for (let n = random(14); n > 0; n--) header += pieces[random(pieces.length)];
      const body = Buffer.from(`${header}\r\nrest of body\r\n`, 'latin1');
      const keep = 4 + random(40);
      const scanner = new BodyScanner(keep);
      for (let pos = 0; pos < body.length; ) {
        const size = 1 + random(6);
        const [bytes, start, end] = amid(body.subarray(pos, pos + size));
        expect(scanner.scan(bytes, start, end)).toBe(-1); // the ".\r\n" lines around it are other frames'
        expect(bytes.equals(amid(body.subarray(pos, pos + size))[0])).toBe(true);
        pos += size;
      }
      expect(scanner.headers(), JSON.stringify({ header, keep })).toEqual(headersThePlainWay(body.subarray(0, keep)));
    }
  });
});

describe('line framing', () => {
  it('gives each line its text, offset, wire length and terminator, across segment boundaries and the keep limit', () => {
    const random = randomGenerator(11);
    const alphabet = ['a', 'B', ' ', '\r', '\n', '\r\n', '250-x', 'MAIL FROM:<a@b>', '\t', '\u00ff'];
    for (let i = 0; i < 5_000; i++) {
      let text = '';
      for (let n = random(30); n > 0; n--) text += alphabet[random(alphabet.length)];
      const stream = Buffer.from(text, 'latin1');
      const maxKept = 1 + random(12);
      const got: object[] = [];
      const framer = new LineFramer(maxKept);
      const onLine = (l: Line) => {
        got.push({ text: l.text(), offset: l.offset, length: l.length, overlong: l.overlong, bareLf: l.bareLf });
      };
      for (let pos = 0; pos < stream.length; ) {
        const size = 1 + random(5);
        const [bytes, start, end] = amid(stream.subarray(pos, pos + size));
        framer.push(bytes, pos - start, 0, onLine, start, end);
        pos += size;
      }
      // The plain way: split the whole stream at each LF, keep the first maxKept bytes of each line.
      const want: object[] = [];
      for (let start = 0; start < stream.length; ) {
        const nl = stream.indexOf(10, start);
        if (nl < 0) break;
        const raw = stream.subarray(start, nl + 1).toString('latin1');
        const kept = raw.slice(0, maxKept);
        const overlong = raw.length > maxKept;
        const crlf = raw.endsWith('\r\n');
        want.push({ text: overlong ? kept.replace(/\r?\n$/, '') : raw.slice(0, crlf ? -2 : -1), offset: start, length: raw.length, overlong, bareLf: !overlong && !crlf });
        start = nl + 1;
      }
      expect(got, JSON.stringify({ text, maxKept })).toEqual(want);
    }
  });

  it('reads verbs and arguments from the line bytes as the text-based parser did', () => {
    const lines = ['EHLO x.example', 'mail FROM:<a@b> SIZE=1', 'Rcpt TO:<c@d>', 'QUIT', 'DATA', 'STARTTLS', 'xclient NAME=a', 'FOO bar', 'héllo there', '\u0016\u0003\u0001abc', 'noop', 'AUTH PLAIN abc', '', ' leading', 'A'.repeat(40) + ' x', 'QU\tIT now'];
    const framer = new LineFramer(4096);
    const got: object[] = [];
    framer.push(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'), 0, 0, (l) => {
      got.push(parseCommandLine(l));
    });
    expect(got).toEqual([
      { verb: 'EHLO', argument: 'x.example' },
      { verb: 'MAIL', argument: 'FROM:<a@b> SIZE=1' },
      { verb: 'RCPT', argument: 'TO:<c@d>' },
      { verb: 'QUIT', argument: '' },
      { verb: 'DATA', argument: '' },
      { verb: 'STARTTLS', argument: '' },
      { verb: 'XCLIENT', argument: 'NAME=a' },
      { verb: 'FOO', argument: 'bar' },
      { verb: '(binary)', argument: '11 bytes' },
      { verb: '(binary)', argument: '6 bytes' },
      { verb: 'NOOP', argument: '' },
      { verb: 'AUTH', argument: 'PLAIN abc' },
      { verb: '', argument: '' },
      { verb: '', argument: 'leading' },
      { verb: 'A'.repeat(32), argument: 'x' },
      { verb: 'QU\tIT', argument: 'now' },
    ]);
  });
});

describe('reply texts shared between connections', () => {
  it('read the same as the bytes decoded, whether seen before, colliding in the table or new', () => {
    const random = randomGenerator(5);
    const words = ['250', 'PIPELINING', '2.1.0 Ok', 'SIZE 10240000', '\u00e9t\u00e9', ' ', 'x'.repeat(70)];
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      for (let n = random(4); n > 0; n--) text += words[random(words.length)];
      const [bytes, start, end] = amid(Buffer.from(text, 'latin1'));
      const got = sharedTextOf(bytes, start, end);
      expect(got).toBe(text);
    }
  });
});
