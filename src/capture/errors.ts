/** A fault in an input: names the file and the byte offset, so one line on stderr says everything. */
export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: byte ${offset}: ${reason}`);
    this.name = 'CaptureError';
  }
}

/** Raised by a parser; the reader adds the file name. */
export class FormatError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'FormatError';
  }
}
