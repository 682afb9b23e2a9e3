// IPv4 header (RFC 791) with options, DF/MF, fragment offset and a correct header checksum.
import { internetChecksum } from './checksum.js';

export interface IPv4Spec {
  src: Buffer;
  dst: Buffer;
  protocol: number;
  ttl?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (must be a multiple of 8). */
  fragmentOffset?: number;
  tos?: number;
  /** Raw option bytes; padded with zeros (EOL) to a multiple of 4. */
  options?: Buffer;
  /** Force a header checksum value (e.g. a bad one); computed when absent. */
  checksum?: number;
  /** Force the total-length field; computed when absent. */
  totalLength?: number;
}

export function ipv4HeaderLength(spec: IPv4Spec): number {
  const opt = spec.options?.length ?? 0;
  return 20 + ((opt + 3) & ~3);
}

/** Writes the header for `payloadLength` bytes of payload at buf[off]; returns the header length. */
export function writeIPv4Header(buf: Buffer, off: number, spec: IPv4Spec, payloadLength: number): number {
  const hl = ipv4HeaderLength(spec);
  if (hl > 60) throw new Error('IPv4 options longer than 40 bytes');
  const fragOff = spec.fragmentOffset ?? 0;
  if (fragOff % 8 !== 0) throw new Error('IPv4 fragment offset must be a multiple of 8');
  buf[off] = 0x40 | (hl >> 2);
  buf[off + 1] = spec.tos ?? 0;
  buf.writeUInt16BE(spec.totalLength ?? hl + payloadLength, off + 2);
  buf.writeUInt16BE((spec.id ?? 0) & 0xffff, off + 4);
  buf.writeUInt16BE((spec.df ? 0x4000 : 0) | (spec.mf ? 0x2000 : 0) | (fragOff >> 3), off + 6);
  buf[off + 8] = spec.ttl ?? 64;
  buf[off + 9] = spec.protocol;
  buf.writeUInt16BE(0, off + 10);
  spec.src.copy(buf, off + 12);
  spec.dst.copy(buf, off + 16);
  if (spec.options) {
    buf.fill(0, off + 20, off + hl);
    spec.options.copy(buf, off + 20);
  }
  buf.writeUInt16BE(spec.checksum ?? internetChecksum(buf, off, off + hl), off + 10);
  return hl;
}

export function ipv4Packet(spec: IPv4Spec, payload: Buffer): Buffer {
  const hl = ipv4HeaderLength(spec);
  const out = Buffer.allocUnsafe(hl + payload.length);
  writeIPv4Header(out, 0, spec, payload.length);
  payload.copy(out, hl);
  return out;
}

/**
 * Splits a complete IPv4 packet into fragments (RFC 791 §3.2) carrying at most `maxFragmentPayload`
 * bytes each (rounded down to a multiple of 8). Options are copied into every fragment (a
 * simplification: only "copied" options should be; fixtures use none).
 */
export function fragmentIPv4(packet: Buffer, maxFragmentPayload: number): Buffer[] {
  const hl = (packet[0]! & 0x0f) * 4;
  const total = packet.readUInt16BE(2);
  const payload = packet.subarray(hl, total);
  const step = maxFragmentPayload & ~7;
  if (step <= 0) throw new Error('fragment payload must be at least 8 bytes');
  const flags = packet.readUInt16BE(6);
  const baseOffset = (flags & 0x1fff) * 8;
  const origMF = (flags & 0x2000) !== 0;
  const out: Buffer[] = [];
  for (let pos = 0; pos < payload.length; pos += step) {
    const piece = payload.subarray(pos, Math.min(pos + step, payload.length));
    const last = pos + step >= payload.length;
    const frag = Buffer.allocUnsafe(hl + piece.length);
    packet.copy(frag, 0, 0, hl);
    frag.writeUInt16BE(hl + piece.length, 2);
    frag.writeUInt16BE((flags & 0x4000) | (!last || origMF ? 0x2000 : 0) | ((baseOffset + pos) >> 3), 6);
    frag.writeUInt16BE(0, 10);
    frag.writeUInt16BE(internetChecksum(frag, 0, hl), 10);
    piece.copy(frag, hl);
    out.push(frag);
  }
  return out;
}
