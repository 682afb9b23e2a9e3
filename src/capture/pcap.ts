import { u32be, u32le } from './byte-reads.js';
import { FormatError } from './errors.js';
import type { Frame, TimestampPrecision } from './frame.js';
import { MAX_RECORD_BYTES, type RecordParser } from './parser.js';
import { RecordFrame } from './record-frame.js';

// Classic pcap (draft-ietf-opsawg-pcap): 24-byte header, then 16-byte record headers.
// Magic 0xA1B2C3D4 = microseconds, 0xA1B23C4D = nanoseconds; byte-swapped forms mean the other byte order.
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
export const PCAP_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

export function isPcapMagic(b: Buffer): boolean {
  if (b.length < 4) return false;
  const be = b.readUInt32BE(0);
  const le = b.readUInt32LE(0);
  return be === MAGIC_US || be === MAGIC_NS || le === MAGIC_US || le === MAGIC_NS;
}

export class PcapParser implements RecordParser {
  readonly format = 'pcap' as const;
  private headerRead = false;
  private littleEndian = true;
  private nanos = false;
  private snap = 0;
  private linkType = 1;
  private count = 0;
  private readonly frame: RecordFrame;

  constructor(private readonly input: number) {
    this.frame = new RecordFrame(input);
  }

  parse(buf: Buffer, pos: number, base: number, emit: (f: Frame) => void, reuse = false): number {
    if (!this.headerRead) {
      if (buf.length - pos < PCAP_HEADER_BYTES) return pos;
      this.readHeader(buf, pos, base);
      pos += PCAP_HEADER_BYTES;
    }
    const le = this.littleEndian;
    const limit = Math.max(this.snap, MAX_RECORD_BYTES);
    while (buf.length - pos >= RECORD_HEADER_BYTES) {
      // The loop condition guarantees the 16 header bytes.
      const sec = le ? u32le(buf, pos) : u32be(buf, pos);
      const frac = le ? u32le(buf, pos + 4) : u32be(buf, pos + 4);
      const inclLen = le ? u32le(buf, pos + 8) : u32be(buf, pos + 8);
      const origLen = le ? u32le(buf, pos + 12) : u32be(buf, pos + 12);
      if (inclLen > limit) {
        throw new FormatError(
          base + pos,
          `record ${this.count + 1} claims ${inclLen} captured bytes, more than the ${limit}-byte maximum (corrupt record header)`,
        );
      }
      const end = pos + RECORD_HEADER_BYTES + inclLen;
      if (end > buf.length) break;
      const nsec = this.nanos ? frac : frac * 1000;
      if (nsec >= 1e9) {
        throw new FormatError(base + pos, `record ${this.count + 1} has a sub-second timestamp of ${frac}, out of range`);
      }
      if (reuse) {
        const f = this.frame;
        f.number = ++this.count;
        f.sec = sec;
        f.nsec = nsec;
        f.linkType = this.linkType;
        f.setBytes(buf, pos + RECORD_HEADER_BYTES, end);
        f.origLen = Math.max(origLen, inclLen);
        f.offset = base + pos;
        emit(f);
      } else {
        emit({
          input: this.input,
          number: ++this.count,
          sec,
          nsec,
          linkType: this.linkType,
          data: buf.subarray(pos + RECORD_HEADER_BYTES, end),
          origLen: Math.max(origLen, inclLen),
          offset: base + pos,
        });
      }
      pos = end;
    }
    return pos;
  }

  private readHeader(buf: Buffer, pos: number, base: number): void {
    const be = buf.readUInt32BE(pos);
    if (be === MAGIC_US || be === MAGIC_NS) {
      this.littleEndian = false;
      this.nanos = be === MAGIC_NS;
    } else {
      const le = buf.readUInt32LE(pos);
      if (le !== MAGIC_US && le !== MAGIC_NS) throw new FormatError(base + pos, 'not a pcap file (bad magic number)');
      this.littleEndian = true;
      this.nanos = le === MAGIC_NS;
    }
    const read32 = (o: number) => (this.littleEndian ? buf.readUInt32LE(pos + o) : buf.readUInt32BE(pos + o));
    this.snap = read32(16);
    // The link-type word carries FCS information in its upper bits; only the low 16 bits are the link type.
    this.linkType = read32(20) & 0xffff;
    this.headerRead = true;
  }

  precision(): TimestampPrecision {
    return this.nanos ? 'ns' : 'us';
  }
  snaplen(): number | null {
    return this.headerRead ? this.snap : null;
  }
  linkTypes(): number[] {
    return this.headerRead ? [this.linkType] : [];
  }
}
