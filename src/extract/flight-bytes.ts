import { CaptureInput } from '../capture/input.js';
import { readFrames } from '../capture/merge.js';
import { decodeFrame } from '../decode/ip-tcp.js';
import { SYN } from '../decode/packet.js';
import type { ConnectionJson } from '../analysis/report-model.js';
import { isoMs } from '../select/time-spec.js';

/** A byte range of one connection's client stream to recover from the capture. */
export interface FlightWanted {
  connection: ConnectionJson;
  flight: number;
  offset: number;
  length: number;
}

export interface FlightBytes {
  want: FlightWanted;
  bytes: Buffer;
  /** Bytes of the range the capture does not hold (lost at the capture point, or cut by the snaplen). */
  missing: number;
}

function endpoint(text: string): { ip: string; port: number } {
  const v6 = /^\[(.*)\]:(\d+)$/.exec(text);
  if (v6) return { ip: v6[1]!, port: Number(v6[2]) };
  const i = text.lastIndexOf(':');
  return { ip: text.slice(0, i), port: Number(text.slice(i + 1)) };
}

const TWO32 = 4294967296;

/** Reads the capture a second time and copies the client's bytes of each wanted range, by stream offset (0 = first
 * byte after the SYN; without a SYN, the first byte seen, as the tracker counts). Only the connections' own packets,
 * within their time span, are read, so a reused 4-tuple elsewhere in the capture is not mixed in. */
export async function recoverFlightBytes(files: string[], wanted: FlightWanted[]): Promise<FlightBytes[]> {
  const perConnection = new Map<ConnectionJson, { wants: FlightBytes[]; filled: Uint8Array[]; base: number | null }>();
  for (const w of wanted) {
    const e = perConnection.get(w.connection) ?? { wants: [], filled: [], base: null };
    e.wants.push({ want: w, bytes: Buffer.alloc(w.length), missing: w.length });
    e.filled.push(new Uint8Array(w.length));
    perConnection.set(w.connection, e);
  }
  const keys = [...perConnection].map(([c, state]) => ({ c, state, client: endpoint(c.client), server: endpoint(c.server), startMs: isoMs(c.start) - 1, endMs: isoMs(c.end) + 1 }));
  const inputs = files.map((p, i) => new CaptureInput(p, i));
  await readFrames(inputs, (frame) => {
    const p = decodeFrame(frame);
    if (typeof p === 'string') return;
    const atMs = p.sec * 1000 + p.nsec / 1e6;
    for (const k of keys) {
      if (p.src !== k.client.ip || p.srcPort !== k.client.port || p.dst !== k.server.ip || p.dstPort !== k.server.port) continue;
      if (atMs < k.startMs || atMs > k.endMs) continue;
      if (p.flags & SYN) {
        k.state.base = (p.seq + 1) % TWO32;
        continue;
      }
      if (!p.payload.length) continue;
      if (k.state.base === null) k.state.base = p.seq;
      const start = (p.seq - k.state.base + TWO32) % TWO32;
      k.state.wants.forEach((fb, i) => {
        const w = fb.want;
        const from = Math.max(start, w.offset);
        const to = Math.min(start + p.payload.length, w.offset + w.length);
        if (from >= to) return;
        p.payload.copy(fb.bytes, from - w.offset, from - start, to - start);
        k.state.filled[i]!.fill(1, from - w.offset, to - w.offset);
      });
    }
  });
  const out: FlightBytes[] = [];
  for (const { wants, filled } of perConnection.values()) {
    wants.forEach((fb, i) => {
      fb.missing = filled[i]!.reduce((n, b) => n + (b ? 0 : 1), 0);
      out.push(fb);
    });
  }
  return out;
}

/** AUTH lines may carry an initial response (a credential, RFC 4954 §4): everything after the mechanism is replaced
 * by 'x' of the same length, so offsets and segment sizes stay exact and no secret is ever written. */
export function maskCredentials(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  let lineStart = 0;
  while (lineStart < out.length) {
    let end = out.indexOf(0x0a, lineStart);
    if (end < 0) end = out.length;
    const line = out.subarray(lineStart, end).toString('latin1');
    const m = /^(AUTH[ \t]+\S+)([ \t].*?)?(\r?)$/i.exec(line);
    if (m && m[2]) out.fill('x'.charCodeAt(0), lineStart + m[1]!.length + 1, lineStart + m[1]!.length + m[2].length);
    lineStart = end + 1;
  }
  return out;
}
