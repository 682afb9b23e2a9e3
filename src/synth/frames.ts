// Whole frames in one allocation: link header + IPv4/IPv6 header + TCP header + payload.
// The layer writers live in link.ts, ipv4.ts, ipv6.ts and tcp.ts; this file only assembles them.
import { linkHeaderLength, writeLinkHeader, type LinkSpec } from './link.js';
import { fragmentIPv4, ipv4HeaderLength, writeIPv4Header, type IPv4Spec } from './ipv4.js';
import { ipv6HeaderLength, writeIPv6Header, type IPv6Spec } from './ipv6.js';
import { tcpHeaderLength, writeTcpHeader, type TcpSpec } from './tcp.js';

export type IPSpec = ({ version: 4 } & Omit<IPv4Spec, 'protocol'> & { protocol?: number })
  | ({ version: 6 } & Omit<IPv6Spec, 'nextHeader'> & { nextHeader?: number });

export interface TcpFrameSpec {
  link: LinkSpec;
  ip: IPSpec;
  tcp: TcpSpec;
  payload?: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Builds one frame (link + IP + TCP + payload) with correct IP and TCP checksums. */
export function tcpFrame(spec: TcpFrameSpec): Buffer {
  const payload = spec.payload ?? EMPTY;
  const ip = spec.ip;
  const lhl = linkHeaderLength(spec.link);
  const thl = tcpHeaderLength(spec.tcp);
  const ipSpec4 = ip.version === 4 ? ({ ...ip, protocol: ip.protocol ?? 6 } as IPv4Spec) : undefined;
  const ipSpec6 = ip.version === 6 ? ({ ...ip, nextHeader: ip.nextHeader ?? 6 } as IPv6Spec) : undefined;
  const ihl = ipSpec4 ? ipv4HeaderLength(ipSpec4) : ipv6HeaderLength(ipSpec6!);
  const out = Buffer.allocUnsafe(lhl + ihl + thl + payload.length);
  writeLinkHeader(out, 0, spec.link, ip.version);
  const tcpOff = lhl + ihl;
  payload.copy(out, tcpOff + thl);
  writeTcpHeader(out, tcpOff, spec.tcp, payload.length, ip.src, ip.dst);
  if (ipSpec4) writeIPv4Header(out, lhl, ipSpec4, thl + payload.length);
  else writeIPv6Header(out, lhl, ipSpec6!, thl + payload.length);
  return out;
}

/**
 * Like tcpFrame, but IPv4 only and split into IP fragments of at most `maxFragmentPayload` bytes
 * of IP payload each; every fragment gets the same link header.
 */
export function fragmentedTcpFrames(spec: TcpFrameSpec, maxFragmentPayload: number): Buffer[] {
  if (spec.ip.version !== 4) throw new Error('fragmentation is implemented for IPv4 only');
  const whole = tcpFrame(spec);
  const lhl = linkHeaderLength(spec.link);
  const link = whole.subarray(0, lhl);
  return fragmentIPv4(whole.subarray(lhl), maxFragmentPayload).map((f) => Buffer.concat([link, f]));
}

export { ipv4Packet, fragmentIPv4, type IPv4Spec } from './ipv4.js';
export { ipv6Packet, type IPv6Spec, type IPv6ExtensionHeader } from './ipv6.js';
export { tcpSegment, TCP_FLAGS, type TcpOption, type TcpSpec } from './tcp.js';
export { linkFrame, LINKTYPE, ETHERTYPE, BSD_AF, SLL_PKTTYPE, linkTypeOf, type LinkSpec, type VlanTag } from './link.js';
