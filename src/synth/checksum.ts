// Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sums (RFC 9293 §3.1, RFC 8200 §8.1).
// Sums are accumulated 32 bits at a time into a double (exact below 2^53) and folded once at the end,
// so a 64 KB segment costs ~16k additions rather than 64k.

/** Unfolded ones'-complement partial sum of buf[start,end), added to `initial`. */
export function onesSum(buf: Uint8Array, start = 0, end = buf.length, initial = 0): number {
  let sum = initial;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = start;
  const end4 = start + ((end - start) & ~3);
  for (; i < end4; i += 4) {
    const w = view.getUint32(i);
    sum += (w >>> 16) + (w & 0xffff);
  }
  if (i + 1 < end) {
    sum += view.getUint16(i);
    i += 2;
  }
  if (i < end) sum += buf[i]! << 8; // odd trailing byte is padded with a zero byte
  return sum;
}

/** Folds a partial sum to 16 bits and complements it: the value to store in a checksum field. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length): number {
  return finishChecksum(onesSum(buf, start, end));
}

/** Pseudo-header partial sum: IPv4 (12 bytes) or IPv6 (40 bytes) depending on address length. */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  let sum = onesSum(src) + onesSum(dst);
  if (src.length === 4) return sum + protocol + length;
  // IPv6: 32-bit upper-layer length and 24 zero bits + next header
  return sum + Math.floor(length / 0x10000) + (length & 0xffff) + protocol;
}
