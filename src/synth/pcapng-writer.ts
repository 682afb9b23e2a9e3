// pcapng writer (draft-ietf-opsawg-pcapng): SHB in either byte order, IDB with if_tsresol (powers
// of 10 or 2) and if_tsoffset, EPB, SPB, obsolete PB, NRB, ISB, custom blocks, and raw blocks for
// deliberately malformed fixtures.

export const BLOCK = {
  SHB: 0x0a0d0d0a, IDB: 1, PB: 2, SPB: 3, NRB: 4, ISB: 5, EPB: 6,
  CUSTOM_COPY: 0x00000bad, CUSTOM_NOCOPY: 0x40000bad,
} as const;

export interface PcapngOption {
  code: number;
  value: Buffer;
}

/** if_tsresol: `{base:10, exp:6}` = microseconds (the default), `{base:2, exp:20}` = 2^-20 s. */
export interface TsResolution {
  base: 10 | 2;
  exp: number;
}

export interface InterfaceOptions {
  linkType: number;
  snaplen?: number;
  name?: string;
  description?: string;
  tsresol?: TsResolution;
  /** if_tsoffset: whole seconds added to every timestamp of this interface. */
  tsoffsetSec?: bigint;
  fcsLen?: number;
  options?: PcapngOption[];
}

export interface SectionOptions {
  bigEndian?: boolean;
  /** Section length field; -1 (unknown) by default. */
  sectionLength?: bigint;
  hardware?: string;
  os?: string;
  userAppl?: string;
  options?: PcapngOption[];
}

interface InterfaceState {
  snaplen: number;
  tsresol: TsResolution;
  tsoffsetSec: bigint;
}

const NS_PER_SEC = 1_000_000_000n;
const EMPTY = Buffer.alloc(0);

export class PcapngWriter {
  private readonly chunks: Buffer[] = [];
  private be = false;
  private interfaces: InterfaceState[] = [];
  bytes = 0;

  constructor(private readonly sink?: (chunk: Buffer) => void) {}

  // ---- encoding helpers (section byte order) ----
  private u16(v: number): Buffer {
    const b = Buffer.allocUnsafe(2);
    if (this.be) b.writeUInt16BE(v & 0xffff); else b.writeUInt16LE(v & 0xffff);
    return b;
  }

  private u32(v: number): Buffer {
    const b = Buffer.allocUnsafe(4);
    if (this.be) b.writeUInt32BE(v >>> 0); else b.writeUInt32LE(v >>> 0);
    return b;
  }

  private i64(v: bigint): Buffer {
    const b = Buffer.allocUnsafe(8);
    if (this.be) b.writeBigInt64BE(v); else b.writeBigInt64LE(v);
    return b;
  }

  private u64(v: bigint): Buffer {
    const b = Buffer.allocUnsafe(8);
    if (this.be) b.writeBigUInt64BE(v); else b.writeBigUInt64LE(v);
    return b;
  }

  /** 64-bit timestamp as two 32-bit words, high word first (EPB, PB, ISB). */
  private tsWords(units: bigint): Buffer {
    return Buffer.concat([this.u32(Number(units >> 32n)), this.u32(Number(units & 0xffffffffn))]);
  }

  private static pad4(b: Buffer): Buffer {
    const pad = (4 - (b.length % 4)) % 4;
    return pad ? Buffer.concat([b, Buffer.alloc(pad)]) : b;
  }

  private encodeOptions(options: PcapngOption[]): Buffer {
    if (options.length === 0) return EMPTY;
    const parts: Buffer[] = [];
    for (const o of options) parts.push(this.u16(o.code), this.u16(o.value.length), PcapngWriter.pad4(o.value));
    parts.push(this.u32(0)); // opt_endofopt
    return Buffer.concat(parts);
  }

  private emit(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.sink) this.sink(chunk);
    else this.chunks.push(chunk);
  }

  /** Writes a block: type, total length, body (padded), total length. */
  block(type: number, body: Buffer): void {
    const padded = PcapngWriter.pad4(body);
    const total = 12 + padded.length;
    this.emit(Buffer.concat([this.u32(type), this.u32(total), padded, this.u32(total)]));
  }

  /** Writes bytes exactly as given (e.g. a block with an inconsistent length). */
  raw(bytes: Buffer): void {
    this.emit(bytes);
  }

  stringOption(code: number, s: string): PcapngOption {
    return { code, value: Buffer.from(s, 'utf8') };
  }

  // ---- blocks ----
  section(opts: SectionOptions = {}): void {
    this.be = opts.bigEndian ?? false;
    this.interfaces = [];
    const options = [...(opts.options ?? [])];
    if (opts.hardware) options.push(this.stringOption(2, opts.hardware));
    if (opts.os) options.push(this.stringOption(3, opts.os));
    if (opts.userAppl) options.push(this.stringOption(4, opts.userAppl));
    const body = Buffer.concat([
      this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), this.i64(opts.sectionLength ?? -1n), this.encodeOptions(options),
    ]);
    this.block(BLOCK.SHB, body);
  }

  /** Adds an interface to the current section; returns its id. */
  addInterface(opts: InterfaceOptions): number {
    if (this.bytes === 0) this.section();
    const options = [...(opts.options ?? [])];
    if (opts.name) options.push(this.stringOption(2, opts.name));
    if (opts.description) options.push(this.stringOption(3, opts.description));
    const tsresol = opts.tsresol ?? { base: 10, exp: 6 };
    if (opts.tsresol) options.push({ code: 9, value: Buffer.from([(tsresol.base === 2 ? 0x80 : 0) | tsresol.exp]) });
    if (opts.tsoffsetSec !== undefined) options.push({ code: 14, value: this.i64(opts.tsoffsetSec) });
    if (opts.fcsLen !== undefined) options.push({ code: 13, value: Buffer.from([opts.fcsLen]) });
    const snaplen = opts.snaplen ?? 0; // 0 = no limit
    this.block(BLOCK.IDB, Buffer.concat([this.u16(opts.linkType), this.u16(0), this.u32(snaplen), this.encodeOptions(options)]));
    this.interfaces.push({ snaplen, tsresol, tsoffsetSec: opts.tsoffsetSec ?? 0n });
    return this.interfaces.length - 1;
  }

  private iface(id: number): InterfaceState {
    const i = this.interfaces[id];
    if (!i) throw new Error(`no interface ${id} in the current section`);
    return i;
  }

  /** Nanoseconds since the epoch → timestamp units of an interface (floor). */
  tsUnits(ifId: number, tsNs: bigint): bigint {
    const { tsresol, tsoffsetSec } = this.iface(ifId);
    const rel = tsNs - tsoffsetSec * NS_PER_SEC;
    const scale = tsresol.base === 10 ? 10n ** BigInt(tsresol.exp) : 1n << BigInt(tsresol.exp);
    return (rel * scale) / NS_PER_SEC;
  }

  private captured(ifId: number, data: Buffer): Buffer {
    const snap = this.iface(ifId).snaplen;
    return snap > 0 && data.length > snap ? data.subarray(0, snap) : data;
  }

  /** Enhanced Packet Block. */
  epb(ifId: number, tsNs: bigint, data: Buffer, extra: { origLen?: number; flags?: number; comment?: string; options?: PcapngOption[] } = {}): void {
    const cap = this.captured(ifId, data);
    const options = [...(extra.options ?? [])];
    if (extra.comment) options.push(this.stringOption(1, extra.comment));
    if (extra.flags !== undefined) options.push({ code: 2, value: this.u32(extra.flags) });
    this.block(BLOCK.EPB, Buffer.concat([
      this.u32(ifId), this.tsWords(this.tsUnits(ifId, tsNs)), this.u32(cap.length), this.u32(extra.origLen ?? data.length),
      PcapngWriter.pad4(cap), this.encodeOptions(options),
    ]));
  }

  /** Simple Packet Block: interface 0, no timestamp; captured length = min(orig, snaplen). */
  spb(data: Buffer, origLen = data.length): void {
    const cap = this.captured(0, data);
    this.block(BLOCK.SPB, Buffer.concat([this.u32(origLen), PcapngWriter.pad4(cap)]));
  }

  /** Obsolete Packet Block (type 2), 16-bit interface id and drops count. */
  pb(ifId: number, tsNs: bigint, data: Buffer, extra: { origLen?: number; drops?: number } = {}): void {
    const cap = this.captured(ifId, data);
    this.block(BLOCK.PB, Buffer.concat([
      this.u16(ifId), this.u16(extra.drops ?? 0), this.tsWords(this.tsUnits(ifId, tsNs)),
      this.u32(cap.length), this.u32(extra.origLen ?? data.length), PcapngWriter.pad4(cap),
    ]));
  }

  /** Name Resolution Block: IPv4 (type 1) / IPv6 (type 2) records, each address → names. */
  nrb(records: Array<{ address: Buffer; names: string[] }>): void {
    const parts: Buffer[] = [];
    for (const r of records) {
      const value = Buffer.concat([r.address, ...r.names.map((n) => Buffer.from(`${n}\0`, 'utf8'))]);
      parts.push(this.u16(r.address.length === 4 ? 1 : 2), this.u16(value.length), PcapngWriter.pad4(value));
    }
    parts.push(this.u32(0)); // nrb_record_end
    this.block(BLOCK.NRB, Buffer.concat(parts));
  }

  /** Interface Statistics Block. */
  isb(ifId: number, tsNs: bigint, stats: { startNs?: bigint; endNs?: bigint; ifRecv?: bigint; ifDrop?: bigint; osDrop?: bigint; userDelivered?: bigint } = {}): void {
    const options: PcapngOption[] = [];
    if (stats.startNs !== undefined) options.push({ code: 2, value: this.tsWords(this.tsUnits(ifId, stats.startNs)) });
    if (stats.endNs !== undefined) options.push({ code: 3, value: this.tsWords(this.tsUnits(ifId, stats.endNs)) });
    if (stats.ifRecv !== undefined) options.push({ code: 4, value: this.u64(stats.ifRecv) });
    if (stats.ifDrop !== undefined) options.push({ code: 5, value: this.u64(stats.ifDrop) });
    if (stats.osDrop !== undefined) options.push({ code: 7, value: this.u64(stats.osDrop) });
    if (stats.userDelivered !== undefined) options.push({ code: 8, value: this.u64(stats.userDelivered) });
    this.block(BLOCK.ISB, Buffer.concat([this.u32(ifId), this.tsWords(this.tsUnits(ifId, tsNs)), this.encodeOptions(options)]));
  }

  /** Custom block (0x00000BAD may be copied by editors, 0x40000BAD must not be). */
  custom(pen: number, data: Buffer, copyable = true): void {
    this.block(copyable ? BLOCK.CUSTOM_COPY : BLOCK.CUSTOM_NOCOPY, Buffer.concat([this.u32(pen), PcapngWriter.pad4(data)]));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
