// TCP header (RFC 9293 §3.1) and options: MSS (2), window scale (3, RFC 7323), SACK-permitted (4)
// and SACK (5, RFC 2018), timestamps (8, RFC 7323), NOP (1), EOL (0).
import { finishChecksum, onesSum, pseudoHeaderSum } from './checksum.js';

export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackPermitted' }
  | { kind: 'sack'; blocks: Array<[number, number]> }
  | { kind: 'timestamps'; tsval: number; tsecr: number }
  | { kind: 'raw'; type: number; data: Buffer };

function optionLength(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
    case 'nop': return 1;
    case 'mss': return 4;
    case 'wscale': return 3;
    case 'sackPermitted': return 2;
    case 'sack': return 2 + 8 * o.blocks.length;
    case 'timestamps': return 10;
    case 'raw': return 2 + o.data.length;
  }
}

export function tcpOptionsLength(options: readonly TcpOption[]): number {
  let n = 0;
  for (const o of options) n += optionLength(o);
  return (n + 3) & ~3;
}

/** Writes options at buf[off], zero-padded (EOL) to a multiple of 4; returns bytes written. */
export function writeTcpOptions(buf: Buffer, off: number, options: readonly TcpOption[]): number {
  let p = off;
  for (const o of options) {
    switch (o.kind) {
      case 'eol': buf[p++] = 0; break;
      case 'nop': buf[p++] = 1; break;
      case 'mss': buf[p] = 2; buf[p + 1] = 4; buf.writeUInt16BE(o.value, p + 2); p += 4; break;
      case 'wscale': buf[p] = 3; buf[p + 1] = 3; buf[p + 2] = o.shift; p += 3; break;
      case 'sackPermitted': buf[p] = 4; buf[p + 1] = 2; p += 2; break;
      case 'sack':
        buf[p] = 5; buf[p + 1] = 2 + 8 * o.blocks.length; p += 2;
        for (const [l, r] of o.blocks) { buf.writeUInt32BE(l >>> 0, p); buf.writeUInt32BE(r >>> 0, p + 4); p += 8; }
        break;
      case 'timestamps':
        buf[p] = 8; buf[p + 1] = 10; buf.writeUInt32BE(o.tsval >>> 0, p + 2); buf.writeUInt32BE(o.tsecr >>> 0, p + 6); p += 10;
        break;
      case 'raw': buf[p] = o.type; buf[p + 1] = 2 + o.data.length; o.data.copy(buf, p + 2); p += 2 + o.data.length; break;
    }
  }
  const end = off + tcpOptionsLength(options);
  buf.fill(0, p, end);
  return end - off;
}

export interface TcpSpec {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number;
  urgent?: number;
  options?: readonly TcpOption[];
  /** Force a checksum value (e.g. 0 as left by checksum offload); computed when absent. */
  checksum?: number;
}

export function tcpHeaderLength(spec: TcpSpec): number {
  const n = 20 + tcpOptionsLength(spec.options ?? []);
  if (n > 60) throw new Error('TCP options longer than 40 bytes');
  return n;
}

/**
 * Writes a TCP header at buf[off]; the payload must already sit at buf[off + headerLength].
 * Computes the checksum over the pseudo header (src/dst IP) + header + payload.
 */
export function writeTcpHeader(buf: Buffer, off: number, spec: TcpSpec, payloadLength: number, srcIP: Buffer, dstIP: Buffer): number {
  const hl = tcpHeaderLength(spec);
  buf.writeUInt16BE(spec.srcPort, off);
  buf.writeUInt16BE(spec.dstPort, off + 2);
  buf.writeUInt32BE(spec.seq >>> 0, off + 4);
  buf.writeUInt32BE(spec.ack >>> 0, off + 8);
  buf[off + 12] = (hl >> 2) << 4;
  buf[off + 13] = spec.flags & 0xff;
  buf.writeUInt16BE(spec.window ?? 65535, off + 14);
  buf.writeUInt16BE(0, off + 16);
  buf.writeUInt16BE(spec.urgent ?? 0, off + 18);
  writeTcpOptions(buf, off + 20, spec.options ?? []);
  const segLen = hl + payloadLength;
  const sum = spec.checksum ?? finishChecksum(onesSum(buf, off, off + segLen, pseudoHeaderSum(srcIP, dstIP, 6, segLen)));
  buf.writeUInt16BE(sum, off + 16);
  return hl;
}

export function tcpSegment(spec: TcpSpec, payload: Buffer, srcIP: Buffer, dstIP: Buffer): Buffer {
  const hl = tcpHeaderLength(spec);
  const out = Buffer.allocUnsafe(hl + payload.length);
  payload.copy(out, hl);
  writeTcpHeader(out, 0, spec, payload.length, srcIP, dstIP);
  return out;
}
