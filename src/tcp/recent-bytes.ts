/** The last bytes delivered of one direction, kept in a small ring so that a retransmission can be compared with the
 * first copy: a retransmission that carries *different* bytes is an evasion trick or a broken middlebox, and the first
 * copy is the one kept (as Wireshark and Zeek do). Allocated on first use, so connections without data cost nothing,
 * and small at first: it doubles only as the bytes to remember grow, so a direction that sends a few hundred bytes in
 * all (an SMTP server's replies) never holds a full-capacity ring. */
/** Where a direction's window of first copies starts once bytes [offset, end) are added to the window
 * [floor, lastEnd): the last `capacity` bytes delivered, and a jump forward (a gap) starts it afresh. */
export function windowFloor(floor: number, lastEnd: number, offset: number, end: number, capacity: number): number {
  return Math.max(offset !== lastEnd ? offset : floor, end - capacity);
}

export class RecentBytes {
  private ring: Buffer | null = null;
  /** Bytes at stream offsets in [floor, end) are known (at most `capacity` of them), at ring[offset % ring.length]. */
  private floor = 0;
  private end = 0;

  constructor(private readonly capacity: number) {}

  /** Bytes bytes[start..end) delivered at stream offset `offset` (offsets only grow; a jump forward is a gap whose
   * bytes are unknown). */
  remember(bytes: Buffer, start: number, stop: number, offset: number): void {
    const length = stop - start;
    if (this.capacity <= 0 || length === 0) return;
    const end = offset + length;
    const floor = windowFloor(this.floor, this.end, offset, end, this.capacity);
    let ring = this.ring;
    if (ring === null || ring.length < end - floor) ring = this.grow(end - floor, floor);
    this.floor = floor;
    this.end = end;
    const size = ring.length;
    for (let i = Math.max(0, length - size); i < length; ) {
      const at = (offset + i) % size;
      const n = Math.min(length - i, size - at);
      // A plain Uint8Array view of the part: cheaper than Buffer#copy, which makes its own view after argument checks.
      ring.set(new Uint8Array(bytes.buffer, bytes.byteOffset + start + i, n), at);
      i += n;
    }
  }

  /** Size of the ring held (0 before the first bytes and after release). */
  get heldBytes(): number {
    return this.ring === null ? 0 : this.ring.length;
  }

  /** No more comparisons are needed (the stream is finished, or all it sent is acknowledged): the ring goes back to the
   * pool for the next connection (no allocation, no zeroing). Bytes remembered later start a new ring. */
  release(): void {
    if (this.ring) giveRing(this.ring);
    this.ring = null;
    this.floor = this.end = 0;
  }

  /** The first stream offset in bytes[start..end) (sent again at `offset`) that differs from what was delivered, or null when
   * every byte still remembered is the same. */
  firstDifference(bytes: Buffer, start: number, end: number, offset: number): number | null {
    const ring = this.ring;
    if (!ring) return null;
    const size = ring.length;
    const from = Math.max(offset, this.floor);
    const stop = Math.min(offset + end - start, this.end);
    const shift = start - offset; // bytes[o + shift] is stream offset o
    for (let o = from; o < stop; o++) if (ring[o % size] !== bytes[o + shift]) return o;
    return null;
  }

  /** Replaces the ring by one of at least `need` bytes (never above capacity), carrying over the bytes still
   * remembered from stream offset `keepFrom` on. */
  private grow(need: number, keepFrom: number): Buffer {
    let size = Math.min(this.capacity, MIN_RING_BYTES);
    while (size < need) size = Math.min(this.capacity, size * 2);
    const ring = takeRing(size);
    const old = this.ring;
    if (old) {
      const oldSize = old.length;
      for (let o = Math.max(keepFrom, this.floor); o < this.end; ) {
        const from = o % oldSize;
        const to = o % size;
        const n = Math.min(this.end - o, oldSize - from, size - to);
        ring.set(new Uint8Array(old.buffer, old.byteOffset + from, n), to);
        o += n;
      }
      giveRing(old);
    }
    this.ring = ring;
    return ring;
  }
}

/** A new direction's ring: 1 KB, doubled on demand up to the capacity (4 KB by default). */
const MIN_RING_BYTES = 1024;

// Rings of finished streams, reused by size: allocating (and zeroing) a ring per direction per connection cost more
// than the copying itself. Only [floor, end) of a ring is ever read, so old contents do not matter. At most
// POOL_MAX_BYTES of rings are kept idle.
const POOL_MAX_BYTES = 4 << 20;
const pools = new Map<number, Buffer[]>();
let pooledBytes = 0;

function takeRing(size: number): Buffer {
  const r = pools.get(size)?.pop();
  if (r) {
    pooledBytes -= size;
    return r;
  }
  return Buffer.allocUnsafeSlow(size);
}

function giveRing(ring: Buffer): void {
  if (pooledBytes + ring.length > POOL_MAX_BYTES) return;
  let list = pools.get(ring.length);
  if (!list) pools.set(ring.length, (list = []));
  list.push(ring);
  pooledBytes += ring.length;
}
