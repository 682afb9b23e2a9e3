import type { BytesOrigin } from './bytes-origin.js';
import { copyFloats, giveBlock, NO_FLOATS, taken, takeBlock } from './column-pool.js';
import { RecentBytes, windowFloor } from './recent-bytes.js';

/** Segments one direction may reference before it copies instead: a window cut into more pieces than this is made of
 * small segments, which are cheap to copy. */
const MAX_SEGMENTS = 32;
/** Segments the first block holds: most directions never reference more (a held connection's block is memory), and
 * the block doubles up to MAX_SEGMENTS when one does. */
const FIRST_SEGMENTS = 4;
/** Numbers per segment: stream offset, file position, length, input. */
const S = 4;
/** Where bytes read back are compared (one for the run: reads and comparisons are synchronous). */
const scratch = Buffer.allocUnsafeSlow(4096);

/** The first copy of the last `capacity` bytes one direction delivered, to compare retransmissions with: answers
 * exactly as RecentBytes does (same window: the last `capacity` bytes, a jump forward starting it afresh), but while
 * every delivered byte lies in a capture file read in place, it only notes where (stream offset, file position,
 * length) and reads the bytes back when a retransmission needs comparing — copying every payload byte into a ring was
 * the costliest step of an analysis. Bytes without a file position (a stream input, a reassembled IP datagram) turn
 * the direction to a RecentBytes ring, filled first with the window's bytes read back, until `release`. */
export class FirstCopies {
  /** Made when the direction starts copying (most never do). */
  private ring: RecentBytes | null = null;
  /** Segments head..head+count of `seg` (stride S), in stream order, covering [floor, end) without a hole. */
  private seg: Float64Array = NO_FLOATS;
  /** Where the segment block starts in `seg` (the block's slab: see column-pool.ts), and the segments it holds (0: no
   * block). */
  private segStart = 0;
  private segCap = 0;
  private head = 0;
  private count = 0;
  private floor = 0;
  private end = 0;

  constructor(
    private capacity: number,
    private origin: BytesOrigin | null,
  ) {}

  /** Made anew for another direction (after `release`): see HalfStream.obtain. */
  reuse(capacity: number, origin: BytesOrigin | null): void {
    this.release();
    this.capacity = capacity;
    this.origin = origin;
  }

  /** Bytes bytes[start..stop) delivered at stream offset `offset`, found at file `position` of input `input` (-1: not
   * in a file). Offsets only grow; a jump forward is a gap whose bytes are unknown. */
  remember(bytes: Buffer, start: number, stop: number, offset: number, input: number, position: number): void {
    const length = stop - start;
    if (this.capacity <= 0 || length === 0) return;
    const end = offset + length;
    const floor = windowFloor(this.floor, this.end, offset, end, this.capacity); // the same window as RecentBytes
    const ring = this.ring ?? (position < 0 || this.origin === null || !this.makeRoom(floor) ? this.startCopying() : null);
    if (ring) {
      ring.remember(bytes, start, stop, offset);
      return;
    }
    this.floor = floor;
    this.end = end;
    const b = this.segStart + (this.head + this.count) * S;
    const s = this.seg;
    s[b] = offset;
    s[b + 1] = position;
    s[b + 2] = length;
    s[b + 3] = input;
    this.count++;
  }

  /** The first stream offset in bytes[start..end) (sent again at `offset`) that differs from what was delivered, or
   * null when every byte still remembered is the same. */
  firstDifference(bytes: Buffer, start: number, end: number, offset: number): number | null {
    if (this.ring) return this.ring.firstDifference(bytes, start, end, offset);
    const shift = start - offset; // bytes[o + shift] is stream offset o
    let differs: number | null = null;
    this.readBack(Math.max(offset, this.floor), Math.min(offset + end - start, this.end), (o, got) => {
      for (let k = 0; k < got; k++) {
        if (scratch[k] !== bytes[o + k + shift]) {
          differs = o + k;
          return false;
        }
      }
      return true;
    });
    return differs;
  }

  /** Reads the first copies of stream offsets [from, to) back from the file into `scratch`, a piece at a time, handing
   * each piece (its stream offset and length) to `piece` until it returns false. Bytes the file no longer gives are
   * skipped: not compared, not copied. */
  private readBack(from: number, to: number, piece: (offset: number, length: number) => boolean): void {
    const s = this.seg;
    for (let i = this.head; i < this.head + this.count && from < to; i++) {
      const b = this.segStart + i * S;
      const segStart = s[b]!;
      if (segStart >= to) break;
      const segEnd = Math.min(to, segStart + s[b + 2]!);
      for (let o = Math.max(from, segStart); o < segEnd; ) {
        const want = Math.min(segEnd - o, scratch.length);
        const got = this.origin!.read(s[b + 3]!, s[b + 1]! + (o - segStart), scratch, 0, want);
        if (!piece(o, got)) return;
        if (got < want) break;
        o += want;
      }
    }
  }

  /** Bytes of first copies held (copied into the ring, or referenced in the file); 0 before any and after release. */
  get heldBytes(): number {
    return this.ring ? this.ring.heldBytes : this.end - this.floor;
  }

  /** No more comparisons are needed: everything is forgotten, and later bytes start afresh (referenced again). */
  release(): void {
    this.ring?.release();
    this.ring = null;
    this.dropSegments();
    this.head = this.count = 0;
    this.floor = this.end = 0;
  }

  /** Drops the segments that fall below the window's new `floor`, and makes room for one more; false when there is
   * none (the window holds MAX_SEGMENTS segments): the state is then unchanged. */
  private makeRoom(floor: number): boolean {
    if (this.segCap === 0) {
      takeBlock(FIRST_SEGMENTS * S * 8);
      this.seg = taken.floats;
      this.segStart = taken.start;
      this.segCap = FIRST_SEGMENTS;
    }
    const s = this.seg;
    const at = this.segStart;
    let h = this.head;
    let n = this.count;
    while (n > 0 && s[at + h * S]! + s[at + h * S + 2]! <= floor) {
      h++;
      n--;
    }
    if (n === MAX_SEGMENTS) return false;
    const room = this.segCap;
    if (h + n === room) {
      if (n * 2 > room && room < MAX_SEGMENTS) {
        // More than half the block is live: a bigger one, the live segments moved to its start.
        const cap = Math.min(MAX_SEGMENTS, room * 2);
        takeBlock(cap * S * 8);
        copyFloats(s, at + h * S, taken.floats, taken.start, n * S);
        giveBlock(s, at, room * S * 8);
        this.seg = taken.floats;
        this.segStart = taken.start;
        this.segCap = cap;
      } else s.copyWithin(at, at + h * S, at + (h + n) * S);
      h = 0;
    }
    this.head = n === 0 ? 0 : h;
    this.count = n;
    return true;
  }

  /** Gives the segment block back (if there is one). */
  private dropSegments(): void {
    if (this.segCap) giveBlock(this.seg, this.segStart, this.segCap * S * 8);
    this.seg = NO_FLOATS;
    this.segStart = 0;
    this.segCap = 0;
  }

  /** From now on the bytes are copied into the ring: it starts with the window's bytes, read back from the file (bytes
   * the file no longer gives are left out: the ring then starts after them, as after a gap). */
  private startCopying(): RecentBytes {
    const ring = new RecentBytes(this.capacity);
    this.readBack(this.floor, this.end, (o, got) => {
      ring.remember(scratch, 0, got, o);
      return true;
    });
    this.dropSegments();
    this.head = this.count = 0;
    this.floor = this.end = 0;
    this.ring = ring;
    return ring;
  }
}
