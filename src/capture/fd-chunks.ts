import { read } from 'node:fs';

/** Reads a descriptor that cannot be read in place (a pipe, standard input, a compressed file) into two buffers used in
 * turn: while the caller parses one chunk, the next read is already under way on libuv's thread pool (a blocking read
 * there, so a pipe with no writer yet leaves the main thread free, and Ctrl-C answered).
 *
 * Why not Node's streams: `process.stdin` and `fs.createReadStream` hand every read over in a new buffer. A gigabyte
 * piped in was a gigabyte of buffers allocated outside the JS heap, and V8 answers that much external memory with
 * full collections: 36 mark-compacts against 11 for the same capture read from a file, the collector 22 % of the
 * main thread, 11 MB more at peak. Reused buffers allocate nothing per read.
 *
 * Each chunk yielded is a view of one of the two buffers, valid until the caller asks for the next one: the caller
 * must be done with it (copied it, or had it consumed) by then. */
export async function* readChunks(fd: number, bufferBytes: number, settleOnExit = false): AsyncGenerator<Buffer, void, undefined> {
  const buffers = [Buffer.allocUnsafeSlow(bufferBytes), Buffer.allocUnsafeSlow(bufferBytes)];
  let turn = 0;
  let pending: Promise<number> | null = readInto(fd, buffers[0]!);
  try {
    for (;;) {
      const n: number = await pending;
      pending = null;
      if (n === 0) return;
      const filled = buffers[turn]!;
      turn ^= 1;
      // The other buffer is free: its chunk was yielded before this one, and the caller has asked for more since.
      pending = readInto(fd, buffers[turn]!);
      yield filled.subarray(0, n);
    }
  } finally {
    // The caller stopped early (a fault in the capture): a read may still be under way. Its outcome is of no interest
    // and must not surface as an unhandled rejection. A caller about to close the descriptor waits for it
    // (`settleOnExit`), so that no read runs on a closed descriptor, or on another file given its number. Standard input
    // is not closed and not waited for: a pipe may stay silent for long.
    if (pending) {
      const last = pending.catch(() => 0);
      if (settleOnExit) await last;
    }
  }
}

function readInto(fd: number, into: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const attempt = (): void =>
      read(fd, into, 0, into.length, null, (e, n) => {
        // A descriptor someone else made non-blocking (a shared pipe) has nothing yet: try again shortly.
        if (e && (e as NodeJS.ErrnoException).code === 'EAGAIN') setTimeout(attempt, 1);
        else if (e) reject(e);
        else resolve(n);
      });
    attempt();
  });
}
