import type { ConnectionJson, FlightJson } from '../analysis/report-model.js';
import { flightVerbs } from './evidence.js';
import { formatMs, isoDiffMs } from './time.js';

export type Lane = 'client' | 'middle' | 'server';

/** One arrow (or note) of a sequence/ladder diagram, at the capture point's time (ms after the connection's start). */
export interface ExchangeEvent {
  atMs: number;
  from: Lane;
  to: Lane;
  kind: 'handshake' | 'data' | 'ack' | 'reply' | 'note';
  /** Built only from numbers, verbs and reply codes: never free capture text. */
  label: string;
  /** Part of what went wrong (an unanswered flight, the ACK that covered it, the silence after it). */
  alarm: boolean;
  /** For notes: how long the silence lasted (ms). */
  spanMs?: number;
}

export interface Exchange {
  middle: boolean;
  /** The middlebox terminates TCP (handshake and ACKs come from it), rather than only forging some packets. */
  splitProxy: boolean;
  events: ExchangeEvent[];
  /** Flights left out to keep the diagram readable. */
  omittedFlights: number;
}

/** Verbs are capture-derived (unknown verbs are kept verbatim): keep them to letters and digits in diagrams. */
export function safeVerb(v: string): string {
  return v.replace(/[^A-Za-z0-9.×, -]/g, '?').slice(0, 60);
}

function pickFlights(flights: FlightJson[], max = 8): FlightJson[] {
  if (flights.length <= max) return flights;
  const keep = new Set<number>([0, flights.length - 1]);
  flights.forEach((f, i) => {
    if (f.answered < f.commands) for (const j of [i - 1, i, i + 1]) if (j >= 0 && j < flights.length && keep.size < max + 4) keep.add(j);
  });
  return flights.filter((_, i) => keep.has(i));
}

/** The stalled exchange as diagram events: handshake, greeting, the client's flights with the packet that ACKed each,
 * the replies (grouped as they arrived), silences, and the close. A middlebox lane appears when one was inferred
 * (its ACKs come from it). */
export function buildExchange(c: ConnectionJson): Exchange {
  const middle = c.middlebox !== null && c.middlebox.kind !== 'smtp-inspection';
  // Who answers at the TCP level: a split proxy terminates the handshake itself; a box that only forges ACKs (or
  // injects resets) leaves the handshake to the server and speaks up only for the stalled flight.
  const splitProxy = c.middlebox?.kind === 'split-proxy';
  const tcpPeer: Lane = middle ? 'middle' : 'server';
  const handshakePeer: Lane = splitProxy ? 'middle' : 'server';
  const t = (iso: string) => isoDiffMs(iso, c.start);
  const ev: ExchangeEvent[] = [];
  const h = c.handshake;
  if (h?.synAt) ev.push({ atMs: t(h.synAt), from: 'client', to: handshakePeer, kind: 'handshake', label: 'SYN', alarm: false });
  if (h?.synAckAt) {
    const rtt = h.synAt ? ` +${formatMs(isoDiffMs(h.synAckAt, h.synAt))}` : '';
    ev.push({ atMs: t(h.synAckAt), from: handshakePeer, to: 'client', kind: 'handshake', label: `SYN/ACK${rtt}${h.synAckTtl != null ? ` TTL ${h.synAckTtl}` : ''}`, alarm: false });
  }
  if (h?.ackAt) ev.push({ atMs: t(h.ackAt), from: 'client', to: handshakePeer, kind: 'handshake', label: 'ACK', alarm: false });
  if (c.banner) ev.push({ atMs: t(c.banner.at), from: 'server', to: 'client', kind: 'reply', label: `${c.banner.code} greeting`, alarm: false });

  const shown = pickFlights(c.flights);
  const shownIdx = new Set(shown.map((f) => f.index));
  for (const f of shown) {
    const stalled = f.answered < f.commands;
    ev.push({ atMs: t(f.sentAt), from: 'client', to: 'server', kind: 'data', label: `${safeVerb(flightVerbs(c, f.index))} (${f.length} B @${f.offset})`, alarm: stalled });
    if (f.ack) {
      const from: Lane = stalled ? tcpPeer : splitProxy ? 'middle' : 'server';
      ev.push({ atMs: t(f.ack.at), from, to: 'client', kind: 'ack', label: `ACK +${formatMs(f.ack.delayMs)} TTL ${f.ack.ttl}${f.ack.ipId !== null ? ` IP ID ${f.ack.ipId}` : ''}`, alarm: stalled });
    }
    if (stalled) {
      const next = c.flights.find((x) => x.index > f.index);
      const until = next ? t(next.sentAt) : t(c.end);
      // The silence is counted from the ACK: from then on the client's TCP considered the bytes delivered.
      const from = f.ack ? t(f.ack.at) : t(f.sentAt);
      const silent = until - from;
      ev.push({ atMs: from, from: tcpPeer, to: 'server', kind: 'note', label: `no reply to ${f.commands - f.answered} of ${f.commands} command(s) for ${formatMs(silent)}`, alarm: true, spanMs: silent });
    }
  }
  // Replies that arrived together (one segment) become one arrow.
  const groups = new Map<string, { codes: number[]; verbs: string[]; latency: number }>();
  for (const cmd of c.commands) {
    if (!cmd.reply || !shownIdx.has(cmd.flight)) continue;
    const g = groups.get(cmd.reply.at) ?? { codes: [], verbs: [], latency: cmd.reply.latencyMs };
    g.codes.push(cmd.reply.code);
    g.verbs.push(cmd.command);
    groups.set(cmd.reply.at, g);
  }
  for (const [at, g] of groups) {
    const codes = g.codes.length > 3 ? `${g.codes[0]}…${g.codes[g.codes.length - 1]} (${g.codes.length} replies)` : g.codes.join(', ');
    ev.push({ atMs: t(at), from: 'server', to: 'client', kind: 'reply', label: `${codes} ← ${safeVerb(g.verbs.length > 3 ? `${g.verbs[0]}…${g.verbs[g.verbs.length - 1]}` : g.verbs.join(', '))} ${formatMs(g.latency)}`, alarm: false });
  }
  ev.push({ atMs: t(c.end), from: 'client', to: 'server', kind: 'note', label: `end: ${c.tcp.closedBy}`, alarm: false });
  ev.sort((a, b) => a.atMs - b.atMs || order(a) - order(b));
  return { middle, splitProxy, events: ev, omittedFlights: c.flights.length - shown.length };
}

function order(e: ExchangeEvent): number {
  return { handshake: 0, data: 1, ack: 2, note: 3, reply: 4 }[e.kind];
}
