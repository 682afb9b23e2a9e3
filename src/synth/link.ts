// Link-layer headers: Ethernet II with 802.1Q/802.1ad tags, Linux SLL/SLL2, BSD NULL/LOOP, RAW.
// Header layouts from the tcpdump.org link-type pages (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2,
// LINKTYPE_NULL, LINKTYPE_LOOP) and IEEE 802.1Q; see research/anchors.md §7.3.
import { macFromIP, parseMac } from './addresses.js';

// One table of link-type numbers for the reader and the writer.
import { LINKTYPE } from '../decode/link.js';
export { LINKTYPE };

export const ETHERTYPE = { IPV4: 0x0800, IPV6: 0x86dd, VLAN: 0x8100, QINQ: 0x88a8 } as const;

/** BSD address-family values seen in DLT_NULL/DLT_LOOP headers (Guy Harris, wireshark-dev 2015-08). */
export const BSD_AF = { INET: 2, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30, INET6_LINUX: 10 } as const;

/** SLL packet types (linux/if_packet.h). */
export const SLL_PKTTYPE = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 } as const;

export type MacInput = Buffer | string;

export interface VlanTag {
  /** 0x8100 (C-tag), 0x88a8 (S-tag), or a pre-standard 0x9100/0x9200/0x9300. */
  tpid: number;
  vid: number;
  pcp?: number;
  dei?: boolean;
}

export type LinkSpec =
  | { type: 'ethernet'; src?: MacInput; dst?: MacInput; tags?: VlanTag[] }
  /** No link header. File link type RAW (101), IPV4 (228) or IPV6 (229), or a legacy 12/14. */
  | { type: 'raw'; linkType?: number }
  /** 4-byte AF in the capturing host's byte order (little-endian unless said otherwise). */
  | { type: 'null'; bigEndian?: boolean; family?: number; ipv6Family?: number }
  /** 4-byte AF in network byte order (OpenBSD loopback). */
  | { type: 'loop'; family?: number; ipv6Family?: number }
  | { type: 'sll'; pktType?: number; haType?: number; addr?: MacInput }
  | { type: 'sll2'; pktType?: number; haType?: number; addr?: MacInput; ifIndex?: number };

export function linkTypeOf(link: LinkSpec): number {
  switch (link.type) {
    case 'ethernet': return LINKTYPE.ETHERNET;
    case 'raw': return link.linkType ?? LINKTYPE.RAW;
    case 'null': return LINKTYPE.NULL;
    case 'loop': return LINKTYPE.LOOP;
    case 'sll': return LINKTYPE.LINUX_SLL;
    case 'sll2': return LINKTYPE.LINUX_SLL2;
  }
}

/** The default LinkSpec for a LINKTYPE number. */
export function linkSpecFor(linkType: number): LinkSpec {
  switch (linkType) {
    case LINKTYPE.ETHERNET: return { type: 'ethernet' };
    case LINKTYPE.NULL: return { type: 'null' };
    case LINKTYPE.LOOP: return { type: 'loop' };
    case LINKTYPE.LINUX_SLL: return { type: 'sll' };
    case LINKTYPE.LINUX_SLL2: return { type: 'sll2' };
    case LINKTYPE.RAW: case LINKTYPE.IPV4: case LINKTYPE.IPV6: case 12: case 14: return { type: 'raw', linkType };
    default: throw new Error(`no synthesiser for link type ${linkType}`);
  }
}

export function linkHeaderLength(link: LinkSpec): number {
  switch (link.type) {
    case 'ethernet': return 14 + 4 * (link.tags?.length ?? 0);
    case 'raw': return 0;
    case 'null':
    case 'loop': return 4;
    case 'sll': return 16;
    case 'sll2': return 20;
  }
}

function mac(m: MacInput | undefined, fallback: Buffer): Buffer {
  if (m === undefined) return fallback;
  return typeof m === 'string' ? parseMac(m) : m;
}

const ZERO_MAC = Buffer.alloc(6);

/** Writes the link header for an IP packet of the given version at buf[off]; returns bytes written. */
export function writeLinkHeader(buf: Buffer, off: number, link: LinkSpec, ipVersion: 4 | 6): number {
  const etherType = ipVersion === 4 ? ETHERTYPE.IPV4 : ETHERTYPE.IPV6;
  switch (link.type) {
    case 'ethernet': {
      mac(link.dst, ZERO_MAC).copy(buf, off);
      mac(link.src, ZERO_MAC).copy(buf, off + 6);
      let p = off + 12;
      for (const tag of link.tags ?? []) {
        buf.writeUInt16BE(tag.tpid, p);
        buf.writeUInt16BE(((tag.pcp ?? 0) << 13) | (tag.dei ? 0x1000 : 0) | (tag.vid & 0xfff), p + 2);
        p += 4;
      }
      buf.writeUInt16BE(etherType, p);
      return p + 2 - off;
    }
    case 'raw':
      return 0;
    case 'null': {
      const af = link.family ?? (ipVersion === 4 ? BSD_AF.INET : link.ipv6Family ?? BSD_AF.INET6_BSD);
      if (link.bigEndian) buf.writeUInt32BE(af, off);
      else buf.writeUInt32LE(af, off);
      return 4;
    }
    case 'loop': {
      const af = link.family ?? (ipVersion === 4 ? BSD_AF.INET : link.ipv6Family ?? BSD_AF.INET6_BSD);
      buf.writeUInt32BE(af, off);
      return 4;
    }
    case 'sll': {
      const addr = mac(link.addr, ZERO_MAC);
      buf.writeUInt16BE(link.pktType ?? SLL_PKTTYPE.HOST, off);
      buf.writeUInt16BE(link.haType ?? 1, off + 2); // ARPHRD_ETHER
      buf.writeUInt16BE(Math.min(addr.length, 8), off + 4);
      buf.fill(0, off + 6, off + 14);
      addr.copy(buf, off + 6, 0, Math.min(addr.length, 8));
      buf.writeUInt16BE(etherType, off + 14);
      return 16;
    }
    case 'sll2': {
      const addr = mac(link.addr, ZERO_MAC);
      buf.writeUInt16BE(etherType, off);
      buf.writeUInt16BE(0, off + 2);
      buf.writeUInt32BE(link.ifIndex ?? 1, off + 4);
      buf.writeUInt16BE(link.haType ?? 1, off + 8);
      buf[off + 10] = link.pktType ?? SLL_PKTTYPE.HOST;
      buf[off + 11] = Math.min(addr.length, 8);
      buf.fill(0, off + 12, off + 20);
      addr.copy(buf, off + 12, 0, Math.min(addr.length, 8));
      return 20;
    }
  }
}

/** Wraps an IP packet (version taken from its first nibble) in a link header. */
export function linkFrame(link: LinkSpec, ipPacket: Buffer): Buffer {
  const hl = linkHeaderLength(link);
  const out = Buffer.allocUnsafe(hl + ipPacket.length);
  writeLinkHeader(out, 0, link, (ipPacket[0]! >> 4) === 6 ? 6 : 4);
  ipPacket.copy(out, hl);
  return out;
}

/** Direction-aware copy of a link spec: MACs swapped / SLL packet type chosen for the sender. */
export function linkForDirection(link: LinkSpec, srcMac: Buffer, dstMac: Buffer, outgoing: boolean): LinkSpec {
  switch (link.type) {
    case 'ethernet':
      return { ...link, src: link.src ?? srcMac, dst: link.dst ?? dstMac };
    case 'sll':
      return { ...link, pktType: link.pktType ?? (outgoing ? SLL_PKTTYPE.OUTGOING : SLL_PKTTYPE.HOST), addr: link.addr ?? srcMac };
    case 'sll2':
      return { ...link, pktType: link.pktType ?? (outgoing ? SLL_PKTTYPE.OUTGOING : SLL_PKTTYPE.HOST), addr: link.addr ?? srcMac };
    default:
      return link;
  }
}

export { macFromIP };
