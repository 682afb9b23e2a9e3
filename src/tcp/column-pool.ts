/** Memory for the per-connection columns (packet facts, sent ranges, flights, ACK advances), reused across connections.
 *
 * Small blocks are cut from shared slabs: a new ArrayBuffer per column per growth step (a backing store outside the JS
 * heap, its zeroing and the collector's bookkeeping of it) cost more than the columns saved, and most columns never
 * outgrow a few hundred bytes. A block is not an object of its own: it is a run of a slab, reached through the slab's
 * one Float64Array and one Int32Array and the index where it starts. A view per block was 96 bytes, and a connection
 * held open holds a dozen blocks (13 views, 1.2 KB, against 1.9 KB of columns). A slab's memory can only be freed with
 * every block cut from it, so small blocks given back are kept for reuse (their number is bounded by the most that
 * were ever in use at once) until the analysis ends (releaseIdleBlocks). Large blocks have their own buffer and views;
 * at most MAX_HELD_BYTES of them are kept idle. */
let held = 0;
const MAX_HELD_BYTES = 8 << 20;
/** Blocks up to this size come from slabs. */
const SLAB_BLOCK_MAX = 16 << 10;
const SLAB_BYTES = 256 << 10;
const NO_FLOATS = new Float64Array(0);
const NO_INTS = new Int32Array(0);
let slabFloats: Float64Array = NO_FLOATS;
let slabInts: Int32Array = NO_INTS;
/** Bytes of the slab cut so far. */
let slabUsed = 0;

/** Blocks given back, by size class: slab sizes (whole Float64s up to SLAB_BLOCK_MAX) index the lists directly, larger
 * sizes get a class number past those the first time they are seen. Each block is its slab's view and its start: two
 * parallel lists per class (no object per idle block). */
const SMALL_CLASSES = (SLAB_BLOCK_MAX >> 3) + 1;
const largeClasses = new Map<number, number>();
const freeFloats: Float64Array[][] = [];
const freeStarts: number[][] = [];
/** Each slab's (or large block's) int view, by its number view: looked up only when a block is taken from a list. */
const intsOfFloats = new WeakMap<Float64Array, Int32Array>();

function sizeClass(size: number): number {
  if (size <= SLAB_BLOCK_MAX) return size >> 3;
  let c = largeClasses.get(size);
  if (c === undefined) largeClasses.set(size, (c = SMALL_CLASSES + largeClasses.size));
  return c;
}

/** The block takeBlock made or found last: read its fields right after the call. `start` indexes `floats` (the block's
 * first number); the block's bytes as int32s start at `2 × start` in `ints`. */
export const taken: { floats: Float64Array; ints: Int32Array; start: number } = { floats: NO_FLOATS, ints: NO_INTS, start: 0 };

/** A block of at least `bytes` bytes (rounded up to whole Float64s), described in `taken`; its contents are undefined
 * (callers write before they read). */
export function takeBlock(bytes: number): void {
  const size = (bytes + 7) & ~7;
  const c = sizeClass(size);
  const floats = freeFloats[c];
  if (floats !== undefined && floats.length > 0) {
    if (size > SLAB_BLOCK_MAX) held -= size;
    taken.floats = floats.pop()!;
    taken.ints = intsOfFloats.get(taken.floats)!;
    taken.start = freeStarts[c]!.pop()!;
    return;
  }
  if (size > SLAB_BLOCK_MAX) {
    const own = new ArrayBuffer(size);
    taken.floats = new Float64Array(own);
    taken.ints = new Int32Array(own);
    intsOfFloats.set(taken.floats, taken.ints);
    taken.start = 0;
    return;
  }
  if (slabUsed + size > slabFloats.byteLength) {
    // The rest of the old slab stays unused: at most SLAB_BLOCK_MAX of it.
    const slab = new ArrayBuffer(SLAB_BYTES);
    slabFloats = new Float64Array(slab);
    slabInts = new Int32Array(slab);
    intsOfFloats.set(slabFloats, slabInts);
    slabUsed = 0;
  }
  taken.floats = slabFloats;
  taken.ints = slabInts;
  taken.start = slabUsed >> 3;
  slabUsed += size;
}

/** Hands back a block of `bytes` bytes (as asked of takeBlock) that starts at `start` of `floats`; the caller reads it
 * no more. */
export function giveBlock(floats: Float64Array, start: number, bytes: number): void {
  const size = (bytes + 7) & ~7;
  if (size === 0) return;
  if (size > SLAB_BLOCK_MAX) {
    if (held + size > MAX_HELD_BYTES) return;
    held += size;
  }
  const c = sizeClass(size);
  if (freeFloats[c] === undefined) {
    // Fill the holes below with lists of their own: the arrays stay packed, each list the same kind of object.
    for (let k = freeFloats.length; k <= c; k++) {
      freeFloats.push([]);
      freeStarts.push([]);
    }
  }
  freeFloats[c]!.push(floats);
  freeStarts[c]!.push(start);
}

/** Grows a one-column block of `rows` rows of `stride` numbers (all used) to `max(minRows, 2 × rows)` rows: the block
 * taken, in `taken`, holds the old rows (given back). */
export function growBlock(floats: Float64Array, start: number, rows: number, stride: number, minRows: number): void {
  takeBlock(Math.max(minRows, rows * 2) * stride * 8);
  if (!rows) return;
  copyFloats(floats, start, taken.floats, taken.start, rows * stride);
  giveBlock(floats, start, rows * stride * 8);
}

/** Grows a block of two columns to `rows` rows: `floatsPerRow` numbers a row from `start` of `floats`, then
 * `intsPerRow` int32s a row from `intStart` of the slab's int view (the packet log; the ACK columns). The `oldRows` rows
 * (all used; 0: no block yet) are copied and the old block given back. The block taken is in `taken`; returns where
 * its int column starts (right after its numbers). */
export function growPairedBlock(
  floats: Float64Array,
  ints: Int32Array,
  start: number,
  intStart: number,
  oldRows: number,
  rows: number,
  floatsPerRow: number,
  intsPerRow: number,
): number {
  const rowBytes = floatsPerRow * 8 + intsPerRow * 4;
  takeBlock(rows * rowBytes);
  const newIntStart = 2 * taken.start + rows * floatsPerRow * 2;
  if (oldRows) {
    copyFloats(floats, start, taken.floats, taken.start, oldRows * floatsPerRow);
    copyInts(ints, intStart, taken.ints, newIntStart, oldRows * intsPerRow);
    giveBlock(floats, start, oldRows * rowBytes);
  }
  return newIntStart;
}

/** Below this many elements a block is copied element by element: `subarray` makes a view object per copy (a few
 * hundred thousand growth steps per GB of capture), which cost more than the copy itself. */
const LOOP_COPY_MAX = 256;

/** Copies `n` numbers from `from` of `src` to `to` of `dst` (two functions, not one generic: each stays monomorphic). */
export function copyFloats(src: Float64Array, from: number, dst: Float64Array, to: number, n: number): void {
  if (n > LOOP_COPY_MAX) {
    dst.set(src.subarray(from, from + n), to);
    return;
  }
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
}

/** copyFloats for int32s. */
function copyInts(src: Int32Array, from: number, dst: Int32Array, to: number, n: number): void {
  if (n > LOOP_COPY_MAX) {
    dst.set(src.subarray(from, from + n), to);
    return;
  }
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
}

/** Lets go of every idle block and of the slab being cut, once an analysis is over. The idle blocks number as many as
 * were ever in use at once: after 20 000 connections held at once, ~40 MB that the report drawn next would otherwise
 * carry (and, while blocks were views of their own, ~280 000 views through every full collection). Blocks still in use
 * are not touched: they come back to fresh lists, and a slab is freed once no block cut from it is held. */
export function releaseIdleBlocks(): void {
  for (const list of freeFloats) list.length = 0;
  for (const list of freeStarts) list.length = 0;
  held = 0;
  slabFloats = NO_FLOATS;
  slabInts = NO_INTS;
  slabUsed = 0;
}

export { NO_FLOATS, NO_INTS };
