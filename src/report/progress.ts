/** A progress bar on stderr for long reads, shown only on a terminal and only once reading has taken more than a
 * second; nothing at all on a pipe or file. Bytes are counted as frames are read, against the inputs' total size. */
export class ProgressBar {
  private readonly startedAt = Date.now();
  private lastDrawAt = 0;
  private drawn = false;

  constructor(
    private readonly stream: { isTTY?: boolean; columns?: number; write(s: string): unknown },
    private readonly totalBytes: number | null,
    private readonly delayMs = 1000,
  ) {}

  update(bytesRead: number): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.startedAt < this.delayMs || now - this.lastDrawAt < 100) return;
    this.lastDrawAt = now;
    this.drawn = true;
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
    if (!this.totalBytes) {
      this.stream.write(`\r\x1b[2Kreading… ${mb(bytesRead)}`);
      return;
    }
    const frac = Math.min(0.999, bytesRead / this.totalBytes);
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 40));
    const filled = Math.round(frac * width);
    this.stream.write(`\r\x1b[2Kreading [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(frac * 100).toFixed(0)}% of ${mb(this.totalBytes)}`);
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
  }
}
