import type { Frame } from '../capture/frame.js';
import { ipv4Text, ipv6Text } from './address-text.js';
import { ipv4FlowKey, ipv6FlowKey } from './flow-key.js';
import { LINKTYPE, locateIp } from './link.js';
import type { SkipReason, TcpPacket } from './packet.js';

export { ipv6String } from './address-text.js';

const PROTO_TCP = 6;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
// IPv6 extension headers walked to find TCP (RFC 8200 §4): hop-by-hop, routing, fragment, destination options, AH.
const EXT_HOP_BY_HOP = 0;
const EXT_ROUTING = 43;
const EXT_FRAGMENT = 44;
const EXT_DEST_OPTS = 60;
const EXT_AUTH = 51;
const MAX_EXT_HEADERS = 16;
/** Shared by every packet without options or payload (a view of nothing; never written to). */
const EMPTY = Buffer.alloc(0);

export type Decoded = TcpPacket | SkipReason;

/** Hot path: one call per frame. The common case (Ethernet, no VLAN) is read inline; every other link goes through
 * locateIp. */
export function decodeFrame(f: Frame): Decoded {
  const d = f.data;
  let ip: number;
  if (f.linkType === LINKTYPE.ETHERNET && d.length >= 14 && (((d[12]! << 8) | d[13]!) === ETHERTYPE_IPV4 || ((d[12]! << 8) | d[13]!) === ETHERTYPE_IPV6)) {
    ip = 14;
  } else {
    const link = locateIp(f.linkType, d);
    if ('skip' in link) return link.skip;
    ip = link.ipOffset;
  }
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
  const totalLength = (d[ip + 2]! << 8) | d[ip + 3]!;
  const fragment = (d[ip + 6]! << 8) | d[ip + 7]!;
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return 'ip-fragment';
  if (d[ip + 9] !== PROTO_TCP) return 'not-tcp';
  // TSO/offload captures may carry a total length of 0: fall back to what is on the wire.
  const wireIpLength = totalLength >= ihl ? totalLength : f.origLen - ip;
  const tcp = ip + ihl;
  const fail = checkTcp(f, d, tcp);
  if (fail !== null) return fail;
  return tcpPacket(f, d, tcp, ip + wireIpLength, 4, ipv4Text(d, ip + 12), ipv4Text(d, ip + 16), d[ip + 8]!, (d[ip + 4]! << 8) | d[ip + 5]!, (fragment & 0x4000) !== 0, ipv4FlowKey(d, ip + 12, ip + 16, tcp));
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
  const fail = checkTcp(f, d, off);
  if (fail !== null) return fail;
  return tcpPacket(f, d, off, end, 6, ipv6Text(d, ip + 8), ipv6Text(d, ip + 24), d[ip + 7]!, null, true, ipv6FlowKey(d, ip + 8, ip + 24, off));
}

/** Whether the TCP header at d[tcp] is whole: null if so, else why not. */
function checkTcp(f: Frame, d: Buffer, tcp: number): SkipReason | null {
  if (d.length < tcp + 20) return f.origLen > d.length ? 'snaplen-headers' : 'malformed';
  const dataOffset = (d[tcp + 12]! >> 4) * 4;
  if (dataOffset < 20) return 'malformed';
  if (d.length < tcp + dataOffset) return f.origLen > d.length ? 'snaplen-headers' : 'malformed';
  return null;
}

function tcpPacket(
  f: Frame,
  d: Buffer,
  tcp: number,
  ipEnd: number,
  ipVersion: 4 | 6,
  src: string,
  dst: string,
  ttl: number,
  ipId: number | null,
  dontFragment: boolean,
  flowKey: string,
): TcpPacket {
  const payloadStart = tcp + (d[tcp + 12]! >> 4) * 4;
  const payloadLength = Math.max(0, ipEnd - payloadStart);
  // Ethernet padding lies past the IP length and is not payload; a snaplen cut leaves fewer bytes than the IP length.
  const capturedEnd = Math.min(d.length, payloadStart + payloadLength);
  return {
    input: f.input,
    frame: f.number,
    sec: f.sec,
    nsec: f.nsec,
    ipVersion,
    src,
    dst,
    ttl,
    ipId,
    dontFragment,
    srcPort: (d[tcp]! << 8) | d[tcp + 1]!,
    dstPort: (d[tcp + 2]! << 8) | d[tcp + 3]!,
    seq: d.readUInt32BE(tcp + 4),
    ack: d.readUInt32BE(tcp + 8),
    flags: d[tcp + 13]!,
    window: (d[tcp + 14]! << 8) | d[tcp + 15]!,
    options: payloadStart > tcp + 20 ? d.subarray(tcp + 20, payloadStart) : EMPTY,
    payload: capturedEnd > payloadStart ? d.subarray(payloadStart, capturedEnd) : EMPTY,
    payloadLength,
    flowKey,
  };
}
