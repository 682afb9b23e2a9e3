import type { CaptureFormat, Frame, TimestampPrecision } from './frame.js';

/** A push parser over one input's bytes. It consumes whole records from `buf` starting at `pos` and returns the
 * position after the last complete record; the caller keeps the remainder and pushes it again with more bytes. */
export interface RecordParser {
  readonly format: CaptureFormat;
  /** Parse complete records in buf[pos..]; `base` is the input offset of buf[0]. Throws FormatError on bad bytes.
   * With `reuse`, every record is handed on in the parser's one RecordFrame (see record-frame.ts): valid only during
   * `emit`. Without it each record is a frame of its own, valid until buf is overwritten. */
  parse(buf: Buffer, pos: number, base: number, emit: (f: Frame) => void, reuse?: boolean): number;
  precision(): TimestampPrecision;
  snaplen(): number | null;
  linkTypes(): number[];
}

/** Largest record we accept: above it a length field is taken as corruption (libpcap uses 256 KiB as well). */
export const MAX_RECORD_BYTES = 262_144;
