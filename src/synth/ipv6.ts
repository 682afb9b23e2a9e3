// IPv6 header (RFC 8200 §3) with optional extension headers (§4): hop-by-hop (0), routing (43),
// fragment (44), destination options (60).

export type IPv6ExtensionHeader =
  /** Hop-by-hop (0) or destination options (60); `options` are TLVs, padded here with Pad1/PadN. */
  | { type: 0 | 60; options?: Buffer }
  /** Routing header: `data` follows the 4 fixed bytes; padded to a multiple of 8. */
  | { type: 43; routingType: number; segmentsLeft: number; data?: Buffer }
  /** Fragment header: offset in bytes (multiple of 8). */
  | { type: 44; offset: number; more: boolean; id: number };

export interface IPv6Spec {
  src: Buffer;
  dst: Buffer;
  /** Upper-layer protocol (6 = TCP) after any extension headers. */
  nextHeader: number;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  extensionHeaders?: IPv6ExtensionHeader[];
  /** Force the payload-length field; computed when absent. */
  payloadLength?: number;
}

function extLength(h: IPv6ExtensionHeader): number {
  switch (h.type) {
    case 0:
    case 60: return (2 + (h.options?.length ?? 0) + 7) & ~7;
    case 43: return (4 + (h.data?.length ?? 0) + 7) & ~7;
    case 44: return 8;
  }
}

export function ipv6HeaderLength(spec: IPv6Spec): number {
  let n = 40;
  for (const h of spec.extensionHeaders ?? []) n += extLength(h);
  return n;
}

/** Fills buf[from,to) with Pad1 / PadN options (RFC 8200 §4.2). */
function padOptions(buf: Buffer, from: number, to: number): void {
  const n = to - from;
  if (n === 1) buf[from] = 0;
  else if (n >= 2) {
    buf[from] = 1;
    buf[from + 1] = n - 2;
    buf.fill(0, from + 2, to);
  }
}

export function writeIPv6Header(buf: Buffer, off: number, spec: IPv6Spec, payloadLength: number): number {
  const hl = ipv6HeaderLength(spec);
  const tc = spec.trafficClass ?? 0;
  buf.writeUInt32BE(((6 << 28) | (tc << 20) | ((spec.flowLabel ?? 0) & 0xfffff)) >>> 0, off);
  buf.writeUInt16BE(spec.payloadLength ?? hl - 40 + payloadLength, off + 4);
  const exts = spec.extensionHeaders ?? [];
  buf[off + 6] = exts.length > 0 ? exts[0]!.type : spec.nextHeader;
  buf[off + 7] = spec.hopLimit ?? 64;
  spec.src.copy(buf, off + 8);
  spec.dst.copy(buf, off + 24);
  let p = off + 40;
  exts.forEach((h, i) => {
    const len = extLength(h);
    buf[p] = i + 1 < exts.length ? exts[i + 1]!.type : spec.nextHeader;
    switch (h.type) {
      case 0:
      case 60: {
        buf[p + 1] = len / 8 - 1;
        const o = h.options ?? Buffer.alloc(0);
        o.copy(buf, p + 2);
        padOptions(buf, p + 2 + o.length, p + len);
        break;
      }
      case 43: {
        buf[p + 1] = len / 8 - 1;
        buf[p + 2] = h.routingType;
        buf[p + 3] = h.segmentsLeft;
        buf.fill(0, p + 4, p + len);
        h.data?.copy(buf, p + 4);
        break;
      }
      case 44: {
        buf[p + 1] = 0;
        buf.writeUInt16BE((h.offset & ~7) | (h.more ? 1 : 0), p + 2);
        buf.writeUInt32BE(h.id >>> 0, p + 4);
        break;
      }
    }
    p += len;
  });
  return hl;
}

export function ipv6Packet(spec: IPv6Spec, payload: Buffer): Buffer {
  const hl = ipv6HeaderLength(spec);
  const out = Buffer.allocUnsafe(hl + payload.length);
  writeIPv6Header(out, 0, spec, payload.length);
  payload.copy(out, hl);
  return out;
}
