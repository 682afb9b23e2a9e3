/** Memory for the per-connection columns (packet facts, sent ranges, flights, ACK advances), reused across connections.
 * A block is handed out as a Float64Array spanning it; a column that holds other numbers puts its own view on the
 * block's buffer at the block's byteOffset.
 *
 * Small blocks are cut from shared slabs: a new ArrayBuffer per column per growth step (a backing store outside the JS
 * heap, its zeroing and the collector's bookkeeping of it) cost more than the columns saved, and most columns never
 * outgrow a few hundred bytes. A slab's memory can only be freed with every block cut from it, so small blocks given
 * back are always kept for reuse (their number is bounded by the most that were ever in use at once). Large blocks
 * have their own buffer; at most MAX_HELD_BYTES of them are kept idle. */
const free = new Map<number, Float64Array[]>();
let held = 0;
const MAX_HELD_BYTES = 8 << 20;
/** Blocks up to this size come from slabs. */
const SLAB_BLOCK_MAX = 16 << 10;
const SLAB_BYTES = 256 << 10;
let slab = new ArrayBuffer(0);
let slabUsed = 0;

/** A block of at least `bytes` bytes (rounded up to whole Float64s); its contents are undefined (callers write before
 * they read). */
export function takeBlock(bytes: number): Float64Array {
  const size = (bytes + 7) & ~7;
  const b = free.get(size)?.pop();
  if (b) {
    if (size > SLAB_BLOCK_MAX) held -= size;
    return b;
  }
  if (size > SLAB_BLOCK_MAX) return new Float64Array(size >> 3);
  if (slabUsed + size > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES); // the rest of the old slab stays unused: at most SLAB_BLOCK_MAX of it
    slabUsed = 0;
  }
  const block = new Float64Array(slab, slabUsed, size >> 3);
  slabUsed += size;
  return block;
}

// Each block's Int32Array over the same bytes, made once: a column that grows takes a block that was used before, and
// a new view at every growth step was an object for the collector and a slow constructor call each time.
const intViews = new WeakMap<Float64Array, Int32Array>();

/** An Int32Array over all of `block`'s bytes (index 2k is the low half of float slot k), the same object every time. */
export function intsOf(block: Float64Array): Int32Array {
  let v = intViews.get(block);
  if (v === undefined) {
    v = new Int32Array(block.buffer, block.byteOffset, block.length * 2);
    intViews.set(block, v);
  }
  return v;
}

/** Hands a block back (exactly as takeBlock returned it); the caller keeps no view of it but intsOf's. */
export function giveBlock(b: Float64Array): void {
  const size = b.byteLength;
  if (size === 0) return;
  if (size > SLAB_BLOCK_MAX) {
    if (held + size > MAX_HELD_BYTES) return;
    held += size;
  }
  let list = free.get(size);
  if (!list) free.set(size, (list = []));
  list.push(b);
}

/** A one-column block grown to `max(minRows, 2 × rows)` rows of `stride` numbers, holding the `rows` rows of `old`
 * (given back). Growth runs only when every slot of `old` is used, so all of it is copied (a view would cost an
 * object). */
export function growBlock(old: Float64Array, rows: number, stride: number, minRows: number): Float64Array {
  const grown = takeBlock(Math.max(minRows, rows * 2) * stride * 8);
  grown.set(old);
  if (rows) giveBlock(old);
  return grown;
}
