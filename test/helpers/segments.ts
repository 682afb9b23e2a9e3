/** A segment's bytes for delivery at stream `offset`: each byte depends on its offset, so that misplaced bytes are
 * caught; and the same bytes inside a larger buffer after `pad` filler bytes (as a frame hands them over). */
export function segmentAt(offset: number, length: number, fill: number, pad: number): { bytes: Buffer; frame: Buffer } {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (offset + i) * 31 + fill;
  const frame = Buffer.alloc(pad + length + 3, 0xee);
  bytes.copy(frame, pad);
  return { bytes, frame };
}
