/** Backing buffers for the per-connection columns (packet facts, sent ranges, ACK advances), reused across
 * connections. A new ArrayBuffer costs an allocation outside the JS heap plus the garbage collector's bookkeeping of
 * external memory, which, once per growth step per connection, cost more than the columns saved; a finished
 * connection's buffers go back here instead. Bounded: at most MAX_HELD_BYTES are kept idle. */
const free = new Map<number, ArrayBuffer[]>();
let held = 0;
const MAX_HELD_BYTES = 8 << 20;

/** A buffer of exactly `bytes` bytes; its contents are undefined (callers write before they read). */
export function takeBuffer(bytes: number): ArrayBuffer {
  const list = free.get(bytes);
  const b = list?.pop();
  if (b) {
    held -= bytes;
    return b;
  }
  return new ArrayBuffer(bytes);
}

/** Hands a buffer back; the caller keeps no view of it. */
export function giveBuffer(b: ArrayBuffer): void {
  const bytes = b.byteLength;
  if (bytes === 0 || held + bytes > MAX_HELD_BYTES) return;
  let list = free.get(bytes);
  if (!list) free.set(bytes, (list = []));
  list.push(b);
  held += bytes;
}
