/** One captured link-layer frame, as stored in the capture file. Format-neutral: nothing above this layer knows
 * whether it came from pcap or pcapng. */
export interface Frame {
  /** Index of the input file this frame came from (order given on the command line). */
  input: number;
  /** 1-based frame number within its input, as Wireshark counts. */
  number: number;
  /** Timestamp: whole seconds since the epoch, and nanoseconds within that second (integers, no float loss). */
  sec: number;
  nsec: number;
  linkType: number;
  /** Captured bytes (a view into the reader's buffer: copy what you keep). */
  data: Buffer;
  /** Length of the frame on the wire (may exceed data.length when the snaplen cut it). */
  origLen: number;
  /** Byte offset of the record in the (decompressed) input. */
  offset: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';
export type TimestampPrecision = 'us' | 'ns';

/** What one input told us about itself, reported in the JSON `inputs` and the text header. */
export interface InputInfo {
  file: string;
  format: CaptureFormat | 'unknown';
  compressed: boolean;
  precision: TimestampPrecision;
  snaplen: number | null;
  linkTypes: number[];
  packets: number;
  bytes: number;
  /** Set when reading stopped before a clean end: where and why. */
  truncated: null | { offset: number; reason: string };
}
