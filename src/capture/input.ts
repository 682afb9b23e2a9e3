import { closeSync, fstatSync, open as openFile, openSync, readSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { CaptureFiles } from './capture-files.js';
import { CaptureError, FormatError } from './errors.js';
import { readChunks } from './fd-chunks.js';
import type { Frame, InputInfo } from './frame.js';
import type { RecordParser } from './parser.js';
import { PcapParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';
import { ReadAhead } from './read-ahead.js';
import { ReadWindow } from './read-window.js';
import { describeForeign, isGzip, sniffFormat } from './sniff.js';

/** Read size of the stream path (a pipe returns less at a time), and zlib's output chunk. */
const CHUNK_BYTES = 1 << 20;
/** Buffer of the regular-file path: read into, parsed in place, the partial record at its end moved to the front.
 * 1 MB (over three times the largest record): its bytes are still in the CPU cache when the records are parsed and
 * decoded, which made reading and decoding 1 GB ~12% cheaper than with 4 MB (512 KB gained nothing more). */
const FILE_BUFFER_BYTES = 1 << 20;
/** Buffer of the stream path (stdin, pipes, gzip): a chunk (up to CHUNK_BYTES) behind a partial record. */
const STREAM_BUFFER_BYTES = 2 << 20;

/** Opens one input (a path, or '-' for stdin) and yields its frames in batches, in file order. Reading stops at the
 * first fault: the frames before it are yielded, the fault is recorded in `info.truncated` and thrown as a
 * CaptureError naming the file and byte offset. */
export class CaptureInput {
  readonly info: InputInfo;

  /** Whether the open file was handed to `files` (which then closes it). */
  private fileHandedOver = false;

  /** With `files`, a regular uncompressed input stays open after reading and its frames' bytes can be read back by
   * position (see CaptureFiles); its owner closes it. */
  constructor(
    readonly path: string,
    readonly index: number,
    private readonly files: CaptureFiles | null = null,
  ) {
    this.info = {
      file: path === '-' ? '(stdin)' : path,
      format: 'unknown',
      compressed: false,
      precision: 'us',
      snaplen: null,
      linkTypes: [],
      packets: 0,
      bytes: 0,
      truncated: null,
    };
  }

  /** Hands every frame to `onFrame` as soon as it is parsed (no batches are built): the fast path for one input. */
  async eachFrame(onFrame: (f: Frame) => void): Promise<void> {
    for await (const batch of this.batches(onFrame)) for (const f of batch) onFrame(f);
  }

  /** With `direct`, frames go to it as they are parsed and the batches yielded are empty (they only pace the reading). */
  async *batches(direct?: (f: Frame) => void): AsyncGenerator<Frame[]> {
    const file = this.openRegularFile();
    if (file !== null) {
      try {
        if (yield* this.fileBatches(file.fd, file.size, direct)) return;
      } finally {
        this.files?.unplace(this.index);
        if (!this.fileHandedOver) closeSync(file.fd);
      }
    }
    const raw = await this.open();
    const chunks = await this.decompressing(raw);
    let parser: RecordParser | null = null;
    // Each chunk is copied behind the partial record left by the one before, into one reused buffer, and parsed there:
    // joining the two into a new buffer per chunk made a megabyte of garbage per megabyte read, outside the JS heap.
    const w = new ReadWindow(STREAM_BUFFER_BYTES);
    const info = this.info;
    const iterator = chunks[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (e) {
        throw this.fail(new CaptureError(info.file, w.base + w.held, streamFailure(e, info.compressed)));
      }
      if (next.done) break;
      const data = next.value;
      w.reserve(data.length);
      data.copy(w.bytes, w.held);
      w.held += data.length;
      const chunk = this.parseChunk(parser, w.view(), w.base, direct);
      parser = chunk.parser;
      const { batch, used, fault } = chunk;
      if (batch.length) yield batch;
      if (fault) throw this.faultAfterFrames(fault);
      w.consume(used);
      info.bytes = w.base;
    }
    this.finish(parser, w.view(), w.base);
  }

  /** An uncompressed regular file is read with readSync into one reused buffer: no stream, no chunk copies, one
   * await per batch. Anything else (stdin, pipes, gzip, faults at open) takes the stream path, which says why. */
  private openRegularFile(): { fd: number; size: number } | null {
    if (this.path === '-') return null;
    // Anything but a regular file is not opened here: opening a FIFO waits for its writer (here, on the main thread),
    // and closing it again would leave that writer without a reader, to die of SIGPIPE before the stream path opened
    // the FIFO a second time, for ever.
    try {
      if (!statSync(this.path).isFile()) return null;
    } catch {
      return null; // the stream path reports it
    }
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return null;
    }
    try {
      const st = fstatSync(fd);
      if (st.isFile()) return { fd, size: st.size };
    } catch {
      // fall through: the stream path reports it
    }
    closeSync(fd);
    return null;
  }

  /** Yields the frames of a regular file. Returns false, having yielded nothing, when the file is gzip-compressed. */
  private async *fileBatches(fd: number, size: number, direct?: (f: Frame) => void): AsyncGenerator<Frame[], boolean> {
    const info = this.info;
    const w = new ReadWindow(FILE_BUFFER_BYTES);
    let parser: RecordParser | null = null;
    let first = true;
    const ahead = new ReadAhead(this.path, size);
    try {
      for (;;) {
        // A full buffer cannot happen with records bounded far below its size; grow rather than loop.
        if (w.held === w.bytes.length) w.reserve(w.bytes.length);
        let n: number;
        const startedAt = performance.now();
        try {
          n = readSync(fd, w.bytes, w.held, w.bytes.length - w.held, null);
        } catch (e) {
          throw this.fail(new CaptureError(info.file, w.base + w.held, streamFailure(e, false)));
        }
        ahead.afterRead(w.base + w.held + n, n, performance.now() - startedAt);
        if (first && n > 0) {
          first = false;
          if (isGzip(w.bytes.subarray(0, n))) return false;
          if (this.files) {
            this.files.adopt(this.index, fd);
            this.fileHandedOver = true;
          }
        }
        if (n === 0) break;
        w.held += n;
        const view = w.view();
        this.files?.place(this.index, view, w.base);
        const chunk = this.parseChunk(parser, view, w.base, direct);
        parser = chunk.parser;
        const { batch, used, fault } = chunk;
        yield batch;
        if (fault) throw this.faultAfterFrames(fault);
        w.consume(used);
        info.bytes = w.base;
      }
    } finally {
      ahead.finish();
    }
    this.finish(parser, w.view(), w.base);
    return true;
  }

  /** Parses the complete records of one chunk: frames go to `direct` (one input) or into the returned batch. What the
   * input says about itself (precision, link types) is set before the chunk's first frame is handed on. A format fault
   * is returned, not thrown, so the frames before it are handed on first. */
  private parseChunk(known: RecordParser | null, buf: Buffer, base: number, direct?: (f: Frame) => void) {
    let parser = known;
    const batch: Frame[] = [];
    let fault: FormatError | null = null;
    let used = 0;
    let emitted = 0;
    const emit = direct
      ? (f: Frame) => {
          if (emitted++ === 0) this.describe(parser!);
          direct(f);
        }
      : (f: Frame) => batch.push(f);
    try {
      // The format is sniffed from the first 4 bytes; a file that is not a capture faults here.
      if (!parser && buf.length >= 4) parser = this.makeParser(buf);
      if (parser) used = parser.parse(buf, 0, base, emit, direct !== undefined);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      fault = e;
    }
    if (parser) this.describe(parser);
    this.info.packets += batch.length + emitted;
    return { parser, batch, used, fault };
  }

  private faultAfterFrames(fault: FormatError): CaptureError {
    const analysed = this.info.packets ? `; analysed ${this.info.packets} packets before it` : '';
    return this.fail(new CaptureError(this.info.file, fault.offset, fault.reason + analysed));
  }

  /** The input's bytes as chunks (see readChunks: each valid until the next is asked for). Faults at open surface at
   * the first chunk. */
  private async open(): Promise<AsyncIterable<Buffer>> {
    if (this.path === '-') return readChunks(0, CHUNK_BYTES);
    try {
      const s = await stat(this.path);
      if (s.isDirectory()) throw new CaptureError(this.path, 0, 'is a directory, not a capture file');
    } catch (e) {
      if (e instanceof CaptureError) throw this.fail(e);
      throw this.fail(new CaptureError(this.path, 0, streamFailure(e, false)));
    }
    return fileChunks(this.path);
  }

  /** Gzip is recognised by its magic, not by the file name: peek at the first chunk and decompress if needed. */
  private async decompressing(raw: AsyncIterable<Buffer>): Promise<AsyncIterable<Buffer>> {
    const it = raw[Symbol.asyncIterator]();
    let first: IteratorResult<Buffer>;
    try {
      first = await it.next();
    } catch (e) {
      throw this.fail(new CaptureError(this.info.file, 0, streamFailure(e, false)));
    }
    const rest = async function* (): AsyncGenerator<Buffer> {
      if (!first.done) yield first.value;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    };
    if (first.done || !isGzip(first.value)) return rest();
    this.info.compressed = true;
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    (async () => {
      try {
        // Each compressed chunk's buffer is read into again once the next chunk is asked for: ask only when zlib has
        // taken all of it in (the write's callback), or has been closed (the reading stopped on a fault: then the
        // loop ends, and the file with it).
        for await (const c of rest()) await taken(gunzip, c);
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    })();
    return gunzip;
  }

  private makeParser(head: Buffer): RecordParser {
    const kind = sniffFormat(head);
    if (kind === 'unknown') throw new FormatError(0, describeForeign(head));
    this.info.format = kind;
    return kind === 'pcap' ? new PcapParser(this.index) : new PcapngParser(this.index);
  }

  private describe(parser: RecordParser): void {
    this.info.precision = parser.precision();
    this.info.snaplen = parser.snaplen();
    this.info.linkTypes = parser.linkTypes();
  }

  private finish(parser: RecordParser | null, pending: Buffer, base: number): void {
    const info = this.info;
    if (!parser) {
      const reason = pending.length === 0 ? 'empty file (0 bytes), not a capture' : `only ${pending.length} bytes, too short to be a capture`;
      throw this.fail(new CaptureError(info.file, 0, reason));
    }
    if (pending.length > 0) {
      const reason =
        info.packets === 0 && base === 0
          ? `capture header cut short: only ${pending.length} bytes`
          : `capture ends mid-record at byte ${base} (${pending.length} bytes of an incomplete record); analysed ${info.packets} packets`;
      throw this.fail(new CaptureError(info.file, base, reason));
    }
  }

  private fail(err: CaptureError): CaptureError {
    this.info.truncated = { offset: err.offset, reason: err.reason };
    return err;
  }
}

function streamFailure(e: unknown, compressed: boolean): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a capture file';
  if (code === 'ENOTDIR') return 'no such file (a part of the path is a file, not a directory)';
  if (code === 'ENAMETOOLONG') return 'no such file (the name is too long)';
  if (code === 'ELOOP') return 'no such file (too many symbolic links)';
  if (compressed) return `gzip stream is damaged (${(e as Error)?.message ?? String(e)})`;
  return `cannot read (${(e as Error)?.message ?? String(e)})`;
}

/** Resolves once `gunzip` has taken all of `chunk` in; rejects if it is closed first. */
function taken(gunzip: Gunzip, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = (): void => reject(new Error('decompression stopped'));
    gunzip.once('close', closed);
    gunzip.write(chunk, (e) => {
      gunzip.off('close', closed);
      if (e) reject(e);
      else resolve();
    });
  });
}

/** A file that is not read in place (compressed, or a FIFO), chunk by chunk; closed when the reading ends. */
async function* fileChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  // A plain descriptor, not a FileHandle: one left to the collector (a reader abandoned on a fault) prints a warning.
  const fd = await new Promise<number>((resolve, reject) => openFile(path, 'r', (e, d) => (e ? reject(e) : resolve(d))));
  try {
    yield* readChunks(fd, CHUNK_BYTES, true);
  } finally {
    closeSync(fd);
  }
}
