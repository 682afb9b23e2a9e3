import { closeSync, openSync, readSync } from 'node:fs';
import { instantSince } from '../analysis/clock.js';
import { u32be, u32le } from '../capture/byte-reads.js';
import { isPcapMagic } from '../capture/pcap.js';

// The per-packet floor: what decoding and tracking every packet costs when nothing is an object. A classic pcap read as
// the bare walk reads it; each Ethernet/IPv4/TCP frame decoded, its connection found in an open-addressing table keyed
// by the 4-tuple's integers, each direction's next sequence number, bytes, retransmissions, holes and highest ACK kept
// in one Int32Array, and one packet row (time, TTL, flags, window, IP ID, stream offset) written to a ring of columns.
// No SMTP, no diagnosis, no IPv6, VLAN or fragments: it is a reference for the bench, not an analysis. Measured against
// it, the analysis's decoding and TCP stages show what our objects and layers cost over the same per-packet work.

const CHUNK_BYTES = 4 << 20;
const RECORD_HEADER_BYTES = 16;
const TABLE_SLOTS = 1 << 17; // a power of two, well above the connections of a bench capture
const TABLE_STRIDE = 4; // first address, second address, both ports, connection number + 1
/** Int32s per direction: next sequence number, whether it is known, in-order bytes, packets, retransmitted segments,
 * holes, highest ACK seen of the peer, ACK advances, sequence base. */
const DIRECTION_STRIDE = 9;
const LOG_ROWS = 1 << 20;

export interface FloorCount {
  /** Ethernet/IPv4/TCP packets decoded and tracked. */
  tcpPackets: number;
  /** Distinct 4-tuples seen. */
  connections: number;
  /** Sequence space sent in order over both directions of every connection: payload bytes, and one for each FIN (as
   * the analysis's clientBytes and serverBytes count them). */
  inOrderBytes: number;
  /** Segments that started before the sender's next sequence number. */
  retransmissions: number;
}

/** Decodes and tracks every packet of the classic pcap at `path` (see above). */
export function packetFloor(path: string): FloorCount {
  const floor = new FloorTracker();
  const fd = openSync(path, 'r');
  try {
    const d = Buffer.allocUnsafe(CHUNK_BYTES);
    let have = readSync(fd, d, 0, CHUNK_BYTES, null);
    if (have < 24) return floor.count();
    if (!isPcapMagic(d)) throw new Error(`${path}: not a classic pcap file (the per-packet floor reads no other format)`);
    floor.littleEndian = d.readUInt32LE(0) === 0xa1b2c3d4 || d.readUInt32LE(0) === 0xa1b23c4d;
    floor.nanos = d.readUInt32LE(0) === 0xa1b23c4d || d.readUInt32BE(0) === 0xa1b23c4d;
    let pos = 24;
    for (;;) {
      pos = floor.records(d, have, pos);
      // Move the partial record to the front and read more behind it.
      d.copy(d, 0, pos, have);
      have -= pos;
      pos = 0;
      const n = readSync(fd, d, have, CHUNK_BYTES - have, null);
      if (n === 0) break;
      have += n;
    }
  } finally {
    closeSync(fd);
  }
  return floor.count();
}

class FloorTracker {
  littleEndian = true;
  nanos = false;
  private readonly table = new Int32Array(TABLE_SLOTS * TABLE_STRIDE);
  private directions = new Int32Array(1024 * 2 * DIRECTION_STRIDE);
  private readonly logAt = new Float64Array(LOG_ROWS);
  private readonly logBits = new Int32Array(LOG_ROWS * 2);
  private connections = 0;
  private logNext = 0;
  private tcpPackets = 0;
  private firstSec = -1;

  /** Every whole record of d[pos, have); returns where the first one not whole starts. */
  records(d: Buffer, have: number, pos: number): number {
    const le = this.littleEndian;
    while (have - pos >= RECORD_HEADER_BYTES) {
      const sec = le ? u32le(d, pos) : u32be(d, pos);
      const frac = le ? u32le(d, pos + 4) : u32be(d, pos + 4);
      const incl = le ? u32le(d, pos + 8) : u32be(d, pos + 8);
      const end = pos + RECORD_HEADER_BYTES + incl;
      if (end > have) break;
      if (this.firstSec < 0) this.firstSec = sec;
      this.packet(d, pos + RECORD_HEADER_BYTES, incl, instantSince(this.firstSec, sec, this.nanos ? frac : frac * 1000));
      pos = end;
    }
    return pos;
  }

  private packet(d: Buffer, p: number, incl: number, at: number): void {
    // Ethernet, IPv4, TCP, headers whole.
    if (incl < 54 || ((d[p + 12]! << 8) | d[p + 13]!) !== 0x0800) return;
    const ip = p + 14;
    if (d[ip]! >> 4 !== 4 || d[ip + 9] !== 6) return;
    const ihl = (d[ip]! & 15) * 4;
    const tcp = ip + ihl;
    const dataOffset = (d[tcp + 12]! >> 4) * 4;
    if (tcp + dataOffset > p + incl) return;
    this.tcpPackets++;
    const totalLength = (d[ip + 2]! << 8) | d[ip + 3]!;
    const src = u32be(d, ip + 12) | 0;
    const dst = u32be(d, ip + 16) | 0;
    const sPort = (d[tcp]! << 8) | d[tcp + 1]!;
    const dPort = (d[tcp + 2]! << 8) | d[tcp + 3]!;
    const seq = u32be(d, tcp + 4) | 0;
    const ack = u32be(d, tcp + 8) | 0;
    const flags = d[tcp + 13]!;
    // Sequence space the segment takes: its payload, and one for a FIN.
    const length = Math.max(0, totalLength - ihl - dataOffset) + (flags & 0x01);
    // The 4-tuple in a fixed order, so that both directions find the same slot.
    const srcFirst = src !== dst ? src >>> 0 < dst >>> 0 : sPort <= dPort;
    const conn = this.connectionOf(srcFirst ? src : dst, srcFirst ? dst : src, srcFirst ? (sPort << 16) | dPort : (dPort << 16) | sPort);
    const me = (conn * 2 + (srcFirst ? 0 : 1)) * DIRECTION_STRIDE;
    const peer = (conn * 2 + (srcFirst ? 1 : 0)) * DIRECTION_STRIDE;
    const dir = this.directions;
    if (flags & 0x02) {
      dir[me] = dir[me + 8] = (seq + 1) | 0;
      dir[me + 1] = 1;
    } else if (dir[me + 1] === 0) {
      dir[me] = dir[me + 8] = seq;
      dir[me + 1] = 1;
    }
    let offset = 0;
    if (length > 0) {
      const next = dir[me]!;
      const ahead = (seq - next) | 0;
      if (ahead === 0) {
        dir[me] = (next + length) | 0;
        dir[me + 2]! += length;
      } else if (ahead < 0) dir[me + 4]!++;
      else {
        dir[me + 5]!++;
        dir[me] = (seq + length) | 0;
      }
      offset = (seq - dir[me + 8]!) | 0;
    }
    if (flags & 0x10 && dir[peer + 1] !== 0 && (((ack - dir[peer + 6]!) | 0) > 0 || dir[peer + 7] === 0)) {
      dir[peer + 6] = ack;
      dir[peer + 7]!++;
    }
    dir[me + 3]!++;
    const row = this.logNext++ & (LOG_ROWS - 1);
    this.logAt[row] = at;
    this.logBits[2 * row] = (d[ip + 8]! << 24) | (flags << 16) | (d[tcp + 14]! << 8) | d[tcp + 15]!;
    this.logBits[2 * row + 1] = offset ^ (((d[ip + 4]! << 8) | d[ip + 5]!) << 16);
  }

  /** The connection number of the 4-tuple (a, b, ports), made on first sight. */
  private connectionOf(a: number, b: number, ports: number): number {
    const table = this.table;
    let slot = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(ports, 0x85ebca6b), 0xc2b2ae35) >>> 15;
    for (;;) {
      const t = slot * TABLE_STRIDE;
      const held = table[t + 3]!;
      if (held === 0) {
        const conn = this.connections++;
        table[t] = a;
        table[t + 1] = b;
        table[t + 2] = ports;
        table[t + 3] = conn + 1;
        if ((conn + 1) * 2 * DIRECTION_STRIDE > this.directions.length) {
          const more = new Int32Array(this.directions.length * 2);
          more.set(this.directions);
          this.directions = more;
        }
        return conn;
      }
      if (table[t] === a && table[t + 1] === b && table[t + 2] === ports) return held - 1;
      slot = (slot + 1) & (TABLE_SLOTS - 1);
    }
  }

  count(): FloorCount {
    let inOrderBytes = 0;
    let retransmissions = 0;
    for (let i = 0; i < this.connections * 2; i++) {
      inOrderBytes += this.directions[i * DIRECTION_STRIDE + 2]!;
      retransmissions += this.directions[i * DIRECTION_STRIDE + 4]!;
    }
    return { tcpPackets: this.tcpPackets, connections: this.connections, inOrderBytes, retransmissions };
  }
}
