import { giveBlock, growPairedBlock, NO_FLOATS, NO_INTS, taken } from './column-pool.js';
import type { Instant, PacketFact, PacketKind } from './facts.js';

/** Packet kinds as small integers (the log's column value); `KINDS[code]` is the kind's name. */
export const KIND_SYN = 0;
export const KIND_SYN_ACK = 1;
export const KIND_DATA = 2;
export const KIND_ACK = 3;
export const KIND_FIN = 4;
export const KIND_RST = 5;
const KINDS: readonly PacketKind[] = ['syn', 'syn-ack', 'data', 'ack', 'fin', 'rst'];

export function kindCode(kind: PacketKind): number {
  return KINDS.indexOf(kind);
}

/** TCP option layouts ("nop,nop,ts") interned once for the whole run: a packet keeps a small number, not a string.
 * Bounded: past the cap a layout is kept per log (hostile input with ever new layouts cannot grow this table). */
const LAYOUT_IDS = new Map<string, number>([
  ['', 0],
  ['nop,nop,ts', 1],
]);
const LAYOUT_NAMES: string[] = ['', 'nop,nop,ts'];
const MAX_LAYOUTS = 4096;
export const LAYOUT_NONE = 0;
export const LAYOUT_NOP_NOP_TS = 1;

export function layoutName(id: number): string {
  return LAYOUT_NAMES[id]!;
}

/** The id of `layout`, or -1 when the shared table is full (then the log keeps the text itself). */
export function layoutId(layout: string): number {
  const id = LAYOUT_IDS.get(layout);
  if (id !== undefined) return id;
  if (LAYOUT_NAMES.length >= MAX_LAYOUTS) return -1;
  LAYOUT_IDS.set(layout, LAYOUT_NAMES.length);
  LAYOUT_NAMES.push(layout);
  return LAYOUT_NAMES.length - 1;
}

// Column layout: numbers in one Float64Array and small integers in one Int32Array, a fixed stride each. No object per
// packet: a connection's packets are held for its whole life, and objects that live that long are what made the
// garbage collector cost a quarter of the run. The header fields of a byte or two share words (52 bytes a packet,
// where a word each took 76): the columns are most of what an open connection holds.
/** Rows of a log's first block; it doubles when full (see grow). Small, because a held connection keeps it: see
 * half-stream.ts, FIRST_RANGES. */
const MIN_ROWS = 8;
const F = 4; // at, frame, offset, ackOffset (NaN = null)
const I = 5; // input, packed small fields (below), ipId | window << 16, tsVal (its 32 bits), length
// The packed word: kind (3 bits), dontFragment, tsVal present, ipId present, ttl (8 bits from bit 8), layout + 1 (13
// bits from bit 16: ids stay below MAX_LAYOUTS; 0 = the per-log text).
const KIND_MASK = 7;
const DF_BIT = 1 << 3;
const TS_BIT = 1 << 4;
const IPID_BIT = 1 << 5;
const TTL_SHIFT = 8;
const LAYOUT_SHIFT = 16;

/** The packet facts one side sent, in arrival order, stored in columns; `get(i)` gives the PacketFact (made once and
 * kept, so the same packet is always the same object). At most `limit` packets are kept; later ones are not stored. */
export class PacketLog {
  length = 0;
  /** Rows the block holds. */
  private cap = 0;
  /** The pooled block's slab (see column-pool.ts): the number column is rows 0..cap at stride F from `fs`. */
  private f: Float64Array = NO_FLOATS;
  private fs = 0;
  /** The slab as int32s: the integer column starts at `nb`, right after the numbers, stride I. */
  private n: Int32Array = NO_INTS;
  private nb = 0;
  private made: Map<number, PacketFact> | null = null;
  private texts: Map<number, string> | null = null;

  constructor(public limit: number) {}

  /** Made anew for another direction (after `release`; PacketFacts handed out before stay as they are). */
  reuse(limit: number): void {
    this.release();
    this.limit = limit;
    this.made = null;
    this.texts = null;
  }

  /** Stores one packet; returns its index, or -1 when the log is full. The timestamp value is given as its 32 bits in
   * an int32, `tsBits` (a small integer: a TSval above 2^31 as a plain number would be a heap object per packet), and
   * `hasTs`. */
  add(at: Instant, frame: number, input: number, kind: number, ttl: number, ipId: number | null, dontFragment: boolean, window: number, hasTs: boolean, tsBits: number, layout: number, length: number): number {
    const i = this.length;
    if (i >= this.limit) return -1;
    if (i === this.cap) this.grow();
    const f = this.f;
    const n = this.n;
    const fi = this.fs + i * F;
    const ni = this.nb + i * I;
    f[fi] = at;
    f[fi + 1] = frame;
    f[fi + 2] = 0;
    f[fi + 3] = NaN;
    n[ni] = input;
    n[ni + 1] = kind | (dontFragment ? DF_BIT : 0) | (hasTs ? TS_BIT : 0) | (ipId === null ? 0 : IPID_BIT) | ((ttl & 0xff) << TTL_SHIFT) | ((layout + 1) << LAYOUT_SHIFT);
    n[ni + 2] = (ipId === null ? 0 : ipId & 0xffff) | ((window & 0xffff) << 16);
    n[ni + 3] = hasTs ? tsBits : 0;
    n[ni + 4] = length;
    this.length = i + 1;
    return i;
  }

  /** A layout that did not fit the shared table, for packet `i`. */
  setLayoutText(i: number, text: string): void {
    (this.texts ??= new Map()).set(i, text);
  }

  setOffset(i: number, offset: number): void {
    this.f[this.fs + i * F + 2] = offset;
  }

  setAckOffset(i: number, offset: number | null): void {
    this.f[this.fs + i * F + 3] = offset === null ? NaN : offset;
  }

  atOf(i: number): Instant {
    return this.f[this.fs + i * F]!;
  }

  kindOf(i: number): number {
    return this.n[this.nb + i * I + 1]! & KIND_MASK;
  }

  ttlOf(i: number): number {
    return (this.n[this.nb + i * I + 1]! >> TTL_SHIFT) & 0xff;
  }

  /** Packet `i` as a PacketFact (the same object on every call). */
  get(i: number): PacketFact {
    const made = (this.made ??= new Map());
    const have = made.get(i);
    if (have) return have;
    const f = this.f;
    const n = this.n;
    const fi = this.fs + i * F;
    const ni = this.nb + i * I;
    const ackOffset = f[fi + 3]!;
    const packed = n[ni + 1]!;
    const ids = n[ni + 2]!;
    const layout = (packed >>> LAYOUT_SHIFT) - 1;
    const p: PacketFact = {
      at: f[fi]!,
      frame: f[fi + 1]!,
      input: n[ni]!,
      kind: KINDS[packed & KIND_MASK]!,
      ttl: (packed >> TTL_SHIFT) & 0xff,
      ipId: packed & IPID_BIT ? ids & 0xffff : null,
      dontFragment: (packed & DF_BIT) !== 0,
      window: ids >>> 16,
      tsVal: packed & TS_BIT ? n[ni + 3]! >>> 0 : null,
      optionLayout: layout < 0 ? (this.texts?.get(i) ?? '') : LAYOUT_NAMES[layout]!,
      offset: f[fi + 2]!,
      length: n[ni + 4]!,
      ackOffset: Number.isNaN(ackOffset) ? null : ackOffset,
    };
    made.set(i, p);
    return p;
  }

  /** Index of the first packet of `kind`, or -1. */
  firstOfKind(kind: number): number {
    const n = this.n;
    const nb = this.nb;
    for (let i = 0; i < this.length; i++) if ((n[nb + i * I + 1]! & KIND_MASK) === kind) return i;
    return -1;
  }

  /** Index of the last packet of `kind`, or -1. */
  lastOfKind(kind: number): number {
    const n = this.n;
    const nb = this.nb;
    for (let i = this.length - 1; i >= 0; i--) if ((n[nb + i * I + 1]! & KIND_MASK) === kind) return i;
    return -1;
  }

  /** The packets of one kind, in order. */
  ofKind(kind: number): PacketFact[] {
    const out: PacketFact[] = [];
    const n = this.n;
    const nb = this.nb;
    for (let i = 0; i < this.length; i++) if ((n[nb + i * I + 1]! & KIND_MASK) === kind) out.push(this.get(i));
    return out;
  }

  /** The TTL seen most often (the first to reach the highest count on ties), as fingerprint.mostCommon does. */
  mostCommonTtl(): number | undefined {
    return mostCommonTtlOf(this.n, this.nb, this.length, -1);
  }

  /** mostCommonTtl over the packets of one kind only. */
  mostCommonTtlOfKind(kind: number): number | undefined {
    return mostCommonTtlOf(this.n, this.nb, this.length, kind);
  }

  find(pred: (p: PacketFact, i: number) => boolean): PacketFact | undefined {
    for (let i = 0; i < this.length; i++) {
      const p = this.get(i);
      if (pred(p, i)) return p;
    }
    return undefined;
  }

  filter(pred: (p: PacketFact, i: number) => boolean): PacketFact[] {
    const out: PacketFact[] = [];
    for (let i = 0; i < this.length; i++) {
      const p = this.get(i);
      if (pred(p, i)) out.push(p);
    }
    return out;
  }

  map<T>(fn: (p: PacketFact, i: number) => T): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(fn(this.get(i), i));
    return out;
  }

  some(pred: (p: PacketFact, i: number) => boolean): boolean {
    return this.find(pred) !== undefined;
  }

  toArray(): PacketFact[] {
    return this.map((p) => p);
  }

  *[Symbol.iterator](): IterableIterator<PacketFact> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** Gives the columns back to the pool (the connection is finished and diagnosed; PacketFacts already made stay). */
  release(): void {
    if (this.cap) giveBlock(this.f, this.fs, this.cap * ROW_BYTES);
    this.f = NO_FLOATS;
    this.n = NO_INTS;
    this.fs = 0;
    this.nb = 0;
    this.cap = 0;
    this.length = 0;
    // Rows are gone: the facts made from them stay with their holders, and the log no longer keeps them alive.
    this.made = null;
    this.texts = null;
  }

  private grow(): void {
    // Doubling, with both columns in one pooled block outside the JS heap: the garbage collector never copies them.
    const cap = Math.min(this.limit, Math.max(MIN_ROWS, this.length * 2));
    this.nb = growPairedBlock(this.f, this.n, this.fs, this.nb, this.cap, cap, F, I);
    this.f = taken.floats;
    this.n = taken.ints;
    this.fs = taken.start;
    this.cap = cap;
  }
}

/** Bytes a row takes in the block: its numbers and its integers. */
const ROW_BYTES = F * 8 + I * 4;
const TTL_COUNTS = new Int32Array(256);

function mostCommonTtlOf(n: Int32Array, nb: number, length: number, kind: number): number | undefined {
  TTL_COUNTS.fill(0);
  let best: number | undefined;
  let bestN = 0;
  for (let i = 0; i < length; i++) {
    const packed = n[nb + i * I + 1]!;
    if (kind >= 0 && (packed & KIND_MASK) !== kind) continue;
    const ttl = (packed >> TTL_SHIFT) & 0xff;
    const c = ++TTL_COUNTS[ttl]!;
    if (c > bestN) {
      best = ttl;
      bestN = c;
    }
  }
  return best;
}
