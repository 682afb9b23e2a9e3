// Link layers → offset of the IP header, or a skip reason. Values from the tcpdump.org LINKTYPE registry and
// libpcap's dlt.h (see research/anchors.md §7.3).
import { u16be, u32be, u32le } from '../capture/byte-reads.js';

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW_DLT12: 12,
  RAW_DLT14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TPIDS = new Set([0x8100, 0x88a8, 0x9100, 0x9200, 0x9300]);
const MAX_VLAN_DEPTH = 8;
/** BSD address-family values for IPv6 differ by OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30 (also 23/26). */
const AF_INET = 2;
const AF_INET6 = new Set([10, 23, 24, 26, 28, 30]);

export const LINK_NAMES: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  1: 'Ethernet',
  12: 'RAW IP',
  14: 'RAW IP',
  101: 'RAW IP',
  108: 'LOOP (OpenBSD loopback)',
  113: 'Linux cooked (SLL)',
  228: 'IPv4',
  229: 'IPv6',
  276: 'Linux cooked v2 (SLL2)',
};

export function linkName(t: number): string {
  return LINK_NAMES[t] ?? `link type ${t}`;
}

/** Where the IP header starts (an offset into the buffer), or why there is none. */
export type LinkResult = number | 'not-ip' | 'unsupported-link' | 'malformed';

function ipFromEtherType(type: number, offset: number): LinkResult {
  return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? offset : 'not-ip';
}

/** The IP header of the link-layer frame d[start..end) (by default all of d). A number, not an object: no allocation
 * per frame. */
export function locateIp(linkType: number, d: Buffer, start = 0, end = d.length): LinkResult {
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (end - start < 14) return 'malformed';
      let type = u16be(d, start + 12);
      let off = start + 14;
      for (let depth = 0; VLAN_TPIDS.has(type); depth++) {
        if (depth >= MAX_VLAN_DEPTH || end < off + 4) return 'malformed';
        type = u16be(d, off + 2);
        off += 4;
      }
      return ipFromEtherType(type, off);
    }
    case LINKTYPE.NULL: {
      if (end - start < 4) return 'malformed';
      // Host byte order of the capturing machine: whichever reading is small is the right one.
      const le = u32le(d, start);
      const af = le <= 0xffff ? le : u32be(d, start);
      return af === AF_INET || AF_INET6.has(af) ? start + 4 : 'not-ip';
    }
    case LINKTYPE.LOOP: {
      if (end - start < 4) return 'malformed';
      const af = u32be(d, start);
      return af === AF_INET || AF_INET6.has(af) ? start + 4 : 'not-ip';
    }
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_DLT12:
    case LINKTYPE.RAW_DLT14:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return start;
    case LINKTYPE.LINUX_SLL:
      if (end - start < 16) return 'malformed';
      return ipFromEtherType(u16be(d, start + 14), start + 16);
    case LINKTYPE.LINUX_SLL2:
      if (end - start < 20) return 'malformed';
      return ipFromEtherType(u16be(d, start), start + 20);
    default:
      return 'unsupported-link';
  }
}
