import type { ConnectionFacts } from '../diagnose/facts.js';
import type { Verdict } from '../diagnose/verdict.js';
import { endpointText } from '../tcp/connection.js';
import { type Clock, ms } from './clock.js';
import type { CommandJson, ConnectionJson } from './report-model.js';

/** Renders one diagnosed connection into the JSON contract's shape. */
export function buildConnectionJson(f: ConnectionFacts, v: Verdict, clock: Clock): ConnectionJson {
  const c = f.connection;
  const s = f.session;
  const commands: CommandJson[] = f.commands.map((t) => {
    const cmd = t.command;
    const r = cmd.reply;
    return {
      command: cmd.verb,
      argument: cmd.argument,
      offset: cmd.offset,
      length: cmd.length,
      sentAt: clock.iso(t.sentAt),
      ackedAt: t.ack ? clock.iso(t.ack.packet.at) : null,
      flight: t.flight,
      reply: r ? { code: r.code, text: r.lines.join('\n'), at: clock.iso(r.at), latencyMs: ms(r.at - t.sentAt) } : null,
      ...(cmd.replyLost ? { replyLostInCapture: true } : {}),
    };
  });
  const gaps = [
    ...c.clientHalf.gaps.map((g) => ({ side: 'client' as const, offset: g.start, length: g.end - g.start, reason: g.reason, acked: g.acked })),
    ...c.serverHalf.gaps.map((g) => ({ side: 'server' as const, offset: g.start, length: g.end - g.start, reason: g.reason, acked: g.acked })),
  ];
  const rtt = f.rtt;
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
      synAt: c.handshake.synAt === null ? null : clock.iso(c.handshake.synAt),
      synAckAt: c.handshake.synAckAt === null ? null : clock.iso(c.handshake.synAckAt),
      ackAt: c.handshake.ackAt === null ? null : clock.iso(c.handshake.ackAt),
      synAckTtl: c.serverHalf.packets.find((p) => p.kind === 'syn-ack')?.ttl ?? null,
    },
    outcome: v.outcome,
    diagnosis: v.diagnosis,
    diagnosisConfidence: v.confidence,
    middlebox: v.middlebox,
    summary: v.summary,
    banner: s.banner ? { code: s.banner.code, text: s.banner.lines.join('\n'), at: clock.iso(s.banner.at) } : null,
    commands,
    flights: f.flights
      .filter((x) => x.commands.length > 0)
      .map((x) => ({
        index: x.flight.index,
        offset: x.flight.start,
        length: x.flight.end - x.flight.start,
        sentAt: clock.iso(x.flight.firstAt),
        commands: x.commands.length,
        answered: x.answered,
        replyBoundary: x.replyBoundary,
        ack: x.ack
          ? { at: clock.iso(x.ack.packet.at), delayMs: ms(x.ack.packet.at - x.flight.firstAt), frame: x.ack.packet.frame, input: x.ack.packet.input, ttl: x.ack.packet.ttl, ipId: x.ack.packet.ipId, window: x.ack.packet.window }
          : null,
      })),
    transactions: s.transactions.map((t) => ({
      mailFrom: t.mailFrom,
      rcptTo: t.rcpts.map((r) => r.address),
      rcptCodes: t.rcpts.map((r) => r.command.reply?.code ?? null),
      dataBytes: t.dataBytes,
      messageId: t.messageId,
      subject: t.subject,
      outcome: t.outcome,
    })),
    findings: v.findings,
    tcp: {
      clientPackets: c.clientHalf.packetCount,
      serverPackets: c.serverHalf.packetCount,
      clientBytes: c.clientHalf.highestSeen,
      serverBytes: c.serverHalf.highestSeen,
      retransmissions: c.clientHalf.retransmittedSegments + c.serverHalf.retransmittedSegments,
      gaps,
      closedBy: closedBy(f),
    },
    anomalies: s.anomalies.map((a) => ({ kind: a.kind, offset: a.offset, detail: a.detail })),
  };
}

function closedBy(f: ConnectionFacts): string {
  const e = f.end;
  const events: [number, string][] = [];
  if (e.clientFinAt !== null) events.push([e.clientFinAt, 'client FIN']);
  if (e.serverFinAt !== null) events.push([e.serverFinAt, 'server FIN']);
  if (e.clientRstAt !== null) events.push([e.clientRstAt, 'client RST']);
  if (e.serverRstAt !== null) events.push([e.serverRstAt, 'server RST']);
  if (!events.length) return 'open at end of capture';
  events.sort((a, b) => a[0] - b[0]);
  return events[0]![1];
}
