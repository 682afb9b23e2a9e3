// Unsigned integer reads for the per-record and per-packet hot paths. Buffer#readUInt32LE and friends check their
// bounds and were not inlined there (they showed up as calls of their own in profiles); these are plain byte
// arithmetic. Callers must have checked that the bytes exist: a read past the end gives garbage, not an error.

export function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

export function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
