import type { Instant } from '../tcp/facts.js';
import { indexOfByteWithin } from './bounded-search.js';

/** One line of an SMTP stream, as a view: its bytes are `bytes[start, end)` (latin1, terminator removed, cut at the
 * keep limit), where it starts in the stream, its length on the wire including the terminator, and when its first
 * byte arrived. The framer hands the same object for every line, valid only during the callback: a reader decodes
 * just the part it keeps (a reply's text, a command's argument), so no whole-line string is made only to be sliced. */
export class Line {
  bytes: Buffer = NO_BYTES;
  start = 0;
  end = 0;
  offset = 0;
  length = 0;
  at: Instant = 0;
  /** Longer than what was kept (the text is cut). */
  overlong = false;
  /** The line ended with a bare LF instead of CRLF (RFC 5321 §2.3.8 requires CRLF). */
  bareLf = false;

  /** The line's text (a new string each call). */
  text(): string {
    return this.bytes.toString('latin1', this.start, this.end);
  }

  /** Character `i` of the text as a code, or -1 past its end. */
  charAt(i: number): number {
    return i < this.end - this.start ? this.bytes[this.start + i]! : -1;
  }

  /** Text from character `from` up to (not including) `to`, or to the end. */
  textFrom(from: number, to = this.end - this.start): string {
    return this.bytes.toString('latin1', this.start + from, this.start + Math.min(to, this.end - this.start));
  }
}

const NO_BYTES = Buffer.alloc(0);
/** Never pushed to: a framer makes its own list for the first piece of a split line. */
const NO_PARTS: Buffer[] = [];

/** Who reads a framer's lines: an object, not a callback, so that a session makes no closure for it. */
export interface LineReader {
  /** One completed line (a view valid only during the call); false asks the framer to stop after it. */
  line(l: Line): boolean | void;
}

/** A line reader as a plain function (what a one-off reader, e.g. a test, passes). */
export type LineCallback = (l: Line) => boolean | void;

/** Splits a byte stream into lines across segment boundaries, keeping at most `maxKept` characters of each line so
 * that a line of megabytes without CRLF costs no memory. */
export class LineFramer {
  /** The pieces of a line split across segments (the shared empty list until the first: most lines never are). */
  private parts: Buffer[] = NO_PARTS;
  private kept = 0;
  private start = -1;
  private startAt: Instant = 0;
  private total = 0;
  private readonly line = new Line();
  overlongLines = 0;

  constructor(private readonly maxKept: number) {}

  /** Feed bytes[from, end), where bytes[0] is at stream offset `offset`; hands `reader` each completed line (stopping
   * early if it returns false). Returns where reading stopped in `bytes`; a partial line waits for more. */
  push(bytes: Buffer, offset: number, at: Instant, reader: LineReader | LineCallback, from = 0, end = bytes.length): number {
    let pos = from;
    while (pos < end) {
      const nl = indexOfByteWithin(bytes, 10, pos, end);
      const lineEnd = nl < 0 ? end : nl + 1;
      if (this.start < 0 && nl >= 0 && lineEnd - pos <= this.maxKept) {
        // The common case: a whole line inside this segment, nothing pending: read it in place, no copies.
        const stop = this.hand(reader, this.wholeLine(bytes, pos, lineEnd, offset, at));
        pos = lineEnd;
        if (stop) return pos;
        continue;
      }
      if (this.start < 0) {
        this.start = offset + pos;
        this.startAt = at;
      }
      this.total += lineEnd - pos;
      if (this.kept < this.maxKept) {
        const take = Math.min(lineEnd - pos, this.maxKept - this.kept);
        const piece = Buffer.from(bytes.subarray(pos, pos + take));
        if (this.parts === NO_PARTS) this.parts = [piece];
        else this.parts.push(piece);
        this.kept += take;
      }
      pos = lineEnd;
      if (nl >= 0) {
        // The consumer may ask to stop here (e.g. a command that changes how the next bytes are read).
        if (this.hand(reader, this.complete())) return pos;
      }
    }
    return pos;
  }

  /** Drop a partial line (a gap in the stream makes its rest unknowable). Returns whether one was dropped. */
  reset(): boolean {
    const had = this.start >= 0;
    this.parts = NO_PARTS;
    this.kept = 0;
    this.start = -1;
    this.total = 0;
    return had;
  }

  hasPartial(): boolean {
    return this.start >= 0;
  }
  partialOffset(): number {
    return this.start;
  }
  partialLength(): number {
    return this.total;
  }
  partialAt(): Instant {
    return this.startAt;
  }
  partialText(): string {
    return Buffer.concat(this.parts).toString('latin1');
  }

  /** Hands `line` to the consumer; returns whether it asked to stop. The view then lets go of the bytes (a segment's
   * buffer may be a window into a large read buffer, which a framer waiting for its next line must not keep alive). */
  private hand(reader: LineReader | LineCallback, line: Line): boolean {
    const stop = (typeof reader === 'function' ? reader(line) : reader.line(line)) === false;
    line.bytes = NO_BYTES;
    return stop;
  }

  /** A line lying whole in bytes[pos..end) (end just past its LF), with nothing pending: what complete() would make. */
  private wholeLine(bytes: Buffer, pos: number, end: number, offset: number, at: Instant): Line {
    const crlf = end - pos >= 2 && bytes[end - 2] === 13;
    return this.view(bytes, pos, crlf ? end - 2 : end - 1, offset + pos, end - pos, at, false, !crlf);
  }

  private complete(): Line {
    const raw = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const overlong = this.total > this.kept;
    if (overlong) this.overlongLines++;
    const n = raw.length;
    let textEnd: number;
    let bareLf = false;
    if (!overlong) {
      // The kept bytes end with the LF: drop "\r\n", or a bare "\n".
      const crlf = n >= 2 && raw[n - 2] === 13 && raw[n - 1] === 10;
      textEnd = crlf ? n - 2 : n - 1;
      bareLf = !crlf;
    } else {
      // Cut at the keep limit: a terminator is dropped only if the kept part happens to end with one.
      textEnd = n >= 1 && raw[n - 1] === 10 ? (n >= 2 && raw[n - 2] === 13 ? n - 2 : n - 1) : n;
    }
    const line = this.view(raw, 0, textEnd, this.start, this.total, this.startAt, overlong, bareLf);
    this.reset();
    return line;
  }

  private view(bytes: Buffer, start: number, end: number, offset: number, length: number, at: Instant, overlong: boolean, bareLf: boolean): Line {
    const l = this.line;
    l.bytes = bytes;
    l.start = start;
    l.end = end;
    l.offset = offset;
    l.length = length;
    l.at = at;
    l.overlong = overlong;
    l.bareLf = bareLf;
    return l;
  }
}
