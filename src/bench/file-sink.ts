import { closeSync, openSync, writeSync } from 'node:fs';

const BUFFER_BYTES = 4 << 20;

/** Appends small chunks to a file through one 4 MB buffer: the file is streamed to disk, never held in memory. */
export class FileSink {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  written = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(chunk: Buffer): void {
    this.written += chunk.length;
    if (this.used + chunk.length > BUFFER_BYTES) this.flush();
    if (chunk.length > BUFFER_BYTES) {
      writeSync(this.fd, chunk);
      return;
    }
    chunk.copy(this.buf, this.used);
    this.used += chunk.length;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }
}
