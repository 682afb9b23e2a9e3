// Classic libpcap file writer (draft-ietf-opsawg-pcap): 24-byte global header, 16-byte record
// headers; microsecond (0xA1B2C3D4) or nanosecond (0xA1B23C4D) magic, in either byte order.

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

export interface PcapWriterOptions {
  linkType: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  /** Frames longer than this are truncated (incl_len) while orig_len keeps the full length. */
  snaplen?: number;
  /** FCS length in 16-bit words, stored in the upper bits of the link-type word with the P bit. */
  fcsWords?: number;
  /** Receives chunks as they are produced instead of keeping them (stream to a file). */
  sink?: (chunk: Buffer) => void;
}

export interface RawRecord {
  tsSec: number;
  tsFrac: number;
  inclLen: number;
  origLen: number;
  data: Buffer;
}

const NS_PER_SEC = 1_000_000_000n;

export class PcapWriter {
  private readonly chunks: Buffer[] = [];
  private readonly be: boolean;
  private readonly nano: boolean;
  readonly snaplen: number;
  packets = 0;
  bytes = 0;

  constructor(private readonly opts: PcapWriterOptions) {
    this.be = opts.bigEndian ?? false;
    this.nano = opts.nanosecond ?? false;
    this.snaplen = opts.snaplen ?? 262144;
    const h = Buffer.alloc(24);
    this.u32(h, 0, this.nano ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
    this.u16(h, 4, 2);
    this.u16(h, 6, 4);
    this.u32(h, 8, 0);
    this.u32(h, 12, 0);
    this.u32(h, 16, this.snaplen);
    const fcs = opts.fcsWords !== undefined ? ((opts.fcsWords & 0xf) << 28) | (1 << 26) : 0;
    this.u32(h, 20, (fcs | (opts.linkType & 0xffff)) >>> 0);
    this.emit(h);
  }

  private u16(b: Buffer, off: number, v: number): void {
    if (this.be) b.writeUInt16BE(v, off); else b.writeUInt16LE(v, off);
  }

  private u32(b: Buffer, off: number, v: number): void {
    if (this.be) b.writeUInt32BE(v >>> 0, off); else b.writeUInt32LE(v >>> 0, off);
  }

  private emit(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.opts.sink) this.opts.sink(chunk);
    else this.chunks.push(chunk);
  }

  /** Adds a frame captured at `tsNs` (nanoseconds since the epoch). */
  addPacket(tsNs: bigint, data: Buffer, origLen = data.length): void {
    const sec = Number(tsNs / NS_PER_SEC);
    const ns = Number(tsNs % NS_PER_SEC);
    const incl = Math.min(data.length, this.snaplen);
    this.addRawRecord({
      tsSec: sec,
      tsFrac: this.nano ? ns : Math.floor(ns / 1000),
      inclLen: incl,
      origLen,
      data: incl < data.length ? data.subarray(0, incl) : data,
    });
  }

  /** Adds a record with header fields exactly as given (for broken-file fixtures). */
  addRawRecord(r: RawRecord): void {
    const h = Buffer.allocUnsafe(16);
    this.u32(h, 0, r.tsSec);
    this.u32(h, 4, r.tsFrac);
    this.u32(h, 8, r.inclLen);
    this.u32(h, 12, r.origLen);
    this.emit(h);
    if (r.data.length > 0) this.emit(r.data);
    this.packets++;
  }

  /** The whole file so far (empty when a sink is used). */
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Convenience: a whole pcap file from timestamped frames. */
export function writePcap(frames: Iterable<{ tsNs: bigint; data: Buffer; origLen?: number }>, opts: PcapWriterOptions): Buffer {
  const w = new PcapWriter(opts);
  for (const f of frames) w.addPacket(f.tsNs, f.data, f.origLen);
  return w.toBuffer();
}
