import type { Frame } from '../capture/frame.js';
import { frameBytes, type FrameBytes } from '../capture/record-frame.js';
import { LINKTYPE, locateIp } from '../decode/link.js';
import type { TcpPacket } from '../decode/packet.js';

/** One worker's part of a sharded run: the connections whose 4-tuple hashes to `index` of `count`. */
export interface Shard {
  index: number;
  count: number;
}

// The shard of a connection is a hash of its 4-tuple that is the same in both directions: the two addresses are
// XORed 16 bits at a time, the two ports likewise, and the result is hashed (FNV-1a, then a final mix). It can be
// computed from a frame's raw header bytes, so that a worker skips other workers' packets without decoding them, and
// from a decoded packet's flow key, for the frames whose owner the raw bytes cannot tell (fragments, unusual
// headers). Both give the same shard for the same connection.

const FNV_OFFSET = 0x811c9dc5;
const bytes: FrameBytes = { buf: Buffer.alloc(0), start: 0, end: 0 };
const FNV_PRIME = 0x01000193;

function step(h: number, unit: number): number {
  return Math.imul(h ^ unit, FNV_PRIME);
}

function finish(h: number, count: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) % count;
}

/** The shard of the connection of a plain IPv4 or IPv6 TCP frame, read from its header bytes; -1 when the bytes alone
 * cannot tell (not IP or not TCP, a fragment, an IPv6 extension header, too short): decoding then decides. */
export function shardOfFrame(frame: Frame, count: number): number {
  // A parser's reused RecordFrame is read in place in the reader's buffer (asking for `data` would make a view).
  const { buf: d, start, end } = frameBytes(frame, bytes);
  let ip: number;
  if (frame.linkType === LINKTYPE.ETHERNET && end - start >= 14 && d[start + 12] === 0x08 && d[start + 13] === 0x00) ip = start + 14;
  else if (frame.linkType === LINKTYPE.ETHERNET && end - start >= 14 && d[start + 12] === 0x86 && d[start + 13] === 0xdd) ip = start + 14;
  else {
    const at = locateIp(frame.linkType, d, start, end);
    if (typeof at !== 'number') return -1;
    ip = at;
  }
  if (end < ip + 40) return -1; // shorter than any IPv4 + TCP header, let alone IPv6
  const version = d[ip]! >> 4;
  if (version === 4) {
    const ihl = (d[ip]! & 0x0f) * 4;
    if (ihl < 20 || d[ip + 9] !== 6) return -1;
    if ((((d[ip + 6]! << 8) | d[ip + 7]!) & 0x3fff) !== 0) return -1; // more-fragments or an offset
    const tcp = ip + ihl;
    if (end < tcp + 4) return -1;
    let h = step(FNV_OFFSET, ((d[ip + 12]! << 8) | d[ip + 13]!) ^ ((d[ip + 16]! << 8) | d[ip + 17]!));
    h = step(h, ((d[ip + 14]! << 8) | d[ip + 15]!) ^ ((d[ip + 18]! << 8) | d[ip + 19]!));
    h = step(h, ((d[tcp]! << 8) | d[tcp + 1]!) ^ ((d[tcp + 2]! << 8) | d[tcp + 3]!));
    return finish(h, count);
  }
  if (version === 6) {
    if (d[ip + 6] !== 6) return -1; // extension headers: the decoder walks them
    const tcp = ip + 40;
    if (end < tcp + 4) return -1;
    let h = FNV_OFFSET;
    for (let i = 0; i < 16; i += 2) h = step(h, ((d[ip + 8 + i]! << 8) | d[ip + 9 + i]!) ^ ((d[ip + 24 + i]! << 8) | d[ip + 25 + i]!));
    h = step(h, ((d[tcp]! << 8) | d[tcp + 1]!) ^ ((d[tcp + 2]! << 8) | d[tcp + 3]!));
    return finish(h, count);
  }
  return -1;
}

/** The same shard from a decoded packet, by its flow key (see decode/flow-key.ts: address units, port, address units,
 * port; 6 code units for IPv4, 18 for IPv6). */
export function shardOfPacket(p: TcpPacket, count: number): number {
  const key = p.flowKey;
  if (key === undefined) throw new Error('a sharded run needs decoded packets (with a flow key)');
  const addressUnits = key.length === 6 ? 2 : 8;
  const half = addressUnits + 1;
  let h = FNV_OFFSET;
  for (let i = 0; i < addressUnits; i++) h = step(h, key.charCodeAt(i) ^ key.charCodeAt(half + i));
  h = step(h, key.charCodeAt(addressUnits) ^ key.charCodeAt(half + addressUnits));
  return finish(h, count);
}
