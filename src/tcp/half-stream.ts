import { FIN, RST, SYN, type TcpPacket } from '../decode/packet.js';
import { DecodedPacket } from '../decode/decoded-packet.js';
import type { AckAdvance, Flight, Gap, GapReason, Instant, PacketFact, SentRange } from './facts.js';
import { giveBlock, growBlock, growPairedBlock, NO_FLOATS, NO_INTS, taken } from './column-pool.js';
import { PacketLog } from './packet-log.js';
import type { BytesOrigin } from './bytes-origin.js';
import { FirstCopies } from './first-copies.js';
import { seqAdd } from './seq.js';

/** Receives one side's bytes in stream order. Called in this order: data/gap any number of times, in increasing
 * offset order without overlap, then nothing after the connection is finished. The bytes delivered are
 * bytes[start..end) (usually the frame's own buffer: no view is made per packet); the sink owns nothing it is given:
 * `bytes` is only valid during the call. */
export interface StreamSink {
  data(bytes: Buffer, start: number, end: number, offset: number, at: Instant): void;
  gap(offset: number, length: number, reason: GapReason): void;
}

export interface ReassemblyLimits {
  /** Out-of-order bytes buffered per direction before the hole is given up as a gap. */
  maxBufferedBytes: number;
  /** Packet facts kept per side for fingerprinting; later packets are counted only. */
  maxPacketFacts: number;
  /** Recent bytes kept per direction to compare retransmissions with the first copy (0 = no comparison). */
  retransmitCompareBytes?: number;
}

/** Numbers per sent range in HalfStream's range columns. */
const R = 7;
/** Numbers per flight in HalfStream's flight columns (start, end, firstAt, lastAt, segments; the index is implied). */
const FL = 5;
/** Rows of the first range, flight and ACK blocks. Each block doubles when full, so small first blocks cost a busy
 * direction a few cheap growths, while every connection held open (a stalled one waits minutes) keeps only what it
 * used: with 16, 8 and 16 rows (and 32 first-copy segments) a stalled connection of 11 packets held 6.4 KB of columns,
 * now 1.9 KB (see README, Performance: memory per held connection). */
const FIRST_RANGES = 4;
const FIRST_FLIGHTS = 4;
const FIRST_ACKS = 8;
/** Never written to: a stream makes its own list before the first insert. */
const NO_PENDING: Pending[] = [];
const NO_GAPS: Gap[] = [];
/** An idle half's sink: it is given a real one before it is used again. */
const IDLE_SINK: StreamSink = { data() {}, gap() {} };

/** What a buffered out-of-order segment costs besides its bytes: bounds the list even for zero-byte (snaplen-cut) ones. */
const PENDING_ENTRY_COST = 64;

/** Half-streams given back by finished connections (HalfStream.obtain): bounded by the most open at once, and by this. */
const idleHalves: HalfStream[] = [];
const MAX_IDLE_HALVES = 8192;

/** A pause after which the next bytes start a new flight even if the peer said nothing. */
const FLIGHT_IDLE_NS = 1_000_000_000;

interface Pending {
  offset: number;
  /** A copy of the captured bytes (all of it is the segment's). */
  bytes: Buffer;
  /** Where the captured bytes lie in the capture file (input, position), or position -1 (see BytesOrigin). */
  input: number;
  position: number;
  wireLength: number;
  at: Instant;
}

/** One direction of a TCP connection: the sender's byte stream, reassembled, with the per-byte facts the diagnosis
 * reads (first sent, retransmitted, first acknowledged, by which packet). */
export class HalfStream {
  /** Sequence number of stream offset 0 (the byte after the SYN), once known. */
  baseSeq: number | null = null;
  synSeen = false;
  /** Delivered to the sink up to here (exclusive). */
  next = 0;
  /** Highest offset the capture saw this side send (exclusive), FIN included. */
  highestSeen = 0;
  finOffset: number | null = null;
  finAt: Instant | null = null;
  rstAt: Instant | null = null;
  ackedTo = 0;
  /** The byte ranges as first sent, in offset order, in columns (stride R: start, end, firstSentAt, firstFrame,
   * retransmissions, lastSentAt, flight): one per data segment, held for the connection's life, so no object each. */
  private r: Float64Array = NO_FLOATS;
  /** Where the range block starts in `r` (the block's slab: see column-pool.ts), and the ranges it holds. */
  private rs = 0;
  private rCap = 0;
  /** Number of ranges. */
  rangeCount = 0;
  gaps: Gap[] = NO_GAPS;
  // The flights, in columns (stride FL) while the connection lives: objects held that long are what the garbage
  // collector promotes and later scans; `flights` makes the objects once the diagnosis asks.
  private fl: Float64Array = NO_FLOATS;
  /** Where the flight block starts in `fl` (its slab), and the flights it holds. */
  private fls = 0;
  private flCap = 0;
  private flightCount = 0;
  private flightObjects: Flight[] | null = null;
  /** The packets this side sent (the first `maxPacketFacts` of them), in columns. */
  readonly packets: PacketLog;
  packetCount = 0;
  // First acknowledgements of this side's stream, in columns of one pooled block (a run of a slab: see column-pool.ts):
  // the offset (rows 0..ackCap of `ackOffsets` from ackStart), and the ACKing packet as an index into the peer's
  // packet log (or -1: then the fact object is in ackFacts, for a packet the log could not keep), in the slab's int
  // view from ackBase on.
  private ackOffsets: Float64Array = NO_FLOATS;
  private ackStart = 0;
  private ackIndex: Int32Array = NO_INTS;
  private ackBase = 0;
  private ackCap = 0;
  /** Number of first acknowledgements (AckAdvance records). */
  ackCount = 0;
  private ackLog: PacketLog | null = null;
  private ackFacts: Map<number, PacketFact> | null = null;
  private ackMade: Map<number, AckAdvance> | null = null;
  dataPackets = 0;
  retransmittedSegments = 0;
  /** Bytes that arrived after the peer had already acknowledged them: the capture recorded the ACK first. */
  ackBeforeDataSegments = 0;
  /** Retransmitted bytes that differ from the first copy (the first copy is kept, as Wireshark and Zeek do). */
  inconsistentRetransmissions = 0;
  /** The first retransmitted byte that differed from the first copy. */
  firstInconsistency: { offset: number; at: Instant } | null = null;
  private recent: FirstCopies;
  bufferLimitHits = 0;
  /** Out-of-order segments waiting for a hole to fill (the shared empty list until the first one). */
  private pending: Pending[] = NO_PENDING;
  private pendingBytes = 0;
  private peerSpoke = true;
  private lastNewDataAt: Instant = -Infinity;

  /** With `origin`, delivered bytes that lie in a capture file are compared with retransmissions by reading them back
   * from it, not copied (see FirstCopies). */
  constructor(
    private sink: StreamSink,
    private limits: ReassemblyLimits,
    private origin: BytesOrigin | null = null,
  ) {
    this.recent = new FirstCopies(limits.retransmitCompareBytes ?? 4096, origin);
    this.packets = new PacketLog(limits.maxPacketFacts);
  }

  /** A half-stream for a new direction: one given back by a finished connection (see `recycle`), made anew, or a new
   * one. Every connection is made of a few kilobytes of objects that live as long as it does, so they all survived the
   * young generation and were copied into the old one, where the collector marked them again until they died: on the
   * 1 GB bench capture 78 MB promoted, most of it these. Half-streams taken from the pool are already old. */
  static obtain(sink: StreamSink, limits: ReassemblyLimits, origin: BytesOrigin | null): HalfStream {
    const h = idleHalves.pop();
    if (h === undefined) return new HalfStream(sink, limits, origin);
    h.reset(sink, limits, origin);
    return h;
  }

  /** Releases this half and gives it back for a later connection: only once nothing reads it any more. */
  recycle(): void {
    this.release();
    // An idle half must not keep its finished connection alive: its sink is that connection's SMTP session (commands,
    // replies, transactions), and the pool is last-in first-out, so a half deep in it could hold them for the rest of
    // the run. What was handed out goes with it; reset() makes the lists anew.
    this.sink = IDLE_SINK;
    this.origin = null;
    this.gaps = NO_GAPS;
    this.flightObjects = null;
    this.ackLog = null;
    this.ackFacts = null;
    this.firstInconsistency = null;
    this.pending = NO_PENDING;
    if (idleHalves.length < MAX_IDLE_HALVES) idleHalves.push(this);
  }

  /** Lets go of the idle half-streams once an analysis is over (as many as were ever finished before being obtained
   * again, up to MAX_IDLE_HALVES): the report drawn next has no use for them. */
  static releaseIdle(): void {
    idleHalves.length = 0;
  }

  /** Every field as the constructor leaves it (test/half-stream-pool.test.ts compares the two). What was handed out
   * (gaps, flights, facts) is left to its holders: lists and maps are made anew, not emptied. */
  private reset(sink: StreamSink, limits: ReassemblyLimits, origin: BytesOrigin | null): void {
    this.sink = sink;
    this.limits = limits;
    this.origin = origin;
    this.baseSeq = null;
    this.synSeen = false;
    this.next = 0;
    this.highestSeen = 0;
    this.finOffset = null;
    this.finAt = null;
    this.rstAt = null;
    this.ackedTo = 0;
    // (The columns were given back by recycle.)
    this.gaps = NO_GAPS;
    this.flightObjects = null;
    this.packets.reuse(limits.maxPacketFacts);
    this.packetCount = 0;
    this.ackLog = null;
    this.ackFacts = null;
    this.dataPackets = 0;
    this.retransmittedSegments = 0;
    this.ackBeforeDataSegments = 0;
    this.inconsistentRetransmissions = 0;
    this.firstInconsistency = null;
    this.recent.reuse(limits.retransmitCompareBytes ?? 4096, origin);
    this.bufferLimitHits = 0;
    this.pending = NO_PENDING;
    this.pendingBytes = 0;
    this.peerSpoke = true;
    this.lastNewDataAt = -Infinity;
  }

  /** The flights, in order (made on first read after a change; the stream keeps them in columns). */
  get flights(): Flight[] {
    let out = this.flightObjects;
    if (out === null) {
      out = [];
      const f = this.fl;
      for (let i = 0; i < this.flightCount; i++) {
        const b = this.fls + i * FL;
        out.push({ index: i, start: f[b]!, end: f[b + 1]!, firstAt: f[b + 2]!, lastAt: f[b + 3]!, segments: f[b + 4]! });
      }
      this.flightObjects = out;
    }
    return out;
  }

  /** Every first acknowledgement, in order (made on demand; the stream keeps them in columns). */
  get acks(): AckAdvance[] {
    const out: AckAdvance[] = [];
    for (let i = 0; i < this.ackCount; i++) out.push(this.ackAt(i));
    return out;
  }

  /** AckAdvance `i` (made once: every caller gets the same object). */
  private ackAt(i: number): AckAdvance {
    const made = (this.ackMade ??= new Map());
    let a = made.get(i);
    if (!a) {
      const idx = this.ackIndex[this.ackBase + i]!;
      a = { offset: this.ackOffsets[this.ackStart + i]!, packet: idx >= 0 ? this.ackLog!.get(idx) : this.ackFacts!.get(i)! };
      made.set(i, a);
    }
    return a;
  }

  /** Offset in this stream of sequence number `seq`, unwrapped near the delivery point. */
  offsetOf(seq: number): number | null {
    if (this.baseSeq === null) return null;
    // seqDiff(seq, seqAdd(baseSeq, next)) in one step: ToInt32 of the exact difference is the same distance modulo 2^32,
    // without the intermediate sequence number (above 2^31 half the time: a heap number per packet).
    return this.next + ((seq - this.baseSeq - this.next) | 0);
  }

  /** Counts a packet this side sent (its facts, if kept, are already in `packets`). */
  countPacket(): void {
    this.packetCount++;
  }

  /** The peer sent data: this side's next bytes start a new flight. */
  peerSentData(): void {
    this.peerSpoke = true;
  }

  /** A packet this side sent: handles SYN, data, FIN and RST. Returns the packet's stream offset (or null). */
  sent(p: TcpPacket, at: Instant): number | null {
    if (p.flags & SYN) {
      if (this.baseSeq === null || !this.synSeen) {
        this.baseSeq = seqAdd(p.seq, 1);
        this.synSeen = true;
      }
      return -1;
    }
    if (this.baseSeq === null) {
      // Mid-stream start: the first sequence number seen becomes offset 0.
      this.baseSeq = p.seq;
    }
    const offset = this.offsetOf(p.seq)!;
    const length = p.payloadLength;
    if (p.flags & RST) {
      if (this.rstAt === null) this.rstAt = at;
      return offset;
    }
    if (length > 0) {
      // Keep-alive: one byte (or none) just below what was already sent (RFC 9293 §3.8.4).
      if (length <= 1 && offset === this.highestSeen - 1) {
        return offset;
      }
      this.dataPackets++;
      this.noteRanges(offset, offset + length, at, p.frame);
      // The payload as a range of the frame's buffer when the decoder made the packet: no view per data packet.
      if (p instanceof DecodedPacket) {
        const position = this.origin === null ? -1 : this.origin.positionOf(p.input, p.bytes, p.payloadStart);
        this.accept(offset, p.bytes, p.payloadStart, p.payloadEnd, length, at, p.input, position);
      } else this.accept(offset, p.payload, 0, p.payload.length, length, at, p.input, -1);
    }
    if (p.flags & FIN) {
      const fin = offset + length;
      if (this.finOffset === null) {
        this.finOffset = fin;
        this.finAt = at;
      }
      if (fin + 1 > this.highestSeen) this.highestSeen = fin + 1;
    }
    return offset;
  }

  /** The peer acknowledged this side's stream up to sequence number `ackSeq`, by the packet `fact`. */
  acknowledged(ackSeq: number, fact: PacketFact): number | null {
    return this.acknowledgedBy(ackSeq, null, -1, fact);
  }

  /** The same, by packet `index` of the peer's packet log `log` (or, when the log could not keep it, by `fact`). */
  acknowledgedBy(ackSeq: number, log: PacketLog | null, index: number, fact: PacketFact | null): number | null {
    const offset = this.offsetOf(ackSeq);
    if (offset === null) return null;
    if (offset > this.ackedTo) {
      this.ackedTo = offset;
      const i = this.ackCount;
      if (i === this.ackCap) this.growAcks();
      this.ackOffsets[this.ackStart + i] = offset;
      if (index >= 0 && log) {
        this.ackLog = log;
        this.ackIndex[this.ackBase + i] = index;
      } else {
        this.ackIndex[this.ackBase + i] = -1;
        (this.ackFacts ??= new Map()).set(i, fact!);
      }
      this.ackCount = i + 1;
      // Everything this side sent, its FIN included, is acknowledged: a working sender sends none of it again, so the
      // copy kept to compare retransmissions can go now, not when the connection has lingered its seconds for stragglers.
      if (this.finOffset !== null && offset > this.finOffset) this.recent.release();
      const data = this.finOffset !== null && offset > this.finOffset ? this.finOffset : offset;
      if (data > this.next && this.pending.length && this.pending[0]!.offset <= data) {
        // The receiver has bytes we never saw, and we hold later ones: the hole was lost by the capture.
        this.skipTo(this.pending[0]!.offset, 'not-captured', true);
        this.drain();
      }
    }
    return offset;
  }

  /** Doubles the ACK columns' block (a paired block, as the packet log's: the offsets, then the packet indexes). */
  private growAcks(): void {
    const cap = Math.max(FIRST_ACKS, this.ackCap * 2);
    this.ackBase = growPairedBlock(this.ackOffsets, this.ackIndex, this.ackStart, this.ackBase, this.ackCap, cap, 1, 1);
    this.ackOffsets = taken.floats;
    this.ackStart = taken.start;
    this.ackIndex = taken.ints;
    this.ackCap = cap;
  }

  /** First acknowledgement that covered stream offset `end` (exclusive), if any. */
  firstAckCovering(end: number): AckAdvance | null {
    const a = this.ackOffsets;
    const s = this.ackStart;
    let lo = 0;
    let hi = this.ackCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[s + mid]! >= end) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.ackCount ? this.ackAt(lo) : null;
  }

  /** Every range as first sent, in offset order (made on demand; the stream keeps them in columns). */
  get ranges(): SentRange[] {
    const out: SentRange[] = [];
    for (let i = 0; i < this.rangeCount; i++) out.push(this.rangeObject(i));
    return out;
  }

  /** The range that first carried stream offset `offset` (a copy: the stream's own record is not an object). */
  rangeAt(offset: number): SentRange | null {
    const i = this.rangeIndexAt(offset);
    return i < 0 ? null : this.rangeObject(i);
  }

  /** Index of the range that first carried stream offset `offset`, or -1 (read it with rangeFirstSentAt/rangeFlight). */
  rangeIndexAt(offset: number): number {
    const r = this.r;
    let lo = 0;
    let hi = this.rangeCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.rs + mid * R;
      if (offset < r[b]!) hi = mid - 1;
      else if (offset >= r[b + 1]!) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  rangeFirstSentAt(i: number): Instant {
    return this.r[this.rs + i * R + 2]!;
  }

  rangeFlight(i: number): number {
    return this.r[this.rs + i * R + 6]!;
  }

  /** Retransmitted segments over all ranges, and the longest wait for one (last send − first send). */
  retransmissionTotals(): { segments: number; delay: number } {
    let segments = 0;
    let delay = 0;
    if (this.retransmittedSegments === 0) return { segments, delay };
    const r = this.r;
    for (let b = this.rs; b < this.rs + this.rangeCount * R; b += R) {
      const n = r[b + 4]!;
      if (n === 0) continue;
      segments += n;
      delay = Math.max(delay, r[b + 5]! - r[b + 2]!);
    }
    return { segments, delay };
  }

  private rangeObject(i: number): SentRange {
    const r = this.r;
    const b = this.rs + i * R;
    return { start: r[b]!, end: r[b + 1]!, firstSentAt: r[b + 2]!, firstFrame: r[b + 3]!, retransmissions: r[b + 4]!, lastSentAt: r[b + 5]!, flight: r[b + 6]! };
  }

  /** The connection is finished and diagnosed: the columns go back to the pool. Ranges, ACK advances and packet facts
   * read after this are gone (PacketFacts and records already handed out stay valid). */
  release(): void {
    this.packets.release();
    if (this.rCap) giveBlock(this.r, this.rs, this.rCap * R * 8);
    this.r = NO_FLOATS;
    this.rs = 0;
    this.rCap = 0;
    this.rangeCount = 0;
    if (this.ackCap) giveBlock(this.ackOffsets, this.ackStart, this.ackCap * 12);
    this.ackOffsets = NO_FLOATS;
    this.ackStart = 0;
    this.ackIndex = NO_INTS;
    this.ackBase = 0;
    this.ackCap = 0;
    this.ackCount = 0;
    this.ackMade = null;
    if (this.flCap) giveBlock(this.fl, this.fls, this.flCap * FL * 8);
    this.fl = NO_FLOATS;
    this.fls = 0;
    this.flCap = 0;
    this.flightCount = 0;
  }

  /** Bytes held to compare retransmissions with (0 once released). */
  get retransmitCopyBytes(): number {
    return this.recent.heldBytes;
  }

  /** Flush what is still buffered: holes before it become gaps. Called once when the connection ends. */
  finish(): void {
    this.finishReading();
    this.recent.release(); // nothing is delivered after this
  }

  private finishReading(): void {
    while (this.pending.length) {
      const first = this.pending[0]!;
      if (first.offset > this.next) this.skipTo(first.offset, 'not-captured', this.ackedTo >= first.offset);
      this.drain();
    }
    const end = this.finOffset ?? this.highestSeen;
    if (end > this.next && this.ackedTo > this.next) {
      // Acknowledged bytes at the end that were never captured.
      this.skipTo(Math.min(this.ackedTo, end), 'not-captured', true);
    }
  }

  private noteRanges(start: number, end: number, at: Instant, frame: number): void {
    if (start < this.highestSeen) this.noteOldBytes(start, Math.min(end, this.highestSeen), at, frame);
    if (end <= this.highestSeen) return;
    const newStart = Math.max(start, this.highestSeen);
    if (this.ackedTo >= end) this.ackBeforeDataSegments++;
    if (this.peerSpoke || at - this.lastNewDataAt > FLIGHT_IDLE_NS || this.flightCount === 0) {
      this.addFlight(newStart, at);
      this.peerSpoke = false;
    }
    const flight = this.flightCount - 1;
    const f = this.fl;
    const b = this.fls + flight * FL;
    f[b + 1] = end;
    f[b + 3] = at;
    f[b + 4]!++;
    this.flightObjects = null;
    this.addRange(this.rangeCount, newStart, end, at, frame, flight);
    this.highestSeen = end;
    this.lastNewDataAt = at;
  }

  private addFlight(start: number, at: Instant): void {
    const n = this.flightCount;
    if (n === this.flCap) {
      growBlock(this.fl, this.fls, n, FL, FIRST_FLIGHTS);
      this.fl = taken.floats;
      this.fls = taken.start;
      this.flCap = Math.max(FIRST_FLIGHTS, n * 2);
    }
    const f = this.fl;
    const b = this.fls + n * FL;
    f[b] = start;
    f[b + 1] = start;
    f[b + 2] = at;
    f[b + 3] = at;
    f[b + 4] = 0;
    this.flightCount = n + 1;
  }

  /** Bytes below the highest seen: a retransmission, an out-of-order arrival filling a hole, or both (a retransmission
   * cut differently from the original). */
  private noteOldBytes(start: number, end: number, at: Instant, frame: number): void {
    const holes = this.uncovered(start, end);
    if (holes.length) {
      for (const [a, b] of holes) this.insertRange(a, b, at, frame);
    }
    if (holes.reduce((n, [a, b]) => n + b - a, 0) < end - start) this.markRetransmitted(start, end, at);
  }

  /** The parts of [start, end) no range covers yet. */
  private uncovered(start: number, end: number): [number, number][] {
    const out: [number, number][] = [];
    let pos = start;
    const r = this.r;
    const rs = this.rs;
    let i = this.firstRangeEndingAfter(start);
    while (pos < end) {
      if (i >= this.rangeCount || r[rs + i * R]! >= end) {
        out.push([pos, end]);
        break;
      }
      const xs = r[rs + i * R]!;
      if (xs > pos) out.push([pos, xs]);
      pos = Math.max(pos, r[rs + i * R + 1]!);
      i++;
    }
    return out;
  }

  private firstRangeEndingAfter(offset: number): number {
    const r = this.r;
    const rs = this.rs;
    let lo = 0;
    let hi = this.rangeCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[rs + mid * R + 1]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertRange(start: number, end: number, at: Instant, frame: number): void {
    const i = this.firstRangeEndingAfter(start);
    const flight = i > 0 ? this.r[this.rs + (i - 1) * R + 6]! : 0;
    this.addRange(i, start, end, at, frame, flight);
  }

  /** Inserts a range before range `i` (at the end when i = rangeCount). */
  private addRange(i: number, start: number, end: number, at: Instant, frame: number, flight: number): void {
    const n = this.rangeCount;
    if (n === this.rCap) {
      growBlock(this.r, this.rs, n, R, FIRST_RANGES);
      this.r = taken.floats;
      this.rs = taken.start;
      this.rCap = Math.max(FIRST_RANGES, n * 2);
    }
    const r = this.r;
    const rs = this.rs;
    if (i < n) r.copyWithin(rs + (i + 1) * R, rs + i * R, rs + n * R);
    const b = rs + i * R;
    r[b] = start;
    r[b + 1] = end;
    r[b + 2] = at;
    r[b + 3] = frame;
    r[b + 4] = 0;
    r[b + 5] = at;
    r[b + 6] = flight;
    this.rangeCount = n + 1;
  }

  private markRetransmitted(start: number, end: number, at: Instant): void {
    this.retransmittedSegments++;
    const r = this.r;
    for (let i = this.firstRangeEndingAfter(start); i < this.rangeCount; i++) {
      const b = this.rs + i * R;
      if (r[b]! >= end) break;
      if (r[b + 5] === at) continue; // a range this very segment just created
      r[b + 4]!++;
      r[b + 5] = at;
    }
  }

  /** A data segment at `offset`: its captured bytes are payload[ps..pe), `wireLength` bytes were on the wire;
   * payload[ps] is at file `position` of input `input` (-1: not in a file). */
  private accept(offset: number, payload: Buffer, ps: number, pe: number, wireLength: number, at: Instant, input: number, position: number): void {
    const end = offset + wireLength;
    if (end <= this.next) {
      this.compareWithFirstCopy(payload, ps, pe, offset, at); // all of it delivered already
      return;
    }
    if (offset > this.next) {
      if (this.ackedTo >= offset) {
        // The peer acknowledged the hole before these bytes arrived: the capture missed it.
        this.skipTo(offset, 'not-captured', true);
      } else {
        this.buffer(offset, payload, ps, pe, wireLength, at, input, position);
        return;
      }
    }
    this.deliver(offset, payload, ps, pe, wireLength, at, input, position);
    this.drain();
  }

  private deliver(offset: number, payload: Buffer, ps: number, pe: number, wireLength: number, at: Instant, input: number, position: number): void {
    const skip = this.next - offset; // bytes at the front already delivered
    const captured = pe - ps;
    if (skip > 0) this.compareWithFirstCopy(payload, ps, ps + Math.min(skip, captured), offset, at);
    if (skip < captured) {
      const from = skip > 0 ? ps + skip : ps;
      this.recent.remember(payload, from, pe, this.next, input, position < 0 ? -1 : position + (from - ps));
      this.sink.data(payload, from, pe, this.next, at);
    }
    const deliveredTo = offset + Math.max(captured, skip);
    this.next = Math.max(this.next, deliveredTo);
    const end = offset + wireLength;
    if (end > this.next) this.skipTo(end, 'snaplen', this.ackedTo >= end);
  }

  private buffer(offset: number, payload: Buffer, ps: number, pe: number, wireLength: number, at: Instant, input: number, position: number): void {
    const captured = pe - ps;
    if (this.pendingBytes + captured + PENDING_ENTRY_COST > this.limits.maxBufferedBytes) {
      // Give up on the hole rather than grow without bound; the report says so.
      this.bufferLimitHits++;
      const first = this.pending.length ? Math.min(this.pending[0]!.offset, offset) : offset;
      this.skipTo(first, 'buffer-limit', this.ackedTo >= first);
      this.drain();
      if (offset >= this.next) {
        if (offset > this.next) this.skipTo(offset, 'buffer-limit', this.ackedTo >= offset);
        this.deliver(offset, payload, ps, pe, wireLength, at, input, position);
        this.drain();
      }
      return;
    }
    // Binary search for the place (after equal offsets): segments arriving in reverse order must not cost O(n) each.
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pending[mid]!.offset > offset) hi = mid;
      else lo = mid + 1;
    }
    if (this.pending === NO_PENDING) this.pending = [];
    const copy = Buffer.allocUnsafe(captured);
    payload.copy(copy, 0, ps, pe);
    this.pending.splice(lo, 0, { offset, bytes: copy, input, position, wireLength, at });
    this.pendingBytes += captured + PENDING_ENTRY_COST;
  }

  private drain(): void {
    while (this.pending.length && this.pending[0]!.offset <= this.next) {
      const p = this.pending.shift()!;
      this.pendingBytes -= p.bytes.length + PENDING_ENTRY_COST;
      if (p.offset + p.wireLength > this.next) this.deliver(p.offset, p.bytes, 0, p.bytes.length, p.wireLength, p.at, p.input, p.position);
    }
  }

  /** A retransmission of bytes already delivered: the first copy stands; a different second copy is counted. */
  private compareWithFirstCopy(bytes: Buffer, start: number, end: number, offset: number, at: Instant): void {
    const differs = this.recent.firstDifference(bytes, start, end, offset);
    if (differs === null) return;
    this.inconsistentRetransmissions++;
    this.firstInconsistency ??= { offset: differs, at };
  }

  private skipTo(offset: number, reason: GapReason, acked: boolean): void {
    if (offset <= this.next) return;
    const gap = { start: this.next, end: offset, reason, acked };
    if (this.gaps === NO_GAPS) this.gaps = [gap];
    else this.gaps.push(gap);
    this.sink.gap(this.next, offset - this.next, reason);
    this.next = offset;
  }
}
