// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): a - b as a signed 32-bit distance, so comparisons survive
// wrap-around as long as the two numbers are within 2^31 of each other.
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
