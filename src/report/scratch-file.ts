import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteBatch } from './fd-output.js';

/** A file in a private temporary directory that rendered parts of a report are appended to and read back from, so
 * that a report of thousands of connections does not hold them all in memory. Removed by dispose(), or when the
 * process exits or is interrupted first (fail() exits at once; Ctrl-C must not leave scratch files behind). */
export class ScratchFile {
  private readonly dir: string;
  private readonly fd: number;
  /** Bytes appended so far, written or pending. */
  private end = 0;
  /** Appended texts go out in batches of up to FLUSH_BYTES, each encoded as it is appended. A write per piece was a
   * system call per connection, and a Buffer made per piece was the report's whole size again in allocations outside
   * the JS heap, which V8 answers with full collections (a JSON report of the 1 GB bench capture: 167 MB); texts kept
   * until a batch was full (a section is a tree of many small strings) outlived the young generation's collections. */
  private readonly out: ByteBatch;
  private readBuffer = Buffer.alloc(0);

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'smtp-pcap-diagnose-'));
    this.fd = openSync(join(this.dir, name), 'w+');
    // Appended at the descriptor's own offset: only appends move it (reads say where they read).
    this.out = new ByteBatch(this.fd, FLUSH_BYTES);
    live.add(this);
    removeAtExit();
  }

  /** Appends `text` (UTF-8); returns where it lies: [position, byte length]. */
  append(text: string): [number, number] {
    const length = Buffer.byteLength(text, 'utf8');
    const at = this.end;
    this.end += length;
    this.out.addText(text, length);
    return [at, length];
  }

  /** The `length` bytes at `position`, as a view valid until the next read. */
  readBytes(position: number, length: number): Buffer {
    if (position + length > this.end - this.out.pending) this.out.flush();
    if (this.readBuffer.length < length) this.readBuffer = Buffer.alloc(Math.max(length, this.readBuffer.length * 2));
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, this.readBuffer, got, length - got, position + got);
      if (n === 0) throw new Error(`scratch file ended at byte ${position + got}, ${length - got} bytes short`);
      got += n;
    }
    return this.readBuffer.subarray(0, length);
  }

  dispose(): void {
    live.delete(this);
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The most bytes a scratch file gathers before it writes them out. */
const FLUSH_BYTES = 256 << 10;

const live = new Set<ScratchFile>();
let exitHooked = false;

function removeAtExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  const removeAll = () => {
    for (const f of [...live]) f.dispose();
  };
  process.on('exit', removeAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      removeAll();
      // Die of the same signal, as if no handler had been installed.
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
