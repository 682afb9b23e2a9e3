/** The reader's buffer: the input's bytes from input offset `base` on, `held` of them, parsed in place. Each read
 * appends behind the partial record the last parse left; what a parse used is then dropped from the front. One buffer
 * for the whole input, its own memory (never a pooled slab's: CaptureFiles tells a file's bytes in place by it). */
export class ReadWindow {
  bytes: Buffer;
  held = 0;
  base = 0;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafeSlow(size);
  }

  /** Makes room for `n` more bytes behind those held (the buffer grows, keeping them, if it must). */
  reserve(n: number): void {
    if (this.held + n <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.held + n));
    this.bytes.copy(bigger, 0, 0, this.held);
    this.bytes = bigger;
  }

  /** The bytes held, to parse. */
  view(): Buffer {
    return this.bytes.subarray(0, this.held);
  }

  /** The parse used the first `used` bytes held, and their frames have been consumed (they are views into this
   * buffer): the rest moves to the front, where the next read is appended to it. */
  consume(used: number): void {
    this.bytes.copy(this.bytes, 0, used, this.held);
    this.held -= used;
    this.base += used;
  }
}
