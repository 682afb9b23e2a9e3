/** Index of the first `byte` in bytes[from, end), or -1.
 *
 * The TCP layer hands payload as a range of the frame's buffer, which is usually the reader's whole read buffer:
 * Buffer#indexOf searches natively (memchr) but takes no end, and past `end` lie other frames — possibly megabytes
 * without the byte sought. A sentinel written at `end` bounds the search and is put back before returning. (A view
 * per call to bound it costs more than a search through a segment: avoiding that view is why ranges are handed.) */
export function indexOfByteWithin(bytes: Buffer, byte: number, from: number, end: number): number {
  if (from >= end) return -1;
  if (end >= bytes.length) return bytes.indexOf(byte, from);
  const saved = bytes[end]!;
  bytes[end] = byte;
  const at = bytes.indexOf(byte, from);
  bytes[end] = saved;
  return at === end ? -1 : at;
}
