import type { Frame } from '../capture/frame.js';
import { locateIp } from './link.js';
import type { SkipReason, TcpPacket } from './packet.js';

const PROTO_TCP = 6;
// IPv6 extension headers walked to find TCP (RFC 8200 §4): hop-by-hop, routing, fragment, destination options, AH.
const EXT_HOP_BY_HOP = 0;
const EXT_ROUTING = 43;
const EXT_FRAGMENT = 44;
const EXT_DEST_OPTS = 60;
const EXT_AUTH = 51;
const MAX_EXT_HEADERS = 16;

export type Decoded = TcpPacket | SkipReason;

function ipv4String(d: Buffer, o: number): string {
  return `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
}

/** RFC 5952 text form: lower-case hex, leading zeros dropped, the longest run of zero groups as '::'. */
export function ipv6String(d: Buffer, o: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(d.readUInt16BE(o + i * 2));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function decodeFrame(f: Frame): Decoded {
  const link = locateIp(f.linkType, f.data);
  if ('skip' in link) return link.skip;
  const d = f.data;
  const ip = link.ipOffset;
  if (d.length < ip + 1) return 'malformed';
  const version = d[ip]! >> 4;
  if (version === 4) return decodeIpv4(f, d, ip);
  if (version === 6) return decodeIpv6(f, d, ip);
  return 'not-ip';
}

function decodeIpv4(f: Frame, d: Buffer, ip: number): Decoded {
  if (d.length < ip + 20) return f.origLen > d.length ? 'snaplen-headers' : 'malformed';
  const ihl = (d[ip]! & 0x0f) * 4;
  if (ihl < 20) return 'malformed';
  const totalLength = d.readUInt16BE(ip + 2);
  const fragment = d.readUInt16BE(ip + 6);
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return 'ip-fragment';
  if (d[ip + 9] !== PROTO_TCP) return 'not-tcp';
  // TSO/offload captures may carry a total length of 0: fall back to what is on the wire.
  const wireIpLength = totalLength >= ihl ? totalLength : f.origLen - ip;
  return decodeTcp(f, d, ip + ihl, ip + wireIpLength, {
    ipVersion: 4,
    src: ipv4String(d, ip + 12),
    dst: ipv4String(d, ip + 16),
    ttl: d[ip + 8]!,
    ipId: d.readUInt16BE(ip + 4),
    dontFragment: (fragment & 0x4000) !== 0,
  });
}

function decodeIpv6(f: Frame, d: Buffer, ip: number): Decoded {
  if (d.length < ip + 40) return f.origLen > d.length ? 'snaplen-headers' : 'malformed';
  const payloadLength = d.readUInt16BE(ip + 4);
  let next = d[ip + 6]!;
  let off = ip + 40;
  for (let n = 0; next !== PROTO_TCP; n++) {
    if (n >= MAX_EXT_HEADERS) return 'malformed';
    if (next === EXT_FRAGMENT) {
      if (d.length < off + 8) return 'malformed';
      const offsetAndFlags = d.readUInt16BE(off + 2);
      if ((offsetAndFlags & 0xfff8) !== 0 || (offsetAndFlags & 1) !== 0) return 'ip-fragment';
      next = d[off]!;
      off += 8;
    } else if (next === EXT_HOP_BY_HOP || next === EXT_ROUTING || next === EXT_DEST_OPTS) {
      if (d.length < off + 2) return 'malformed';
      next = d[off]!;
      off += (d[off + 1]! + 1) * 8;
    } else if (next === EXT_AUTH) {
      if (d.length < off + 2) return 'malformed';
      next = d[off]!;
      off += (d[off + 1]! + 2) * 4;
    } else return 'not-tcp';
  }
  const end = payloadLength ? ip + 40 + payloadLength : f.origLen;
  return decodeTcp(f, d, off, end, {
    ipVersion: 6,
    src: ipv6String(d, ip + 8),
    dst: ipv6String(d, ip + 24),
    ttl: d[ip + 7]!,
    ipId: null,
    dontFragment: true,
  });
}

type IpFacts = Pick<TcpPacket, 'ipVersion' | 'src' | 'dst' | 'ttl' | 'ipId' | 'dontFragment'>;

function decodeTcp(f: Frame, d: Buffer, tcp: number, ipEnd: number, ip: IpFacts): Decoded {
  if (d.length < tcp + 20) return f.origLen > d.length ? 'snaplen-headers' : 'malformed';
  const dataOffset = (d[tcp + 12]! >> 4) * 4;
  if (dataOffset < 20) return 'malformed';
  if (d.length < tcp + dataOffset) return f.origLen > d.length ? 'snaplen-headers' : 'malformed';
  const payloadStart = tcp + dataOffset;
  const payloadLength = Math.max(0, ipEnd - payloadStart);
  // Ethernet padding lies past the IP length and is not payload; a snaplen cut leaves fewer bytes than the IP length.
  const capturedEnd = Math.min(d.length, payloadStart + payloadLength);
  return {
    input: f.input,
    frame: f.number,
    sec: f.sec,
    nsec: f.nsec,
    ...ip,
    srcPort: d.readUInt16BE(tcp),
    dstPort: d.readUInt16BE(tcp + 2),
    seq: d.readUInt32BE(tcp + 4),
    ack: d.readUInt32BE(tcp + 8),
    flags: d[tcp + 13]!,
    window: d.readUInt16BE(tcp + 14),
    options: d.subarray(tcp + 20, payloadStart),
    payload: d.subarray(payloadStart, capturedEnd),
    payloadLength,
  };
}
