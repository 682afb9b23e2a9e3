// Bounded IPv4 (RFC 791) and IPv6 (RFC 8200 §4.5) fragment reassembly.
//
// A fragment frame goes in; when the last missing piece of its datagram arrives, one whole IP packet comes out as a
// RAW-IP frame that the ordinary decoder reads like any other. Fragments of non-TCP datagrams are not kept. What cannot
// be reassembled is counted per input, by reason, so no frame vanishes unaccounted:
//   - overlapping fragments with different bytes discard the whole datagram (RFC 5722 for IPv6; Linux does the same
//     for IPv4 since 4.19) — guessing which copy the receiver kept would invent data; exact duplicates are ignored;
//   - a datagram still incomplete after `timeoutNs` of capture time (Linux ipfrag_time: 30 s), or at end of capture;
//   - fragments cut by the snaplen (their bytes are not in the file);
//   - the oldest pending datagram when more than `maxPendingDatagrams` or `maxPendingBytes` are held;
//   - a datagram that would exceed 65535 bytes.
import type { Frame } from '../capture/frame.js';
import { LINKTYPE, locateIp } from './link.js';

export interface ReassemblyLimits {
  maxPendingDatagrams: number;
  maxPendingBytes: number;
  timeoutNs: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  maxPendingDatagrams: 4096,
  maxPendingBytes: 16 << 20,
  timeoutNs: 30e9,
};

/** Where a fragment frame ended up (keys of the per-input accounting). */
export type FragmentFate =
  | 'ip-fragment' // part of a reassembled datagram
  | 'ip-fragment-not-tcp'
  | 'ip-fragment-incomplete'
  | 'ip-fragment-overlap'
  | 'ip-fragment-snaplen'
  | 'ip-fragment-over-limit'
  | 'ip-fragment-invalid';

const PROTO_TCP = 6;
const EXT_HOP_BY_HOP = 0;
const EXT_ROUTING = 43;
const EXT_FRAGMENT = 44;
const EXT_DEST_OPTS = 60;
const MAX_EXT_HEADERS = 16;
const MAX_IP_PACKET = 65535;

/** One fragment, parsed: `header` is what precedes the fragmentable part (IPv4 header / IPv6 unfragmentable part). */
interface Piece {
  key: string;
  start: number;
  end: number;
  more: boolean;
  data: Buffer;
  header: Buffer;
  /** IPv6: offset inside `header` of the Next Header byte that named the fragment header. */
  nextHeaderAt: number;
  nextHeader: number;
  version: 4 | 6;
}

interface Datagram {
  firstNs: number;
  pieces: { start: number; end: number; data: Buffer }[];
  /** Fragment frames held, per input index (to account each frame to its own file). */
  frames: Map<number, number>;
  bytes: number;
  totalLength: number | null;
  head: Piece | null;
}

export class IpReassembler {
  private pending = new Map<string, Datagram>();
  private pendingBytes = 0;

  constructor(
    private readonly count: (input: number, fate: FragmentFate, frames: number) => void,
    private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS,
  ) {}

  /** Takes a frame the decoder called an IP fragment; returns the whole datagram as a RAW-IP frame once complete. */
  offer(frame: Frame, nowNs: number): Frame | null {
    this.expire(nowNs);
    const piece = parseFragment(frame);
    if (typeof piece === 'string') {
      this.count(frame.input, piece, 1);
      return null;
    }
    let dg = this.pending.get(piece.key);
    if (!dg) {
      dg = { firstNs: nowNs, pieces: [], frames: new Map(), bytes: 0, totalLength: null, head: null };
      this.pending.set(piece.key, dg);
    }
    dg.frames.set(frame.input, (dg.frames.get(frame.input) ?? 0) + 1);
    const fault = addPiece(dg, piece);
    if (fault) {
      this.drop(piece.key, dg, fault);
      return null;
    }
    this.pendingBytes += piece.data.length;
    dg.bytes += piece.data.length;
    this.enforceLimits(piece.key);
    if (!this.pending.has(piece.key)) return null;
    const whole = assemble(dg);
    if (!whole) return null;
    this.release(piece.key, dg);
    for (const [input, n] of dg.frames) this.count(input, 'ip-fragment', n);
    // A frame of its own, field by field: `frame` may be a parser's reused RecordFrame (see record-frame.ts).
    return { input: frame.input, number: frame.number, sec: frame.sec, nsec: frame.nsec, linkType: LINKTYPE.RAW, data: whole, origLen: whole.length, offset: frame.offset };
  }

  /** End of capture: whatever is still pending can never complete. */
  finish(): void {
    for (const [key, dg] of this.pending) this.drop(key, dg, 'ip-fragment-incomplete');
  }

  private expire(nowNs: number): void {
    // Map keeps insertion order, which is first-seen order: stop at the first datagram still young enough.
    for (const [key, dg] of this.pending) {
      if (nowNs - dg.firstNs < this.limits.timeoutNs) break;
      this.drop(key, dg, 'ip-fragment-incomplete');
    }
  }

  /** Over a limit, the oldest datagrams go first; the one just fed goes last (alone it may still be too big). */
  private enforceLimits(newest: string): void {
    const over = () => this.pending.size > this.limits.maxPendingDatagrams || this.pendingBytes > this.limits.maxPendingBytes;
    for (const [key, dg] of this.pending) {
      if (!over()) return;
      if (key !== newest) this.drop(key, dg, 'ip-fragment-over-limit');
    }
    const dg = this.pending.get(newest);
    if (dg && over()) this.drop(newest, dg, 'ip-fragment-over-limit');
  }

  private drop(key: string, dg: Datagram, fate: FragmentFate): void {
    this.release(key, dg);
    for (const [input, n] of dg.frames) this.count(input, fate, n);
  }

  private release(key: string, dg: Datagram): void {
    this.pending.delete(key);
    this.pendingBytes -= dg.bytes;
  }
}

/** Records one piece; returns a fate when the datagram must be discarded. Fragment bytes are copied: frames are views. */
function addPiece(dg: Datagram, p: Piece): FragmentFate | null {
  if (p.end + p.header.length > MAX_IP_PACKET) return 'ip-fragment-invalid';
  if (!p.more) {
    if (dg.totalLength !== null && dg.totalLength !== p.end) return 'ip-fragment-invalid';
    dg.totalLength = p.end;
  }
  if (dg.totalLength !== null && p.end > dg.totalLength) return 'ip-fragment-invalid';
  for (const q of dg.pieces) {
    if (p.end <= q.start || p.start >= q.end) continue;
    if (p.start === q.start && p.end === q.end && p.data.equals(q.data)) return null; // a duplicate: harmless
    return 'ip-fragment-overlap';
  }
  dg.pieces.push({ start: p.start, end: p.end, data: Buffer.from(p.data) });
  if (p.start === 0) dg.head = { ...p, header: Buffer.from(p.header), data: Buffer.alloc(0) };
  return null;
}

/** The whole packet once the pieces cover 0..totalLength without holes, else null. */
function assemble(dg: Datagram): Buffer | null {
  if (dg.totalLength === null || !dg.head) return null;
  dg.pieces.sort((a, b) => a.start - b.start);
  let covered = 0;
  for (const q of dg.pieces) {
    if (q.start !== covered) return null;
    covered = q.end;
  }
  if (covered !== dg.totalLength) return null;
  const head = dg.head;
  const out = Buffer.concat([head.header, ...dg.pieces.map((q) => q.data)]);
  if (head.version === 4) {
    out.writeUInt16BE(out.length, 2);
    out.writeUInt16BE(out.readUInt16BE(6) & 0x4000, 6); // keep DF, clear MF and the offset
  } else {
    out[head.nextHeaderAt] = head.nextHeader;
    out.writeUInt16BE(out.length - 40, 4);
  }
  return out;
}

function parseFragment(f: Frame): Piece | FragmentFate {
  const d = f.data;
  const ip = locateIp(f.linkType, d);
  if (typeof ip === 'string') return 'ip-fragment-invalid';
  if (d.length <= ip) return 'ip-fragment-invalid';
  return d[ip]! >> 4 === 4 ? parseIpv4Fragment(f, d, ip) : parseIpv6Fragment(f, d, ip);
}

function parseIpv4Fragment(f: Frame, d: Buffer, ip: number): Piece | FragmentFate {
  if (d.length < ip + 20) return 'ip-fragment-snaplen';
  const ihl = (d[ip]! & 0x0f) * 4;
  const total = d.readUInt16BE(ip + 2);
  if (ihl < 20 || total < ihl) return 'ip-fragment-invalid';
  if (d.length < ip + total) return f.origLen > d.length ? 'ip-fragment-snaplen' : 'ip-fragment-invalid';
  if (d[ip + 9] !== PROTO_TCP) return 'ip-fragment-not-tcp';
  const flags = d.readUInt16BE(ip + 6);
  const start = (flags & 0x1fff) * 8;
  const more = (flags & 0x2000) !== 0;
  const length = total - ihl;
  if (more && length % 8 !== 0) return 'ip-fragment-invalid';
  // RFC 791: source, destination, protocol and identification name the datagram.
  const key = `4|${d.toString('hex', ip + 12, ip + 20)}|${d.readUInt16BE(ip + 4)}`;
  return {
    key, start, end: start + length, more, version: 4, nextHeader: PROTO_TCP, nextHeaderAt: 9,
    header: d.subarray(ip, ip + ihl), data: d.subarray(ip + ihl, ip + total),
  };
}

function parseIpv6Fragment(f: Frame, d: Buffer, ip: number): Piece | FragmentFate {
  if (d.length < ip + 40) return 'ip-fragment-snaplen';
  const end = ip + 40 + d.readUInt16BE(ip + 4);
  if (d.length < end) return f.origLen > d.length ? 'ip-fragment-snaplen' : 'ip-fragment-invalid';
  let nextAt = ip + 6;
  let off = ip + 40;
  for (let n = 0; d[nextAt] !== EXT_FRAGMENT; n++) {
    const next = d[nextAt]!;
    if (n >= MAX_EXT_HEADERS || off + 2 > end) return 'ip-fragment-invalid';
    if (next !== EXT_HOP_BY_HOP && next !== EXT_ROUTING && next !== EXT_DEST_OPTS) return 'ip-fragment-invalid';
    nextAt = off;
    off += (d[off + 1]! + 1) * 8;
  }
  if (off + 8 > end) return 'ip-fragment-invalid';
  const nextHeader = d[off]!;
  if (nextHeader !== PROTO_TCP) return 'ip-fragment-not-tcp';
  const offsetAndFlags = d.readUInt16BE(off + 2);
  const start = offsetAndFlags & 0xfff8;
  const more = (offsetAndFlags & 1) !== 0;
  const length = end - (off + 8);
  if (more && length % 8 !== 0) return 'ip-fragment-invalid';
  const key = `6|${d.toString('hex', ip + 8, ip + 40)}|${d.readUInt32BE(off + 4)}`;
  return {
    key, start, end: start + length, more, version: 6, nextHeader, nextHeaderAt: nextAt - ip,
    header: d.subarray(ip, off), data: d.subarray(off + 8, end),
  };
}
