import { writeSync } from 'node:fs';

/** A line of a report: text, or bytes in UTF-8 (a piece read back from a scratch file, passed on without being decoded
 * and encoded again; valid only during the push). */
export type ReportLine = string | Buffer;

/** Where a report's lines go: each pushed line is followed by a newline (a line may hold several). */
export interface LineSink {
  push(...lines: ReportLine[]): void;
}

/** Lines collected into one text (what the render functions return). */
export class CollectedLines implements LineSink {
  private readonly lines: string[] = [];

  push(...lines: ReportLine[]): void {
    for (const l of lines) this.lines.push(typeof l === 'string' ? l : l.toString('utf8'));
  }

  text(): string {
    return this.lines.length ? this.lines.join('\n') + '\n' : '';
  }
}

/** Lines written to a file descriptor as they come, encoded into a batch of 64 KB as each is pushed: a report of
 * thousands of connections is never one string in memory, and no line is copied into a joined string first (the text
 * report of 50 000 stalled connections joined ~300 MB of them). A reader that went away (EPIPE: `| head`) ends the
 * output quietly. */
export class FdLines implements LineSink {
  private readonly batch: ByteBatch;
  private closed = false;

  constructor(private readonly fd: number) {
    this.batch = new ByteBatch(fd, CHUNK_BYTES);
  }

  push(...lines: ReportLine[]): void {
    if (this.closed) return;
    try {
      for (const l of lines) {
        if (typeof l === 'string') this.batch.addText(l, Buffer.byteLength(l, 'utf8'));
        else this.batch.add(l);
        this.batch.addText('\n', 1);
      }
    } catch (e) {
      this.failed(e);
    }
  }

  flush(): void {
    if (this.closed) return;
    try {
      this.batch.flush();
    } catch (e) {
      this.failed(e);
    }
  }

  private failed(e: unknown): void {
    if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
    this.closed = true;
  }
}

const CHUNK_BYTES = 64 << 10;

export function writeAll(fd: number, text: string): void {
  writeAllBytes(fd, encodeInto(text, Buffer.byteLength(text, 'utf8')));
}

/** One buffer for the run that texts are encoded into before they are written, grown to the largest: a new Buffer per
 * write was, over a report, the report's size again in allocations outside the JS heap, which V8 answers with full
 * collections. */
let encoded = Buffer.allocUnsafeSlow(64 << 10);

/** `text` as UTF-8 (`bytes` long) in the shared encoding buffer: a view valid until the next call. */
export function encodeInto(text: string, bytes: number): Buffer {
  if (encoded.length < bytes) encoded = Buffer.allocUnsafeSlow(Math.max(bytes, encoded.length * 2));
  const n = encoded.write(text, 0, 'utf8');
  return encoded.subarray(0, n);
}

export function writeAllBytes(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      // A non-blocking pipe (stdout to a slow reader) may say EAGAIN: try again.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/** Bytes gathered into writes of up to `size` bytes to a file descriptor, in order: buffers are copied in (they may be
 * views of a buffer that is read into again), texts encoded straight into the batch (none is kept as a string). A piece
 * larger than the batch is written at once, after what was gathered. The batch's memory is taken on the first piece. */
export class ByteBatch {
  private bytes = NO_BYTES;
  private used = 0;

  constructor(
    private readonly fd: number,
    private readonly size = BATCH_BYTES,
  ) {}

  /** Bytes gathered and not yet written. */
  get pending(): number {
    return this.used;
  }

  add(piece: Buffer): void {
    if (!this.room(piece.length)) writeAllBytes(this.fd, piece);
    else {
      piece.copy(this.bytes, this.used);
      this.used += piece.length;
    }
  }

  /** `text`, `bytes` long in UTF-8. */
  addText(text: string, bytes: number): void {
    if (!this.room(bytes)) writeAllBytes(this.fd, encodeInto(text, bytes));
    else {
      this.bytes.write(text, this.used, 'utf8');
      this.used += bytes;
    }
  }

  flush(): void {
    if (this.used) writeAllBytes(this.fd, this.bytes.subarray(0, this.used));
    this.used = 0;
  }

  /** Makes room for `n` more bytes (writing out what was gathered if they do not fit); false when `n` is larger than the
   * batch itself. */
  private room(n: number): boolean {
    if (this.used + n > this.size) this.flush();
    if (n > this.size) return false;
    if (this.bytes === NO_BYTES) this.bytes = Buffer.allocUnsafeSlow(this.size);
    return true;
  }
}

const BATCH_BYTES = 1 << 20;
const NO_BYTES = Buffer.alloc(0);
