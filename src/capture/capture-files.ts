import { closeSync, readSync } from 'node:fs';
import type { BytesOrigin } from '../tcp/bytes-origin.js';

/** The inputs of one run that are read in place from a regular, uncompressed file (CaptureInput's readSync path):
 * each one's file stays open until `close`, and where its read buffer currently lies in the file is known, so a byte
 * of a frame can be located in the file and read back later with a positioned read, instead of being copied while
 * its frame is analysed. Inputs read as streams (stdin, pipes, gzip) are never registered: their bytes have no
 * position. */
export class CaptureFiles implements BytesOrigin {
  private readonly fds: number[] = [];
  /** Per input, the view of the read buffer its frames are parsed from, and the file position of its byte 0. */
  private readonly views: (Buffer | null)[] = [];
  private readonly bases: number[] = [];
  /** Per input, the read buffer's memory, and the file position of that memory's byte 0. */
  private readonly memory: (ArrayBufferLike | null)[] = [];
  private readonly origin: number[] = [];

  /** Input `input` is read from file descriptor `fd`, which this now owns (closed by `close`). */
  adopt(input: number, fd: number): void {
    this.fds[input] = fd;
    this.unplace(input);
  }

  /** Input `input`'s frames are now parsed from `view` (of the reader's buffer), whose byte 0 is at file position
   * `base`. */
  place(input: number, view: Buffer, base: number): void {
    this.views[input] = view;
    this.bases[input] = base;
    this.memory[input] = view.buffer;
    this.origin[input] = base - view.byteOffset;
  }

  /** Input `input` hands on no more frames from its buffer. */
  unplace(input: number): void {
    this.views[input] = null;
    this.memory[input] = null;
  }

  positionOf(input: number, bytes: Buffer, index: number): number {
    // A single input's packets are read in place in the very view parsed (RecordFrame): one comparison.
    if (bytes === this.views[input]) return this.bases[input]! + index;
    const m = this.memory[input];
    // Otherwise only a view of the reader's own buffer is the file's bytes in place (a frame kept for merging several
    // inputs); its memory is its own (1 MB, never pooled), so no copy or reassembled datagram shares it.
    if (m === undefined || m === null || bytes.buffer !== m) return -1;
    return this.origin[input]! + bytes.byteOffset + index;
  }

  read(input: number, position: number, into: Buffer, offset: number, length: number): number {
    const fd = this.fds[input];
    if (fd === undefined || fd < 0) return 0;
    let done = 0;
    try {
      while (done < length) {
        const n = readSync(fd, into, offset + done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
    } catch {
      // A file that can no longer be read: the bytes not read are not compared.
    }
    return done;
  }

  /** Closes every file (nothing may be read back after this). */
  close(): void {
    for (let i = 0; i < this.fds.length; i++) {
      const fd = this.fds[i];
      if (fd === undefined || fd < 0) continue;
      this.fds[i] = -1;
      this.memory[i] = null;
      try {
        closeSync(fd);
      } catch {
        // already closed: nothing to do
      }
    }
  }
}
