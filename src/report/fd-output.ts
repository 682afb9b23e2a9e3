import { writeSync } from 'node:fs';

/** Where a report's lines go: each pushed line is followed by a newline (a line may hold several). */
export interface LineSink {
  push(...lines: string[]): void;
}

/** Lines collected into one text (what the render functions return). */
export class CollectedLines implements LineSink {
  private readonly lines: string[] = [];

  push(...lines: string[]): void {
    for (const l of lines) this.lines.push(l);
  }

  text(): string {
    return this.lines.length ? this.lines.join('\n') + '\n' : '';
  }
}

/** Lines written to a file descriptor as they come, in chunks of about 64 KB: a report of thousands of connections is
 * never one string in memory. A reader that went away (EPIPE: `| head`) ends the output quietly. */
export class FdLines implements LineSink {
  private pending: string[] = [];
  private pendingChars = 0;
  private closed = false;

  constructor(private readonly fd: number) {}

  push(...lines: string[]): void {
    for (const l of lines) {
      this.pending.push(l, '\n');
      this.pendingChars += l.length + 1;
    }
    if (this.pendingChars >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (!this.pending.length) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (this.closed) return;
    try {
      writeAll(this.fd, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
      this.closed = true;
    }
  }
}

const CHUNK_CHARS = 64 << 10;

export function writeAll(fd: number, text: string): void {
  writeAllBytes(fd, Buffer.from(text, 'utf8'));
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
