import type { Frame } from '../capture/frame.js';
import { ipv6Text } from './address-text.js';
import { ipv4FlowKey, ipv6FlowKey, keyedIpv4 } from './flow-key.js';
import { u16be, u32be } from '../capture/byte-reads.js';
import { frameBytes, RecordFrame, type FrameBytes } from '../capture/record-frame.js';
import { LINKTYPE, locateIp } from './link.js';
import { DecodedPacket } from './decoded-packet.js';
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

export type Decoded = TcpPacket | SkipReason;

/** Where the frame being decoded lies (one for the run, refilled per frame). */
const frameAt: FrameBytes = { buf: Buffer.alloc(0), start: 0, end: 0 };

/** Hot path: one call per frame. The common case (Ethernet, no VLAN) is read inline; every other link goes through
 * locateIp. A parser's reused RecordFrame is read in place in the reader's buffer (no view of its bytes is made);
 * any other frame through its `data`. Offsets below index that buffer; `end` is where the captured bytes stop. */
export function decodeFrame(f: Frame): Decoded {
  const { buf: d, start, end } = frameBytes(f, frameAt);
  let ip: number;
  if (f.linkType === LINKTYPE.ETHERNET && end - start >= 14 && (((d[start + 12]! << 8) | d[start + 13]!) === ETHERTYPE_IPV4 || ((d[start + 12]! << 8) | d[start + 13]!) === ETHERTYPE_IPV6)) {
    ip = start + 14;
  } else {
    const link = locateIp(f.linkType, d, start, end);
    if (typeof link === 'string') return link;
    ip = link;
  }
  if (end < ip + 1) return 'malformed';
  const version = d[ip]! >> 4;
  if (version === 4) return decodeIpv4(f, d, start, end, ip);
  if (version === 6) return decodeIpv6(f, d, start, end, ip);
  return 'not-ip';
}

/** What a header cut before its end means: the snaplen cut it (the wire had more), or the frame is malformed. */
function cut(f: Frame, start: number, end: number): SkipReason {
  return f.origLen > end - start ? 'snaplen-headers' : 'malformed';
}

function decodeIpv4(f: Frame, d: Buffer, start: number, end: number, ip: number): Decoded {
  if (end < ip + 20) return cut(f, start, end);
  const ihl = (d[ip]! & 0x0f) * 4;
  if (ihl < 20) return 'malformed';
  const totalLength = (d[ip + 2]! << 8) | d[ip + 3]!;
  const fragment = (d[ip + 6]! << 8) | d[ip + 7]!;
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return 'ip-fragment';
  if (d[ip + 9] !== PROTO_TCP) return 'not-tcp';
  // TSO/offload captures may carry a total length of 0: fall back to what is on the wire.
  const wireIpLength = totalLength >= ihl ? totalLength : f.origLen - (ip - start);
  const tcp = ip + ihl;
  const fail = checkTcp(f, d, start, end, tcp);
  if (fail !== null) return fail;
  const key = ipv4FlowKey(d, ip + 12, ip + 16, tcp); // sets keyedIpv4: the addresses' text
  return tcpPacket(f, d, end, tcp, ip + wireIpLength, 4, keyedIpv4.src, keyedIpv4.dst, d[ip + 8]!, (d[ip + 4]! << 8) | d[ip + 5]!, (fragment & 0x4000) !== 0, key);
}

function decodeIpv6(f: Frame, d: Buffer, start: number, end: number, ip: number): Decoded {
  if (end < ip + 40) return cut(f, start, end);
  const payloadLength = u16be(d, ip + 4);
  let next = d[ip + 6]!;
  let off = ip + 40;
  for (let n = 0; next !== PROTO_TCP; n++) {
    if (n >= MAX_EXT_HEADERS) return 'malformed';
    if (next === EXT_FRAGMENT) {
      if (end < off + 8) return 'malformed';
      const offsetAndFlags = u16be(d, off + 2);
      if ((offsetAndFlags & 0xfff8) !== 0 || (offsetAndFlags & 1) !== 0) return 'ip-fragment';
      next = d[off]!;
      off += 8;
    } else if (next === EXT_HOP_BY_HOP || next === EXT_ROUTING || next === EXT_DEST_OPTS) {
      if (end < off + 2) return 'malformed';
      next = d[off]!;
      off += (d[off + 1]! + 1) * 8;
    } else if (next === EXT_AUTH) {
      if (end < off + 2) return 'malformed';
      next = d[off]!;
      off += (d[off + 1]! + 2) * 4;
    } else return 'not-tcp';
  }
  const ipEnd = payloadLength ? ip + 40 + payloadLength : start + f.origLen;
  const fail = checkTcp(f, d, start, end, off);
  if (fail !== null) return fail;
  return tcpPacket(f, d, end, off, ipEnd, 6, ipv6Text(d, ip + 8), ipv6Text(d, ip + 24), d[ip + 7]!, null, true, ipv6FlowKey(d, ip + 8, ip + 24, off));
}

/** Whether the TCP header at d[tcp] is whole: null if so, else why not. */
function checkTcp(f: Frame, d: Buffer, start: number, end: number, tcp: number): SkipReason | null {
  if (end < tcp + 20) return cut(f, start, end);
  const dataOffset = (d[tcp + 12]! >> 4) * 4;
  if (dataOffset < 20) return 'malformed';
  if (end < tcp + dataOffset) return cut(f, start, end);
  return null;
}

/** The packet a RecordFrame decodes into: one for the whole run, refilled per frame (see DecodedPacket). Safe to
 * share between parsers because nothing keeps a packet past the synchronous call it is handed to. */
const reused = new DecodedPacket();

function tcpPacket(
  f: Frame,
  d: Buffer,
  end: number,
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
  const capturedEnd = Math.max(payloadStart, Math.min(end, payloadStart + payloadLength));
  // A frame that is refilled per record gives a packet that is refilled too; any other frame (kept by a test, made by
  // fragment reassembly) gets a packet of its own.
  const p = f instanceof RecordFrame ? reused : new DecodedPacket();
  p.input = f.input;
  p.frame = f.number;
  p.sec = f.sec;
  p.nsec = f.nsec;
  p.ipVersion = ipVersion;
  p.src = src;
  p.dst = dst;
  p.ttl = ttl;
  p.ipId = ipId;
  p.dontFragment = dontFragment;
  p.srcPort = (d[tcp]! << 8) | d[tcp + 1]!;
  p.dstPort = (d[tcp + 2]! << 8) | d[tcp + 3]!;
  p.seq = u32be(d, tcp + 4); // checkTcp saw the whole header
  p.ack = u32be(d, tcp + 8);
  p.flags = d[tcp + 13]!;
  p.window = (d[tcp + 14]! << 8) | d[tcp + 15]!;
  p.payloadLength = payloadLength;
  p.flowKey = flowKey;
  p.setBytes(d, tcp + 20, payloadStart, capturedEnd);
  return p;
}
