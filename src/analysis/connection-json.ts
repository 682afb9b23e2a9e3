import type { ConnectionFacts, FlightFacts, TimedCommand } from '../diagnose/facts.js';
import type { Verdict } from '../diagnose/verdict.js';
import type { Transaction } from '../smtp/model.js';
import { endpointText } from '../tcp/connection.js';
import type { Gap } from '../tcp/facts.js';
import { KIND_SYN_ACK } from '../tcp/packet-log.js';
import { type Clock, ms } from './clock.js';
import type { CommandJson, ConnectionJson, FlightJson, TransactionJson } from './report-model.js';
import type { FlightSummary } from '../diagnose/rules/flight-size-threshold.js';

// Built once per connection, for every connection: plain loops (indexed where they run per command: an unoptimised
// for-of makes an iterator), each output object made once and nothing made only to be thrown away.

/** Renders one diagnosed connection into the JSON contract's shape. `brief`: only what a clean connection's table row
 * needs — the full rendering without commands, flights, transactions, findings, anomalies and gaps (empty lists),
 * none of them built (test/healthy-summary.test.ts holds the two equal). */
export function buildConnectionJson(f: ConnectionFacts, v: Verdict, clock: Clock, brief = false): ConnectionJson {
  const c = f.connection;
  const s = f.session;
  const rtt = f.rtt;
  const h = c.handshake;
  const server = c.serverHalf;
  const synAck = server.packets.firstOfKind(KIND_SYN_ACK);
  return {
    id: c.id,
    client: endpointText(c.client),
    server: endpointText(c.server),
    start: clock.iso(c.firstAt),
    end: clock.iso(c.lastAt),
    durationMs: ms(c.lastAt - c.firstAt),
    vantage: v.vantage,
    handshakeRttMs: rtt ? ms(rtt.total) : null,
    handshake: {
      synAt: h.synAt === null ? null : clock.iso(h.synAt),
      synAckAt: h.synAckAt === null ? null : clock.iso(h.synAckAt),
      ackAt: h.ackAt === null ? null : clock.iso(h.ackAt),
      synAckTtl: synAck >= 0 ? server.packets.ttlOf(synAck) : null,
    },
    outcome: v.outcome,
    diagnosis: v.diagnosis,
    diagnosisConfidence: v.confidence,
    middlebox: v.middlebox,
    summary: v.summary,
    banner: s.banner ? { code: s.banner.code, text: s.banner.lines.length === 1 ? s.banner.lines[0]! : s.banner.lines.join('\n'), at: clock.iso(s.banner.at) } : null,
    commands: brief ? [] : commandsJson(f.commands, clock),
    flights: brief ? [] : flightsJson(f.flights, clock),
    transactions: brief ? [] : transactionsJson(s.transactions),
    findings: brief ? [] : v.findings,
    tcp: {
      clientPackets: c.clientHalf.packetCount,
      serverPackets: server.packetCount,
      clientBytes: c.clientHalf.highestSeen,
      serverBytes: server.highestSeen,
      retransmissions: c.clientHalf.retransmittedSegments + server.retransmittedSegments,
      gaps: brief ? [] : gapsJson(c.clientHalf.gaps, server.gaps),
      closedBy: closedBy(f),
    },
    anomalies: brief ? [] : s.anomalies.map((a) => ({ kind: a.kind, offset: a.offset, detail: a.detail })),
  };
}

function commandsJson(commands: TimedCommand[], clock: Clock): CommandJson[] {
  const out: CommandJson[] = [];
  for (let i = 0; i < commands.length; i++) {
    const t = commands[i]!;
    const cmd = t.command;
    const r = cmd.reply;
    const json: CommandJson = {
      command: cmd.verb,
      argument: cmd.argument,
      offset: cmd.offset,
      length: cmd.length,
      sentAt: clock.iso(t.sentAt),
      ackedAt: t.ack ? clock.iso(t.ack.packet.at) : null,
      flight: t.flight,
      reply: r ? { code: r.code, text: r.lines.length === 1 ? r.lines[0]! : r.lines.join('\n'), at: clock.iso(r.at), latencyMs: ms(r.at - t.sentAt) } : null,
    };
    if (cmd.replyLost) json.replyLostInCapture = true; // present only when true (last, as the contract's order has it)
    out.push(json);
  }
  return out;
}

/** The flights that carried commands. */
function flightsJson(flights: FlightFacts[], clock: Clock): FlightJson[] {
  const out: FlightJson[] = [];
  for (let i = 0; i < flights.length; i++) {
    const x = flights[i]!;
    if (x.commands.length === 0) continue;
    const ack = x.ack?.packet;
    out.push({
      index: x.flight.index,
      offset: x.flight.start,
      length: x.flight.end - x.flight.start,
      sentAt: clock.iso(x.flight.firstAt),
      commands: x.commands.length,
      answered: x.answered,
      replyBoundary: x.replyBoundary,
      ack: ack ? { at: clock.iso(ack.at), delayMs: ms(ack.at - x.flight.firstAt), frame: ack.frame, input: ack.input, ttl: ack.ttl, ipId: ack.ipId, window: ack.window } : null,
    });
  }
  return out;
}

function transactionsJson(transactions: Transaction[]): TransactionJson[] {
  const out: TransactionJson[] = [];
  for (const t of transactions) {
    const rcptTo: string[] = [];
    const rcptCodes: (number | null)[] = [];
    for (const r of t.rcpts) {
      rcptTo.push(r.address);
      rcptCodes.push(r.command.reply?.code ?? null);
    }
    out.push({ mailFrom: t.mailFrom, rcptTo, rcptCodes, dataBytes: t.dataBytes, messageId: t.messageId, subject: t.subject, outcome: t.outcome });
  }
  return out;
}

function gapsJson(client: Gap[], server: Gap[]): ConnectionJson['tcp']['gaps'] {
  const out: ConnectionJson['tcp']['gaps'] = [];
  for (const g of client) out.push({ side: 'client', offset: g.start, length: g.end - g.start, reason: g.reason, acked: g.acked });
  for (const g of server) out.push({ side: 'server', offset: g.start, length: g.end - g.start, reason: g.reason, acked: g.acked });
  return out;
}

/** The first of the FINs and RSTs; on a tie, in the order client FIN, server FIN, client RST, server RST. */
function closedBy(f: ConnectionFacts): string {
  const e = f.end;
  let at = Infinity;
  let by = 'open at end of capture';
  // Only a strictly earlier one replaces what was found: that is the tie order. (No closure: this runs per connection.)
  if (e.clientFinAt !== null && e.clientFinAt < at) {
    at = e.clientFinAt;
    by = 'client FIN';
  }
  if (e.serverFinAt !== null && e.serverFinAt < at) {
    at = e.serverFinAt;
    by = 'server FIN';
  }
  if (e.clientRstAt !== null && e.clientRstAt < at) {
    at = e.clientRstAt;
    by = 'client RST';
  }
  if (e.serverRstAt !== null && e.serverRstAt < at) by = 'server RST';
  return by;
}

/** What the cross-connection flight-size rule reads of a connection (as flightSummary reads it from the JSON), taken
 * from the facts: the same for a brief rendering, which lists no flights. */
export function flightSummaryOfFacts(f: ConnectionFacts): FlightSummary {
  // Kept for every connection until the capture ends: most have no pipelined flight and share one empty list; the
  // others get a list of exactly their size (a push into [] would reserve 17 slots).
  let pipelined = 0;
  for (let i = 0; i < f.flights.length; i++) if (f.flights[i]!.commands.length >= 2) pipelined++;
  if (pipelined === 0) return { id: f.connection.id, flights: NO_PIPELINED_FLIGHTS };
  // (Filled in order; a long list grows instead: V8 makes `new Array(n)` a slow dictionary for large n.)
  const flights: FlightSummary['flights'] = pipelined <= 4096 ? new Array(pipelined) : [];
  let n = 0;
  for (let i = 0; i < f.flights.length; i++) {
    const x = f.flights[i]!;
    if (x.commands.length < 2) continue;
    flights[n++] = { commands: x.commands.length, length: x.flight.end - x.flight.start, offset: x.flight.start, replyBoundary: x.replyBoundary };
  }
  return { id: f.connection.id, flights };
}

/** The flights of every summary with none: shared, read only (the flight-size rule iterates them). */
const NO_PIPELINED_FLIGHTS: FlightSummary['flights'] = [];
