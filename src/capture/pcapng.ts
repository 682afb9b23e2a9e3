import { u16be, u16le, u32be, u32le } from './byte-reads.js';
import { FormatError } from './errors.js';
import type { Frame, TimestampPrecision } from './frame.js';
import { MAX_RECORD_BYTES, type RecordParser } from './parser.js';
import { RecordFrame } from './record-frame.js';

// pcapng (draft-ietf-opsawg-pcapng). Generic block: type(4) | total length(4) | body | total length(4), 4-byte aligned.
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const OBSOLETE_PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** Timestamps a report can print (ISO-8601 years 1–9999); anything else comes from a corrupt resolution or offset. */
const MIN_SEC = -62_135_596_800;
const MAX_SEC = 253_402_300_799;
/** Largest block we accept before calling the length field corrupt: a maximal packet plus generous options. */
const MAX_BLOCK_BYTES = MAX_RECORD_BYTES + 65_536;

export function isPcapngMagic(b: Buffer): boolean {
  return b.length >= 4 && b.readUInt32BE(0) === SHB;
}

interface Interface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second, as a bigint (10^n or 2^n). */
  unitsPerSecond: bigint;
  /** Fast path: units are microseconds, so the 64-bit value is exact as a double for any real date. */
  micro: boolean;
  offsetSec: number;
}

export class PcapngParser implements RecordParser {
  readonly format = 'pcapng' as const;
  private littleEndian = true;
  private interfaces: Interface[] = [];
  private seenLinkTypes = new Set<number>();
  private finest: TimestampPrecision = 'us';
  private snap: number | null = null;
  private count = 0;
  private sawSection = false;
  private readonly frame: RecordFrame;
  private reuse = false;

  constructor(private readonly input: number) {
    this.frame = new RecordFrame(input);
  }

  parse(buf: Buffer, pos: number, base: number, emit: (f: Frame) => void, reuse = false): number {
    this.reuse = reuse;
    while (buf.length - pos >= 12) {
      const rawType = u32le(buf, pos); // the loop condition guarantees 12 bytes
      if (rawType === SHB) {
        // The byte order of a section is read from its own header, before its length can be trusted.
        const magicLE = u32le(buf, pos + 8);
        if (magicLE === BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (u32be(buf, pos + 8) === BYTE_ORDER_MAGIC) this.littleEndian = false;
        else throw new FormatError(base + pos, 'pcapng section header with an unknown byte-order magic');
      } else if (!this.sawSection) {
        throw new FormatError(base + pos, 'not a pcapng file (no section header block first)');
      }
      const le = this.littleEndian;
      const type = le ? u32le(buf, pos) : u32be(buf, pos);
      const length = le ? u32le(buf, pos + 4) : u32be(buf, pos + 4);
      if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK_BYTES) {
        throw new FormatError(base + pos, `pcapng block of type 0x${type.toString(16)} has an invalid length ${length}`);
      }
      if (buf.length - pos < length) break;
      const trailer = le ? u32le(buf, pos + length - 4) : u32be(buf, pos + length - 4);
      if (trailer !== length) {
        throw new FormatError(
          base + pos,
          `pcapng block of type 0x${type.toString(16)}: trailing length ${trailer} differs from leading length ${length}`,
        );
      }
      // The block body is buf[pos + 8 .. pos + length - 4); packet blocks read it in place (no view per packet).
      switch (type) {
        case SHB:
          this.sawSection = true;
          this.interfaces = []; // interface IDs restart with every section
          break;
        case IDB:
          this.addInterface(buf.subarray(pos + 8, pos + length - 4), base + pos);
          break;
        case EPB:
          this.timedPacket(buf, pos + 8, pos + length - 4, base + pos, emit, false);
          break;
        case OBSOLETE_PB:
          this.timedPacket(buf, pos + 8, pos + length - 4, base + pos, emit, true);
          break;
        case SPB:
          this.simplePacket(buf, pos + 8, pos + length - 4, base + pos, emit);
          break;
        default:
          // NRB, ISB, DSB (secrets), custom and unknown blocks carry no packets: skipped by their length.
          break;
      }
      pos += length;
    }
    return pos;
  }

  private u32(b: Buffer, o: number): number {
    return this.littleEndian ? u32le(b, o) : u32be(b, o);
  }
  private u16(b: Buffer, o: number): number {
    return this.littleEndian ? u16le(b, o) : u16be(b, o);
  }

  private addInterface(body: Buffer, at: number): void {
    if (body.length < 8) throw new FormatError(at, 'pcapng interface description block too short');
    const linkType = this.u16(body, 0);
    const snaplen = this.u32(body, 4);
    let unitsPerSecond = 1_000_000n;
    let offsetSec = 0;
    for (let o = 8; o + 4 <= body.length; ) {
      const code = this.u16(body, o);
      const len = this.u16(body, o + 2);
      if (code === 0) break;
      const v = o + 4;
      if (v + len > body.length) throw new FormatError(at, 'pcapng interface option runs past its block');
      if (code === OPT_IF_TSRESOL && len >= 1) {
        const r = body[v]!;
        // MSB clear: 10^-r seconds; MSB set: 2^-(r & 0x7f) seconds.
        unitsPerSecond = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
      } else if (code === OPT_IF_TSOFFSET && len >= 8) {
        const hi = this.littleEndian ? body.readInt32LE(v + 4) : body.readInt32BE(v);
        const lo = this.littleEndian ? body.readUInt32LE(v) : body.readUInt32BE(v + 4);
        offsetSec = hi * 2 ** 32 + lo;
      }
      o = v + ((len + 3) & ~3);
    }
    if (unitsPerSecond === 0n) throw new FormatError(at, 'pcapng interface has a zero timestamp resolution');
    if (unitsPerSecond > 1_000_000n) this.finest = 'ns';
    this.interfaces.push({ linkType, snaplen, unitsPerSecond, micro: unitsPerSecond === 1_000_000n, offsetSec });
    this.seenLinkTypes.add(linkType);
    if (this.snap === null || snaplen > this.snap) this.snap = snaplen;
  }

  private iface(id: number, at: number): Interface {
    const i = this.interfaces[id];
    if (!i) throw new FormatError(at, `pcapng packet refers to interface ${id}, which was never described`);
    return i;
  }

  /** Timestamp of the packet being read, set by toTime (fields, not a returned object: no allocation per packet). */
  private tSec = 0;
  private tNsec = 0;

  private toTime(i: Interface, hi: number, lo: number): void {
    if (i.micro) {
      const units = hi * 2 ** 32 + lo;
      const sec = Math.floor(units / 1e6);
      this.tSec = sec + i.offsetSec;
      this.tNsec = (units - sec * 1e6) * 1000;
      return;
    }
    const units = (BigInt(hi) << 32n) | BigInt(lo);
    const sec = units / i.unitsPerSecond;
    const rest = units % i.unitsPerSecond;
    this.tSec = Number(sec) + i.offsetSec;
    this.tNsec = Number((rest * 1_000_000_000n) / i.unitsPerSecond);
  }

  /** Enhanced (type 6) and obsolete (type 2) packet blocks share one layout after the interface field: a 32-bit
   * interface ID in EPBs, a 16-bit one (plus a drop count) in the obsolete block. The body is buf[b..e). */
  private timedPacket(buf: Buffer, b: number, e: number, at: number, emit: (f: Frame) => void, shortInterfaceId: boolean): void {
    if (e - b < 20) throw new FormatError(at, 'pcapng packet block too short');
    const i = this.iface(shortInterfaceId ? this.u16(buf, b) : this.u32(buf, b), at);
    const capLen = this.u32(buf, b + 12);
    const origLen = this.u32(buf, b + 16);
    if (20 + capLen > e - b) throw new FormatError(at, `pcapng packet claims ${capLen} bytes, more than its block holds`);
    this.toTime(i, this.u32(buf, b + 4), this.u32(buf, b + 8));
    const sec = this.tSec;
    if (!(sec >= MIN_SEC && sec <= MAX_SEC)) {
      throw new FormatError(at, `pcapng packet ${this.count + 1} has a timestamp outside years 1–9999 (${sec} s): its interface's if_tsresol/if_tsoffset or the timestamp is corrupt`);
    }
    this.emitFrame(emit, i, sec, this.tNsec, buf, b + 20, b + 20 + capLen, origLen, at);
  }

  private simplePacket(buf: Buffer, b: number, e: number, at: number, emit: (f: Frame) => void): void {
    // A simple packet block has no timestamp and belongs to interface 0; its captured length is min(orig, snaplen).
    if (e - b < 4) throw new FormatError(at, 'pcapng simple packet block too short');
    const i = this.iface(0, at);
    const origLen = this.u32(buf, b);
    const capLen = Math.min(origLen, i.snaplen || origLen, e - b - 4);
    this.emitFrame(emit, i, 0, 0, buf, b + 4, b + 4 + capLen, origLen, at);
  }

  /** Hands on the packet whose captured bytes are buf[start..end). */
  private emitFrame(emit: (f: Frame) => void, i: Interface, sec: number, nsec: number, buf: Buffer, start: number, end: number, origLen: number, at: number) {
    const number = ++this.count;
    const wire = Math.max(origLen, end - start);
    if (!this.reuse) {
      emit({ input: this.input, number, sec, nsec, linkType: i.linkType, data: buf.subarray(start, end), origLen: wire, offset: at });
      return;
    }
    const f = this.frame;
    f.number = number;
    f.sec = sec;
    f.nsec = nsec;
    f.linkType = i.linkType;
    f.setBytes(buf, start, end);
    f.origLen = wire;
    f.offset = at;
    emit(f);
  }

  precision(): TimestampPrecision {
    return this.finest;
  }
  snaplen(): number | null {
    return this.snap;
  }
  linkTypes(): number[] {
    return [...this.seenLinkTypes];
  }
}
