import { gzipSync } from 'node:zlib';
import type { Random } from './random.js';
import { boundaries, layoutOf, type LengthField, type Span } from './structure.js';

/** One way to damage a capture. Returns the damaged bytes and a short label saying what was done (for reproducing). */
export type Mutation = (rng: Random, input: Buffer, other: () => Buffer) => { bytes: Buffer; label: string };

function write32(b: Buffer, f: LengthField, value: number): void {
  const v = value >>> 0;
  if (f.littleEndian) b.writeUInt32LE(v, f.offset);
  else b.writeUInt32BE(v, f.offset);
  if (f.mirror !== undefined && f.mirror + 4 <= b.length) {
    if (f.littleEndian) b.writeUInt32LE(v, f.mirror);
    else b.writeUInt32BE(v, f.mirror);
  }
}

function read32(b: Buffer, f: LengthField): number {
  return f.littleEndian ? b.readUInt32LE(f.offset) : b.readUInt32BE(f.offset);
}

export const bitFlips: Mutation = (rng, input) => {
  const b = Buffer.from(input);
  const n = rng.between(1, 8);
  for (let i = 0; i < n && b.length; i++) b[rng.below(b.length)]! ^= 1 << rng.below(8);
  return { bytes: b, label: `bit-flips x${n}` };
};

export const insertBytes: Mutation = (rng, input) => {
  const l = layoutOf(input);
  const at = rng.chance(0.5) ? rng.pick(boundaries(l, input.length)) : rng.below(input.length + 1);
  const n = rng.between(1, 16);
  return { bytes: Buffer.concat([input.subarray(0, at), rng.bytes(n), input.subarray(at)]), label: `insert ${n} bytes at ${at}` };
};

export const deleteBytes: Mutation = (rng, input) => {
  const at = rng.below(input.length + 1);
  const n = rng.between(1, 16);
  return { bytes: Buffer.concat([input.subarray(0, at), input.subarray(at + n)]), label: `delete ${n} bytes at ${at}` };
};

export const truncateAtBoundary: Mutation = (rng, input) => {
  const at = Math.max(0, Math.min(input.length, rng.pick(boundaries(layoutOf(input), input.length)) + rng.between(-1, 1)));
  return { bytes: Buffer.from(input.subarray(0, at)), label: `truncate at ${at}` };
};

const LENGTH_VALUES = (old: number): [number, string][] => [
  [0, '0'],
  [0xffffffff, '0xffffffff'],
  [0x7fffffff, '0x7fffffff'],
  [old + 1, 'old+1'],
  [old - 1, 'old-1'],
  [old + 4, 'old+4'],
  [262_145, '262145'],
  [65_536, '65536'],
  [12, '12'],
];

export const corruptLength: Mutation = (rng, input) => {
  const l = layoutOf(input);
  const fields = l.spans.flatMap((s) => s.lengths);
  if (!fields.length) return bitFlips(rng, input, () => input);
  const f = rng.pick(fields);
  const b = Buffer.from(input);
  const [value, name] = rng.pick(LENGTH_VALUES(read32(b, f)));
  write32(b, f, value);
  return { bytes: b, label: `length field at ${f.offset} := ${name}` };
};

export const corruptFileHeader: Mutation = (rng, input) => {
  const b = Buffer.from(input);
  const l = layoutOf(b);
  if (l.kind !== 'pcap') return corruptLength(rng, input, () => input);
  const field = rng.pick([
    { offset: 16, name: 'snaplen' },
    { offset: 20, name: 'linktype' },
    { offset: 4, name: 'version' },
  ]);
  const value = rng.pick([0, 1, 14, 0xffff, 0xffffffff, rng.below(300)]);
  if (l.littleEndian) b.writeUInt32LE(value >>> 0, field.offset);
  else b.writeUInt32BE(value >>> 0, field.offset);
  return { bytes: b, label: `pcap ${field.name} := ${value}` };
};

export const corruptTimestamps: Mutation = (rng, input) => {
  const b = Buffer.from(input);
  const l = layoutOf(b);
  if (l.kind !== 'pcap' || !l.spans.length) return bitFlips(rng, input, () => input);
  const s = rng.pick(l.spans);
  const value = rng.pick([0, 0xffffffff, 999_999, 1_000_000, 1_000_000_000, rng.below(2 ** 32)]);
  const at = s.typeOrTime + (rng.chance(0.5) ? 0 : 4);
  if (l.littleEndian) b.writeUInt32LE(value >>> 0, at);
  else b.writeUInt32BE(value >>> 0, at);
  return { bytes: b, label: `timestamp word at ${at} := ${value}` };
};

function reassemble(input: Buffer, headerEnd: number, spans: Span[], tailFrom: number): Buffer {
  return Buffer.concat([input.subarray(0, headerEnd), ...spans.map((s) => input.subarray(s.start, s.end)), input.subarray(tailFrom)]);
}

export const shuffleRecords: Mutation = (rng, input) => {
  const l = layoutOf(input);
  const spans = l.spans.slice();
  if (spans.length < 2) return bitFlips(rng, input, () => input);
  // pcapng: keep the section header first, or nothing would parse.
  const fixed = l.kind === 'pcapng' ? 1 : 0;
  const movable = spans.slice(fixed);
  for (let i = movable.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [movable[i], movable[j]] = [movable[j]!, movable[i]!];
  }
  const tail = spans[spans.length - 1]!.end;
  return { bytes: reassemble(input, l.headerEnd, [...spans.slice(0, fixed), ...movable], tail), label: 'shuffle records' };
};

export const duplicateRecords: Mutation = (rng, input) => {
  const l = layoutOf(input);
  if (!l.spans.length) return insertBytes(rng, input, () => input);
  const spans = l.spans.slice();
  const i = rng.below(spans.length);
  const times = rng.between(1, 50);
  spans.splice(i, 0, ...Array<Span>(times).fill(spans[i]!));
  return { bytes: reassemble(input, l.headerEnd, spans, spans[spans.length - 1]!.end), label: `record ${i} repeated ${times} times` };
};

export const concatenate: Mutation = (rng, input, other) => {
  const second = other();
  if (rng.chance(0.5)) return { bytes: Buffer.concat([input, second]), label: 'concatenated with another whole file' };
  // Only the records of the other file: a second file whose header was lost (a common hand-edit mistake).
  const l = layoutOf(second);
  return { bytes: Buffer.concat([input, second.subarray(l.headerEnd || 0)]), label: 'concatenated with another file minus its header' };
};

export const pcapngBlocks: Mutation = (rng, input) => {
  const l = layoutOf(input);
  if (l.kind !== 'pcapng' || !l.spans.length) return corruptLength(rng, input, () => input);
  const s = rng.pick(l.spans);
  const le = l.littleEndian;
  const choice = rng.below(3);
  if (choice === 0) {
    // A block of an unknown type, well-formed, inserted before s.
    const bodyLen = rng.below(8) * 4;
    const total = 12 + bodyLen;
    const block = Buffer.alloc(total);
    const type = rng.pick([0x0bad, 0x80000001, 0x40000bad, 5, 4, 7, 0x0a0d0d0a + 1]);
    const w = (v: number, o: number) => (le ? block.writeUInt32LE(v >>> 0, o) : block.writeUInt32BE(v >>> 0, o));
    w(type, 0);
    w(total, 4);
    rng.bytes(bodyLen).copy(block, 8);
    w(total, total - 4);
    return { bytes: Buffer.concat([input.subarray(0, s.start), block, input.subarray(s.start)]), label: `unknown block 0x${type.toString(16)} at ${s.start}` };
  }
  const b = Buffer.from(input);
  if (choice === 1) {
    const type = rng.pick([1, 2, 3, 5, 6, 0xdead]);
    if (s.start === 0) return { bytes: b, label: 'no-op' };
    if (le) b.writeUInt32LE(type, s.start);
    else b.writeUInt32BE(type, s.start);
    return { bytes: b, label: `block at ${s.start} retyped to ${type}` };
  }
  // Trailing length differs from leading.
  const at = s.end - 4;
  if (le) b.writeUInt32LE((b.readUInt32LE(at) + rng.pick([4, -4, 1])) >>> 0, at);
  else b.writeUInt32BE((b.readUInt32BE(at) + rng.pick([4, -4, 1])) >>> 0, at);
  return { bytes: b, label: `block at ${s.start}: trailing length changed` };
};

/** Damage inside a packet's headers: IP/TCP length fields, header lengths, flags, ports. */
export const packetHeaders: Mutation = (rng, input) => {
  const l = layoutOf(input);
  const spans = l.spans.filter((s) => s.end - s.dataStart > 20);
  if (!spans.length) return bitFlips(rng, input, () => input);
  const b = Buffer.from(input);
  const n = rng.between(1, 4);
  for (let i = 0; i < n; i++) {
    const s = rng.pick(spans);
    const at = s.dataStart + rng.below(Math.min(80, s.end - s.dataStart));
    b[at] = rng.pick([0, 0xff, 0x45, 0x60, 0x50, 0xf0, 0x0f, rng.below(256)]);
  }
  return { bytes: b, label: `packet header bytes x${n}` };
};

export const garbage: Mutation = (rng, input) => {
  const n = rng.pick([0, 1, 3, 4, 23, 24, 25, 100, rng.below(4096)]);
  const body = rng.bytes(n);
  const prefix = rng.pick([
    Buffer.alloc(0),
    Buffer.from([0xd4, 0xc3, 0xb2, 0xa1]),
    Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]),
    Buffer.from([0x1f, 0x8b]),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    input.subarray(0, 24),
  ]);
  return { bytes: Buffer.concat([prefix, body]), label: `garbage ${n} bytes after a ${prefix.length}-byte prefix` };
};

export const gzipped: Mutation = (rng, input) => {
  const z = gzipSync(input);
  const kind = rng.below(3);
  if (kind === 0) return { bytes: z, label: 'gzipped' };
  if (kind === 1) return { bytes: z.subarray(0, rng.below(z.length)), label: 'gzipped, then cut' };
  const b = Buffer.from(z);
  b[rng.between(Math.min(10, b.length - 1), b.length - 1)]! ^= 0xff;
  return { bytes: b, label: 'gzipped, then a byte flipped' };
};

export const MUTATIONS: [Mutation, number][] = [
  [bitFlips, 3],
  [insertBytes, 2],
  [deleteBytes, 2],
  [truncateAtBoundary, 3],
  [corruptLength, 4],
  [corruptFileHeader, 1],
  [corruptTimestamps, 1],
  [shuffleRecords, 2],
  [duplicateRecords, 1],
  [concatenate, 1],
  [pcapngBlocks, 2],
  [packetHeaders, 4],
  [garbage, 1],
];

export function pickMutation(rng: Random): Mutation {
  const total = MUTATIONS.reduce((n, [, w]) => n + w, 0);
  let x = rng.below(total);
  for (const [m, w] of MUTATIONS) if ((x -= w) < 0) return m;
  return bitFlips;
}
