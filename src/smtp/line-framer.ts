import type { Instant } from '../tcp/facts.js';

/** One line of an SMTP stream: its text (latin1, terminator removed, cut at the keep limit), where it starts in the
 * stream, its length on the wire including the terminator, and when its first byte arrived. */
export interface Line {
  text: string;
  offset: number;
  length: number;
  at: Instant;
  /** Longer than what was kept (the text is cut). */
  overlong: boolean;
  /** The line ended with a bare LF instead of CRLF (RFC 5321 §2.3.8 requires CRLF). */
  bareLf: boolean;
}

/** Splits a byte stream into lines across segment boundaries, keeping at most `maxKept` characters of each line so
 * that a line of megabytes without CRLF costs no memory. */
export class LineFramer {
  private parts: Buffer[] = [];
  private kept = 0;
  private start = -1;
  private startAt: Instant = 0;
  private total = 0;
  overlongLines = 0;

  constructor(private readonly maxKept: number) {}

  /** Feed bytes at stream `offset`; calls `onLine` for each completed line. Returns nothing; a partial line waits. */
  push(bytes: Buffer, offset: number, at: Instant, onLine: (l: Line) => boolean | void, from = 0): number {
    let pos = from;
    while (pos < bytes.length) {
      const nl = bytes.indexOf(10, pos);
      const end = nl < 0 ? bytes.length : nl + 1;
      if (this.start < 0 && nl >= 0 && end - pos <= this.maxKept) {
        // The common case: a whole line inside this segment, nothing pending: read it in place, no copies.
        const line = this.wholeLine(bytes, pos, end, offset, at);
        pos = end;
        if (onLine(line) === false) return pos;
        continue;
      }
      if (this.start < 0) {
        this.start = offset + pos;
        this.startAt = at;
      }
      this.total += end - pos;
      if (this.kept < this.maxKept) {
        const take = Math.min(end - pos, this.maxKept - this.kept);
        this.parts.push(Buffer.from(bytes.subarray(pos, pos + take)));
        this.kept += take;
      }
      pos = end;
      if (nl >= 0) {
        const line = this.complete();
        // The consumer may ask to stop here (e.g. a command that changes how the next bytes are read).
        if (onLine(line) === false) return pos;
      }
    }
    return pos;
  }

  /** Drop a partial line (a gap in the stream makes its rest unknowable). Returns whether one was dropped. */
  reset(): boolean {
    const had = this.start >= 0;
    this.parts = [];
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

  /** A line lying whole in bytes[pos..end) (end just past its LF), with nothing pending: what complete() would make. */
  private wholeLine(bytes: Buffer, pos: number, end: number, offset: number, at: Instant): Line {
    const crlf = end - pos >= 2 && bytes[end - 2] === 13;
    const text = bytes.toString('latin1', pos, crlf ? end - 2 : end - 1);
    return { text, offset: offset + pos, length: end - pos, at, overlong: false, bareLf: !crlf };
  }

  private complete(): Line {
    const raw = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const overlong = this.total > this.kept;
    if (overlong) this.overlongLines++;
    let text = raw.toString('latin1');
    let bareLf = false;
    if (!overlong) {
      if (text.endsWith('\r\n')) text = text.slice(0, -2);
      else {
        text = text.slice(0, -1);
        bareLf = true;
      }
    } else text = text.replace(/\r?\n$/, '');
    const line: Line = { text, offset: this.start, length: this.total, at: this.startAt, overlong, bareLf };
    this.reset();
    return line;
  }
}
