/** Memory for the per-connection columns (packet facts, sent ranges, flights, ACK advances), reused across connections.
 * A block is handed out as a Float64Array spanning it; a column that holds other numbers puts its own view on the
 * block's buffer at the block's byteOffset.
 *
 * Small blocks are cut from shared slabs: a new ArrayBuffer per column per growth step (a backing store outside the JS
 * heap, its zeroing and the collector's bookkeeping of it) cost more than the columns saved, and most columns never
 * outgrow a few hundred bytes. A slab's memory can only be freed with every block cut from it, so small blocks given
 * back are always kept for reuse (their number is bounded by the most that were ever in use at once). Large blocks
 * have their own buffer; at most MAX_HELD_BYTES of them are kept idle. */
let held = 0;
const MAX_HELD_BYTES = 8 << 20;
/** Blocks up to this size come from slabs. */
const SLAB_BLOCK_MAX = 16 << 10;
const SLAB_BYTES = 256 << 10;
let slab = new ArrayBuffer(0);
let slabUsed = 0;

/** Blocks given back, by size class: slab sizes (whole Float64s up to SLAB_BLOCK_MAX) index the lists directly, larger
 * sizes get a class number past those the first time they are seen. An array lookup per take and give, where a Map
 * keyed by size was a hash lookup each time. Each block keeps its Int32Array view beside it (`freeInts`, null until
 * first asked for): the view is made once per block, where looking it up in a WeakMap cost a hash lookup per growth. */
const SMALL_CLASSES = (SLAB_BLOCK_MAX >> 3) + 1;
const largeClasses = new Map<number, number>();
const freeBlocks: Float64Array[][] = [];
const freeInts: (Int32Array | null)[][] = [];

function sizeClass(size: number): number {
  if (size <= SLAB_BLOCK_MAX) return size >> 3;
  let c = largeClasses.get(size);
  if (c === undefined) largeClasses.set(size, (c = SMALL_CLASSES + largeClasses.size));
  return c;
}

/** The Int32Array view of the block takeBlock returned last, if the block had one (intsOf hands it out). */
let takenBlock: Float64Array | null = null;
let takenInts: Int32Array | null = null;

/** A block of at least `bytes` bytes (rounded up to whole Float64s); its contents are undefined (callers write before
 * they read). */
export function takeBlock(bytes: number): Float64Array {
  const size = (bytes + 7) & ~7;
  const c = sizeClass(size);
  const list = freeBlocks[c];
  if (list !== undefined && list.length > 0) {
    if (size > SLAB_BLOCK_MAX) held -= size;
    const b = list.pop()!;
    takenBlock = b;
    takenInts = freeInts[c]!.pop()!;
    return b;
  }
  takenBlock = null;
  takenInts = null;
  if (size > SLAB_BLOCK_MAX) return new Float64Array(size >> 3);
  if (slabUsed + size > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES); // the rest of the old slab stays unused: at most SLAB_BLOCK_MAX of it
    slabUsed = 0;
  }
  const block = new Float64Array(slab, slabUsed, size >> 3);
  slabUsed += size;
  return block;
}

/** An Int32Array over all of `block`'s bytes (index 2k is the low half of float slot k). Call it right after
 * takeBlock, and give the view back with the block (giveBlock's `ints`): a block that comes back then brings it along,
 * so a column that grows into a block used before makes no new view. */
export function intsOf(block: Float64Array): Int32Array {
  if (block === takenBlock && takenInts !== null) return takenInts;
  return new Int32Array(block.buffer, block.byteOffset, block.length * 2);
}

/** Hands a block back (exactly as takeBlock returned it), with the int view intsOf gave for it, if any; the caller
 * keeps no view of it. */
export function giveBlock(b: Float64Array, ints: Int32Array | null = null): void {
  const size = b.byteLength;
  if (size === 0) return;
  if (size > SLAB_BLOCK_MAX) {
    if (held + size > MAX_HELD_BYTES) return;
    held += size;
  }
  if (b === takenBlock) takenBlock = takenInts = null;
  const c = sizeClass(size);
  let list = freeBlocks[c];
  if (list === undefined) {
    // Fill the holes below with lists of their own: the arrays stay packed, each list the same kind of object.
    for (let k = freeBlocks.length; k <= c; k++) {
      freeBlocks.push([]);
      freeInts.push([]);
    }
    list = freeBlocks[c]!;
  }
  list.push(b);
  freeInts[c]!.push(ints);
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

/** Lets go of every idle block and of the slab being cut, once an analysis is over. The idle blocks number as many as
 * were ever in use at once: after 20 000 connections held at once, ~66 MB (the blocks' memory and ~280 000 views of
 * it) that the report drawn next would otherwise carry through every full collection. Blocks still in use are not
 * touched: they come back to fresh lists, and a slab is freed once no block cut from it is held. */
export function releaseIdleBlocks(): void {
  for (const list of freeBlocks) list.length = 0;
  for (const list of freeInts) list.length = 0;
  held = 0;
  takenBlock = takenInts = null;
  slab = new ArrayBuffer(0);
  slabUsed = 0;
}
