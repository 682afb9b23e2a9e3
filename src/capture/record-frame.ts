import type { Frame } from './frame.js';

const EMPTY = Buffer.alloc(0);

/** The frame a parser hands on when frames go straight to one consumer (a single input): one object per parser,
 * refilled for every record, its bytes read in place in the reader's buffer (`source[start..end)`), so a record costs
 * no object and no Buffer view. Nobody may keep it, or its `data`, past the call it was handed to: the next record
 * overwrites both. Whoever keeps frames (several inputs merged, fragment reassembly) gets or makes its own copies. */
export class RecordFrame implements Frame {
  input: number;
  number = 0;
  sec = 0;
  nsec = 0;
  linkType = 0;
  origLen = 0;
  offset = 0;
  /** The reader's buffer, and where this record's captured bytes lie in it. */
  source: Buffer = EMPTY;
  start = 0;
  end = 0;
  /** `data`, made only when someone asks for it. */
  private view: Buffer | null = null;

  constructor(input: number) {
    this.input = input;
  }

  /** Captured bytes as a view (made on first read; the decoder reads `source` in place instead). */
  get data(): Buffer {
    return (this.view ??= this.source.subarray(this.start, this.end));
  }

  /** Points the frame at the next record's bytes (the other fields are set by the parser). */
  setBytes(source: Buffer, start: number, end: number): void {
    this.source = source;
    this.start = start;
    this.end = end;
    this.view = null;
  }
}

/** Captured bytes of a frame, without making a view of a RecordFrame's bytes (`frame.data.length` would). */
export function capturedLength(f: Frame): number {
  return f instanceof RecordFrame ? f.end - f.start : f.data.length;
}

/** Where a frame's captured bytes lie: `buf[start..end)`. */
export interface FrameBytes {
  buf: Buffer;
  start: number;
  end: number;
}

/** Fills `into` with where the frame's captured bytes lie — in the reader's buffer for a RecordFrame (no view is
 * made), in `data` for any other frame — and returns it. Each hot-path caller keeps one FrameBytes for the run. */
export function frameBytes(f: Frame, into: FrameBytes): FrameBytes {
  if (f instanceof RecordFrame) {
    into.buf = f.source;
    into.start = f.start;
    into.end = f.end;
  } else {
    into.buf = f.data;
    into.start = 0;
    into.end = into.buf.length;
  }
  return into;
}
