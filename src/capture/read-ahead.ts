import { closeSync, openSync, read } from 'node:fs';

/** How far ahead of the parser the file is read once reading turned out slow: far enough to cover the disk's latency
 * at the parser's pace (~0.5 GB/s), near enough that the pages are still cached when the parser gets there. */
const AHEAD_BYTES = 24 << 20;
/** Size of each read ahead (the reader's own buffer size: one request per buffer the parser consumes). */
const REQUEST_BYTES = 1 << 20;
/** A synchronous read slower than this per MB came from the disk, not the page cache. Measured on the development VM
 * over 963 reads of 1 MB: from the page cache 0.06–0.3 ms per MB (median 0.08, 99th percentile 0.3, with the odd
 * preempted read at 3 ms); from the disk, a third of the reads took 2.2–2.6 ms (the kernel's own read-ahead of 128 KB
 * served the rest). */
const SLOW_MS_PER_MB = 1;
/** Slow reads (among the last READS_WATCHED) that turn reading ahead on: one alone may be the thread preempted. */
const SLOW_READS_TO_START = 3;
const READS_WATCHED = 8;

/** Reads a regular capture file ahead of the parser, on libuv's thread pool, once the parser's own reads show that the
 * file is not in the page cache. The bytes read ahead go into a scratch buffer that is never looked at: what they
 * leave behind is the file's pages in the page cache, where the parser's synchronous reads then find them, so the
 * disk's latency and the kernel's work of filling the cache are spent beside the analysis instead of inside it.
 *
 * The parser's loop never awaits these reads (their callbacks run once the analysis hands control back to the event
 * loop): awaiting inside the loop let the event loop run V8's collector tasks on the main thread and cost 6 % when the
 * file was cached (see README, Performance). When the file is cached no read ahead is made at all. */
export class ReadAhead {
  private fd = -1;
  /** File position up to which reads ahead have been asked for. */
  private askedTo = 0;
  private outstanding = 0;
  private done = false;
  /** Bit i: read i (of the last READS_WATCHED) was slow. */
  private recentSlow = 0;
  /** Where reads ahead put their bytes (made when they start). */
  private scratch: Buffer | null = null;
  /** Reads ahead asked for (what the tests look at). */
  requests = 0;

  constructor(
    private readonly path: string,
    private readonly size: number,
  ) {}

  /** Whether reads ahead are being made. */
  get active(): boolean {
    return this.fd >= 0;
  }

  /** The parser read `bytes` bytes, ending at file position `end`, synchronously in `ms` milliseconds. */
  afterRead(end: number, bytes: number, ms: number): void {
    if (this.done) return;
    if (this.fd < 0) {
      if (bytes < REQUEST_BYTES / 2) return; // too small to time (the last one)
      this.recentSlow = ((this.recentSlow << 1) | (ms > (SLOW_MS_PER_MB * bytes) / (1 << 20) ? 1 : 0)) & ((1 << READS_WATCHED) - 1);
      if (popCount(this.recentSlow) < SLOW_READS_TO_START) return;
      if (!this.start()) return;
      this.askedTo = end;
    }
    const to = Math.min(this.size, end + AHEAD_BYTES);
    while (this.askedTo < to) {
      const length = Math.min(REQUEST_BYTES, to - this.askedTo);
      this.ask(this.askedTo, length);
      this.askedTo += length;
    }
  }

  /** The parser is done with the file: no more reads ahead; the file is closed once those asked for are over. */
  finish(): void {
    this.done = true;
    if (this.outstanding === 0) this.closeFile();
  }

  private start(): boolean {
    try {
      // A descriptor of its own: the parser's may be closed (or its number reused) while a read ahead is still queued.
      this.fd = openSync(this.path, 'r');
      this.scratch = Buffer.allocUnsafeSlow(REQUEST_BYTES);
      return true;
    } catch {
      this.done = true; // the parser reads on without help
      return false;
    }
  }

  private ask(position: number, length: number): void {
    this.outstanding++;
    this.requests++;
    read(this.fd, this.scratch!, 0, length, position, () => {
      // Errors do not matter: the parser's own read of these bytes reports any.
      if (--this.outstanding === 0 && this.done) this.closeFile();
    });
  }

  private closeFile(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch {
      // already gone: nothing to give back
    }
  }
}

function popCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}
