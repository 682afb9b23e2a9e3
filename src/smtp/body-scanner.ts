import { indexOfByteWithin } from './bounded-search.js';

/** Finds the end of a DATA body (a line holding only ".", RFC 5321 §4.1.1.4) across segment boundaries, counting the
 * body's bytes without keeping them — except the first few KB, enough to read Message-ID and Subject. */
export class BodyScanner {
  bytes = 0;
  private atLineStart = true;
  /** 0: nothing; 1: "." at a line start; 2: ".\r" at a line start. */
  private dot = 0;
  /** The first bytes of the body (one buffer, filled in place), for Message-ID and Subject. */
  private head: Buffer | null = null;
  private headBytes = 0;
  private headDone = false;
  /** Where the search for the end of the header block resumes: no LF before it starts an empty line. */
  private blockSearchFrom = 0;
  /** Message-ID and Subject, read as soon as the header block was complete (the head buffer is given back then). */
  private readHeaders: MessageHeaders | null = null;

  constructor(private readonly maxHeadBytes = 16_384) {}

  /** Scans bytes[from, end); returns the index just past the terminating ".\r\n" line, or -1 if the body goes on.
   * The terminator's own three bytes are not counted in `bytes`. */
  scan(bytes: Buffer, from: number, end = bytes.length): number {
    let pos = from;
    const len = end;
    while (pos < len) {
      if (this.dot > 0 || (this.atLineStart && bytes[pos] === 0x2e)) {
        const end = this.continueDot(bytes, pos, len);
        if (end >= 0) return end;
        if (this.dot > 0) return -1; // need more bytes to decide
        pos = this.resumeAfterDot;
        continue;
      }
      // Only a "." at the start of a line can end the body: find the next "." right after a LF (memchr for the dots)
      // and count everything before it in one step. A "." at `pos` itself is not at a line start here.
      let dot = indexOfByteWithin(bytes, 0x2e, pos + 1, len);
      while (dot > 0 && bytes[dot - 1] !== 10) dot = indexOfByteWithin(bytes, 0x2e, dot + 1, len);
      const stop = dot < 0 ? len : dot;
      this.count(bytes, pos, stop);
      pos = stop;
      this.atLineStart = dot >= 0 || bytes[len - 1] === 10;
    }
    return -1;
  }

  /** A gap inside the body: its bytes count, and we no longer know where lines start. */
  gap(length: number): void {
    this.bytes += length;
    this.atLineStart = false;
    this.dot = 0;
    this.headDone = true;
  }

  headers(): MessageHeaders {
    if (this.readHeaders) return this.readHeaders;
    if (!this.head) return { messageId: null, subject: null };
    // No empty line in what was kept: the whole head is the header block.
    return fieldsOf(this.head, headerBlockEnd(this.head, this.headBytes));
  }

  /** The body is over and its headers read: the head buffer goes back to the pool for the next message. */
  release(): void {
    if (this.head && this.head.length === HEAD_POOL_BYTES && headPool.length < HEAD_POOL_MAX) headPool.push(this.head);
    this.head = null;
    this.headBytes = 0;
    this.headDone = true;
  }

  private resumeAfterDot = 0;

  private continueDot(bytes: Buffer, pos: number, end: number): number {
    // State machine over ".", ".\r", ".\r\n" (a bare ".\n" is accepted too, as Postfix does).
    let p = pos;
    if (this.dot === 0) {
      this.dot = 1;
      p++;
    }
    while (p < end) {
      const b = bytes[p]!;
      if (this.dot === 1 && b === 13) {
        this.dot = 2;
        p++;
      } else if (b === 10 && (this.dot === 1 || this.dot === 2)) {
        this.dot = 0;
        return p + 1;
      } else {
        // Not a terminator: the "." (and "\r") were ordinary body bytes (dot-stuffing or text).
        this.bytes += this.dot;
        this.dot = 0;
        this.atLineStart = false;
        this.resumeAfterDot = p;
        return -1;
      }
    }
    return -1;
  }

  private count(bytes: Buffer, from: number, to: number): void {
    this.bytes += to - from;
    if (!this.headDone && this.headBytes < this.maxHeadBytes) {
      const take = Math.min(to - from, this.maxHeadBytes - this.headBytes);
      if (take > 0) bytes.copy((this.head ??= takeHead(this.maxHeadBytes)), this.headBytes, from, from + take);
      this.headBytes += take;
      if (this.headBytes >= this.maxHeadBytes) this.headDone = true;
      if (take > 0) this.readHeadersOnceComplete();
    }
  }

  /** The header block usually ends in the body's first segment: read its fields then and give the head buffer back,
   * instead of holding 16 KB per connection for as long as the body takes. The first empty line of the head is final
   * once seen (an earlier LF still waiting for its next byte would leave this one undecided too), so this reads the
   * same block headers() would at the end. */
  private readHeadersOnceComplete(): void {
    const head = this.head!;
    const length = this.headBytes;
    for (;;) {
      const lf = head.indexOf(10, this.blockSearchFrom);
      if (lf < 0 || lf >= length) {
        this.blockSearchFrom = length;
        return;
      }
      const next = lf + 1 < length ? head[lf + 1]! : -1;
      if (next === -1 || (next === 13 && lf + 2 >= length)) {
        this.blockSearchFrom = lf; // decided by bytes not here yet
        return;
      }
      if (next === 10 || (next === 13 && head[lf + 2] === 10)) {
        this.readHeaders = fieldsOf(head, lf > 0 && head[lf - 1] === 13 ? lf - 1 : lf);
        this.release();
        return;
      }
      this.blockSearchFrom = lf + 1;
    }
  }
}

/** A continuation line of a folded header (RFC 5322 §2.2.3): unfolded into one space. */
const FOLDED_LINE = /\r?\n[ \t]+/g;
const MESSAGE_ID_FIELD = /^Message-ID:[ \t]*(.*)$/im;
const SUBJECT_FIELD = /^Subject:[ \t]*(.*)$/im;

/** Where the header block of head[0, length) ends: at the first empty line (the "\r?\n\r?\n" that starts it), or at
 * `length`. Bytes past `length` are stale (the buffer is reused) and never read. */
function headerBlockEnd(head: Buffer, length: number): number {
  for (let lf = head.indexOf(10); lf >= 0 && lf < length; lf = head.indexOf(10, lf + 1)) {
    const next = lf + 1 < length ? head[lf + 1] : -1;
    const emptyLine = next === 10 || (next === 13 && lf + 2 < length && head[lf + 2] === 10);
    if (emptyLine) return lf > 0 && head[lf - 1] === 13 ? lf - 1 : lf;
  }
  return length;
}

export interface MessageHeaders {
  messageId: string | null;
  subject: string | null;
}

/** Message-ID and Subject of the header block head[0, end). Only that block is decoded, not the whole 16 KB head. */
function fieldsOf(head: Buffer, end: number): MessageHeaders {
  const block = head.toString('latin1', 0, end).replace(FOLDED_LINE, ' ');
  return { messageId: headerField(block, MESSAGE_ID_FIELD), subject: headerField(block, SUBJECT_FIELD) };
}

function headerField(block: string, field: RegExp): string | null {
  const m = field.exec(block);
  // A copy of its own: a slice would keep the whole header block alive as long as the transaction.
  return m ? ownCopy(m[1]!.trim()) : null;
}

/** A flat copy of a latin1 string (V8 makes substrings as views into their parent). */
function ownCopy(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'latin1').toString('latin1');
}

// Message-head buffers of finished bodies, reused: one 16 KB buffer per message was a fresh allocation outside the
// JS heap each time. Only [0, headBytes) of a head is ever read, so old contents do not matter.
const HEAD_POOL_BYTES = 16_384;
const HEAD_POOL_MAX = 64;
const headPool: Buffer[] = [];

function takeHead(bytes: number): Buffer {
  return (bytes === HEAD_POOL_BYTES ? headPool.pop() : undefined) ?? Buffer.allocUnsafeSlow(bytes);
}
