import { FIN, RST, SYN, type TcpPacket } from '../decode/packet.js';
import type { AckAdvance, Flight, Gap, GapReason, Instant, PacketFact, SentRange } from './facts.js';
import { RecentBytes } from './recent-bytes.js';
import { seqAdd, seqDiff } from './seq.js';

/** Receives one side's bytes in stream order. Called in this order: data/gap any number of times, in increasing
 * offset order without overlap, then nothing after the connection is finished. The sink owns nothing it is given:
 * `bytes` is only valid during the call. */
export interface StreamSink {
  data(bytes: Buffer, offset: number, at: Instant): void;
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

/** What a buffered out-of-order segment costs besides its bytes: bounds the list even for zero-byte (snaplen-cut) ones. */
const PENDING_ENTRY_COST = 64;

/** A pause after which the next bytes start a new flight even if the peer said nothing. */
const FLIGHT_IDLE_NS = 1_000_000_000;

interface Pending {
  offset: number;
  bytes: Buffer;
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
  readonly ranges: SentRange[] = [];
  readonly acks: AckAdvance[] = [];
  readonly gaps: Gap[] = [];
  readonly flights: Flight[] = [];
  readonly packets: PacketFact[] = [];
  packetCount = 0;
  dataPackets = 0;
  retransmittedSegments = 0;
  keepAlives = 0;
  outOfOrderSegments = 0;
  /** ACKs from the peer for bytes this side was never seen sending (at that moment). */
  readonly ackedAhead: { at: Instant; offset: number; frame: number }[] = [];
  /** Bytes that arrived after the peer had already acknowledged them: the capture recorded the ACK first. */
  ackBeforeDataSegments = 0;
  /** Retransmitted bytes that differ from the first copy (the first copy is kept, as Wireshark and Zeek do). */
  inconsistentRetransmissions = 0;
  /** The first retransmitted byte that differed from the first copy. */
  firstInconsistency: { offset: number; at: Instant } | null = null;
  private recent: RecentBytes;
  bufferLimitHits = 0;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private peerSpoke = true;
  private lastNewDataAt: Instant = -Infinity;

  constructor(
    private readonly sink: StreamSink,
    private readonly limits: ReassemblyLimits,
  ) {
    this.recent = new RecentBytes(limits.retransmitCompareBytes ?? 4096);
  }

  /** Offset in this stream of sequence number `seq`, unwrapped near the delivery point. */
  offsetOf(seq: number): number | null {
    if (this.baseSeq === null) return null;
    return this.next + seqDiff(seq, seqAdd(this.baseSeq, this.next));
  }

  recordPacket(fact: PacketFact): void {
    this.packetCount++;
    if (this.packets.length < this.limits.maxPacketFacts) this.packets.push(fact);
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
        this.keepAlives++;
        return offset;
      }
      this.dataPackets++;
      this.noteRanges(offset, offset + length, at, p.frame);
      this.accept(offset, p.payload, length, at);
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

  /** The peer acknowledged this side's stream up to sequence number `ackSeq`. */
  acknowledged(ackSeq: number, fact: PacketFact): number | null {
    const offset = this.offsetOf(ackSeq);
    if (offset === null) return null;
    if (offset > this.ackedTo) {
      this.ackedTo = offset;
      this.acks.push({ offset, packet: fact });
      if (offset > this.highestSeen) this.ackedAhead.push({ at: fact.at, offset, frame: fact.frame });
      const data = this.finOffset !== null && offset > this.finOffset ? this.finOffset : offset;
      if (data > this.next && this.pending.length && this.pending[0]!.offset <= data) {
        // The receiver has bytes we never saw, and we hold later ones: the hole was lost by the capture.
        this.skipTo(this.pending[0]!.offset, 'not-captured', true);
        this.drain();
      }
    }
    return offset;
  }

  /** First acknowledgement that covered stream offset `end` (exclusive), if any. */
  firstAckCovering(end: number): AckAdvance | null {
    const a = this.acks;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]!.offset >= end) hi = mid;
      else lo = mid + 1;
    }
    return a[lo] ?? null;
  }

  /** The range that first carried stream offset `offset`. */
  rangeAt(offset: number): SentRange | null {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = r[mid]!;
      if (offset < x.start) hi = mid - 1;
      else if (offset >= x.end) lo = mid + 1;
      else return x;
    }
    return null;
  }

  /** Flush what is still buffered: holes before it become gaps. Called once when the connection ends. */
  finish(): void {
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
    if (this.peerSpoke || at - this.lastNewDataAt > FLIGHT_IDLE_NS || this.flights.length === 0) {
      this.flights.push({ index: this.flights.length, start: newStart, end, firstAt: at, lastAt: at, segments: 0 });
      this.peerSpoke = false;
    }
    const flight = this.flights[this.flights.length - 1]!;
    flight.end = end;
    flight.lastAt = at;
    flight.segments++;
    this.ranges.push({ start: newStart, end, firstSentAt: at, firstFrame: frame, retransmissions: 0, lastSentAt: at, flight: flight.index });
    this.highestSeen = end;
    this.lastNewDataAt = at;
  }

  /** Bytes below the highest seen: a retransmission, an out-of-order arrival filling a hole, or both (a retransmission
   * cut differently from the original). */
  private noteOldBytes(start: number, end: number, at: Instant, frame: number): void {
    const holes = this.uncovered(start, end);
    if (holes.length) {
      this.outOfOrderSegments++;
      for (const [a, b] of holes) this.insertRange(a, b, at, frame);
    }
    if (holes.reduce((n, [a, b]) => n + b - a, 0) < end - start) this.markRetransmitted(start, end, at);
  }

  /** The parts of [start, end) no range covers yet. */
  private uncovered(start: number, end: number): [number, number][] {
    const out: [number, number][] = [];
    let pos = start;
    const r = this.ranges;
    let i = this.firstRangeEndingAfter(start);
    while (pos < end) {
      const x = r[i];
      if (!x || x.start >= end) {
        out.push([pos, end]);
        break;
      }
      if (x.start > pos) out.push([pos, x.start]);
      pos = Math.max(pos, x.end);
      i++;
    }
    return out;
  }

  private firstRangeEndingAfter(offset: number): number {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertRange(start: number, end: number, at: Instant, frame: number): void {
    const r = this.ranges;
    const i = this.firstRangeEndingAfter(start);
    const flight = i > 0 ? r[i - 1]!.flight : 0;
    r.splice(i, 0, { start, end, firstSentAt: at, firstFrame: frame, retransmissions: 0, lastSentAt: at, flight });
  }

  private markRetransmitted(start: number, end: number, at: Instant): void {
    this.retransmittedSegments++;
    for (let i = this.firstRangeEndingAfter(start); i < this.ranges.length; i++) {
      const range = this.ranges[i]!;
      if (range.start >= end) break;
      if (range.lastSentAt === at) continue; // a range this very segment just created
      range.retransmissions++;
      range.lastSentAt = at;
    }
  }

  private accept(offset: number, payload: Buffer, wireLength: number, at: Instant): void {
    const end = offset + wireLength;
    if (end <= this.next) {
      this.compareWithFirstCopy(payload, offset, at); // all of it delivered already
      return;
    }
    if (offset > this.next) {
      if (this.ackedTo >= offset) {
        // The peer acknowledged the hole before these bytes arrived: the capture missed it.
        this.skipTo(offset, 'not-captured', true);
      } else {
        this.buffer(offset, payload, wireLength, at);
        return;
      }
    }
    this.deliver(offset, payload, wireLength, at);
    this.drain();
  }

  private deliver(offset: number, payload: Buffer, wireLength: number, at: Instant): void {
    const skip = this.next - offset; // bytes at the front already delivered
    const captured = payload.length;
    if (skip > 0) this.compareWithFirstCopy(payload.subarray(0, Math.min(skip, captured)), offset, at);
    if (skip < captured) {
      const fresh = skip > 0 ? payload.subarray(skip) : payload; // one view at most: views cost an allocation each
      this.recent.remember(fresh, this.next);
      this.sink.data(fresh, this.next, at);
    }
    const deliveredTo = offset + Math.max(captured, skip);
    this.next = Math.max(this.next, deliveredTo);
    const end = offset + wireLength;
    if (end > this.next) this.skipTo(end, 'snaplen', this.ackedTo >= end);
  }

  private buffer(offset: number, payload: Buffer, wireLength: number, at: Instant): void {
    if (this.pendingBytes + payload.length + PENDING_ENTRY_COST > this.limits.maxBufferedBytes) {
      // Give up on the hole rather than grow without bound; the report says so.
      this.bufferLimitHits++;
      const first = this.pending.length ? Math.min(this.pending[0]!.offset, offset) : offset;
      this.skipTo(first, 'buffer-limit', this.ackedTo >= first);
      this.drain();
      if (offset >= this.next) {
        if (offset > this.next) this.skipTo(offset, 'buffer-limit', this.ackedTo >= offset);
        this.deliver(offset, payload, wireLength, at);
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
    this.pending.splice(lo, 0, { offset, bytes: Buffer.from(payload), wireLength, at });
    this.pendingBytes += payload.length + PENDING_ENTRY_COST;
  }

  private drain(): void {
    while (this.pending.length && this.pending[0]!.offset <= this.next) {
      const p = this.pending.shift()!;
      this.pendingBytes -= p.bytes.length + PENDING_ENTRY_COST;
      if (p.offset + p.wireLength > this.next) this.deliver(p.offset, p.bytes, p.wireLength, p.at);
    }
  }

  /** A retransmission of bytes already delivered: the first copy stands; a different second copy is counted. */
  private compareWithFirstCopy(bytes: Buffer, offset: number, at: Instant): void {
    const differs = this.recent.firstDifference(bytes, offset);
    if (differs === null) return;
    this.inconsistentRetransmissions++;
    this.firstInconsistency ??= { offset: differs, at };
  }

  private skipTo(offset: number, reason: GapReason, acked: boolean): void {
    if (offset <= this.next) return;
    this.gaps.push({ start: this.next, end: offset, reason, acked });
    this.sink.gap(this.next, offset - this.next, reason);
    this.next = offset;
  }
}
