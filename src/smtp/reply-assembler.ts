import type { Instant } from '../tcp/facts.js';
import { LineFramer, type Line, type LineReader } from './line-framer.js';
import type { Reply, SmtpAnomaly } from './model.js';
import { sharedTextOf } from './shared-text.js';

/** Lines kept of one multi-line reply (an EHLO answer has a dozen; RFC 5321 sets no limit). */
const MAX_REPLY_LINES_KEPT = 1000;

/** Who gets the replies and the anomalies (an object, not two callbacks: no closures per session). */
export interface ReplyListener {
  reply(r: Reply): void;
  anomaly(a: SmtpAnomaly): void;
}

/** Builds replies from the server's lines: "250-a", "250-b", "250 c" is one reply (RFC 5321 §4.2.1). A line that is not
 * a reply is reported as an anomaly and otherwise ignored. */
export class ReplyAssembler implements LineReader {
  private readonly lines: LineFramer;
  private partial: Reply | null = null;

  constructor(
    maxLineChars: number,
    private readonly listener: ReplyListener,
  ) {
    this.lines = new LineFramer(maxLineChars);
  }

  /** Server bytes[from, end), where bytes[0] is at stream offset `base`. */
  push(bytes: Buffer, base: number, at: Instant, from = 0, end = bytes.length): void {
    this.lines.push(bytes, base, at, this, from, end);
  }

  /** Server lines longer than the keep limit (their text was cut). */
  get overlongLines(): number {
    return this.lines.overlongLines;
  }

  gap(): void {
    this.lines.reset();
    this.partial = null;
  }

  /** End of stream: a multi-line reply left open is delivered as it is. */
  flush(): void {
    if (this.partial) {
      const r = this.partial;
      this.partial = null;
      this.listener.reply(r);
    }
  }

  /** One server line (LineReader: called by the framer). */
  line(l: Line): void {
    // A reply line is a code 200-599, an optional " " or "-", then text: read from the bytes by hand (this runs for
    // every line), and only the text after the code is decoded.
    const c0 = l.charAt(0);
    const c1 = l.charAt(1);
    const c2 = l.charAt(2);
    if (!(c0 >= 0x32 && c0 <= 0x35 && isDigit(c1) && isDigit(c2))) {
      this.listener.anomaly({ kind: 'garbled-reply-line', offset: l.offset, at: l.at, detail: `server line is not a reply: "${l.textFrom(0, 60)}"` });
      return;
    }
    const code = (c0 - 0x30) * 100 + (c1 - 0x30) * 10 + (c2 - 0x30);
    const separator = l.charAt(3);
    const more = separator === 0x2d;
    const from = more || separator === 0x20 ? 4 : 3;
    const text = sharedTextOf(l.bytes, l.start + Math.min(from, l.end - l.start), l.end);
    let r = this.partial;
    if (r && r.code !== code) {
      this.listener.anomaly({ kind: 'reply-code-mismatch', offset: l.offset, at: l.at, detail: `continuation line has code ${code}, reply began with ${r.code}` });
    }
    if (!r) {
      // Its lines start as an array of exactly one: a first push into [] would reserve 17 slots, and most replies
      // are one line that lives as long as the connection.
      r = { code, lines: [text], offset: l.offset, length: 0, at: l.at };
      this.partial = r;
    }
    // A reply of endless continuation lines keeps its first lines only (its length still counts them all).
    else if (r.lines.length < MAX_REPLY_LINES_KEPT) r.lines.push(text);
    else if (r.lines.length === MAX_REPLY_LINES_KEPT) {
      r.lines.push('…');
      this.listener.anomaly({ kind: 'overlong-reply', offset: r.offset, at: l.at, detail: `reply ${code} has more than ${MAX_REPLY_LINES_KEPT} lines; the rest were not kept` });
    }
    r.length = l.offset + l.length - r.offset;
    if (!more) {
      this.partial = null;
      this.listener.reply(r);
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
