import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A file in a private temporary directory that rendered parts of a report are appended to and read back from, so
 * that a report of thousands of connections does not hold them all in memory. Removed by dispose(), or when the
 * process exits or is interrupted first (fail() exits at once; Ctrl-C must not leave scratch files behind). */
export class ScratchFile {
  private readonly dir: string;
  private readonly fd: number;
  private end = 0;
  private readBuffer = Buffer.alloc(0);

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'smtp-pcap-diagnose-'));
    this.fd = openSync(join(this.dir, name), 'w+');
    live.add(this);
    removeAtExit();
  }

  /** Appends `text` (UTF-8); returns where it lies: [position, byte length]. */
  append(text: string): [number, number] {
    const bytes = Buffer.from(text, 'utf8');
    const at = this.end;
    writeSync(this.fd, bytes, 0, bytes.length, at);
    this.end += bytes.length;
    return [at, bytes.length];
  }

  /** The `length` bytes at `position`, as a view valid until the next read. */
  readBytes(position: number, length: number): Buffer {
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
