/** The last bytes delivered of one direction, kept in a small ring so that a retransmission can be compared with the
 * first copy: a retransmission that carries *different* bytes is an evasion trick or a broken middlebox, and the first
 * copy is the one kept (as Wireshark and Zeek do). Allocated on first use, so connections without data cost nothing. */
export class RecentBytes {
  private ring: Buffer | null = null;
  /** Bytes at stream offsets in [floor, end) are known (at most `capacity` of them). */
  private floor = 0;
  private end = 0;

  constructor(private readonly capacity: number) {}

  /** Bytes delivered at `offset` (offsets only grow; a jump forward is a gap whose bytes are unknown). */
  remember(bytes: Buffer, offset: number): void {
    if (this.capacity <= 0 || bytes.length === 0) return;
    if (offset !== this.end) this.floor = offset;
    this.end = offset + bytes.length;
    this.floor = Math.max(this.floor, this.end - this.capacity);
    const ring = (this.ring ??= takeRing(this.capacity));
    const from = Math.max(0, bytes.length - this.capacity);
    for (let i = from; i < bytes.length; ) {
      const at = (offset + i) % this.capacity;
      const n = Math.min(bytes.length - i, this.capacity - at);
      // The whole segment needs no view; a part (the segment wraps around the ring) gets a plain Uint8Array view, which
      // is cheaper than Buffer#copy's argument checks and its own view.
      if (i === 0 && n === bytes.length) ring.set(bytes, at);
      else ring.set(new Uint8Array(bytes.buffer, bytes.byteOffset + i, n), at);
      i += n;
    }
  }

  /** The stream is finished: its ring goes back to the pool for the next connection (no allocation, no zeroing). */
  release(): void {
    if (this.ring && this.ring.length === POOL_RING_BYTES && pool.length < POOL_MAX) pool.push(this.ring);
    this.ring = null;
    this.floor = this.end = 0;
  }

  /** The first stream offset in `bytes` (sent again at `offset`) that differs from what was delivered, or null when
   * every byte still remembered is the same. */
  firstDifference(bytes: Buffer, offset: number): number | null {
    const ring = this.ring;
    if (!ring) return null;
    const start = Math.max(offset, this.floor);
    const stop = Math.min(offset + bytes.length, this.end);
    for (let o = start; o < stop; o++) if (ring[o % this.capacity] !== bytes[o - offset]) return o;
    return null;
  }
}

// Rings of finished streams, reused: allocating (and zeroing) 4 KB per direction per connection cost more than the
// copying itself. Only [floor, end) of a ring is ever read, so old contents do not matter.
const POOL_RING_BYTES = 4096;
const POOL_MAX = 1024;
const pool: Buffer[] = [];

function takeRing(capacity: number): Buffer {
  if (capacity === POOL_RING_BYTES) {
    const r = pool.pop();
    if (r) return r;
  }
  return Buffer.allocUnsafeSlow(capacity);
}
