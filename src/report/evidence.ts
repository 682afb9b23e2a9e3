import type { ConnectionJson, FlightJson } from '../analysis/report-model.js';
import { formatMs, isoDiffMs } from './time.js';
import { verbRuns } from '../analysis/verb-runs.js';

/** One line of a problem connection's evidence table: what was measured and its value, for a sceptical reader. */
export interface EvidenceRow {
  item: string;
  value: string;
}

/** Flights the client sent that did not get a reply to every command in them. */
export function unansweredFlights(c: ConnectionJson): FlightJson[] {
  return c.flights.filter((f) => f.answered < f.commands);
}

export function isProblem(c: ConnectionJson): boolean {
  return c.diagnosis !== 'none';
}

/** "MAIL, 6×RCPT, DATA" for the commands of one flight. */
export function flightVerbs(c: ConnectionJson, flightIndex: number): string {
  return verbRuns(c.commands.filter((x) => x.flight === flightIndex).map((x) => x.command));
}

function fastestReplyMs(c: ConnectionJson): number | null {
  const quick = c.commands.filter((x) => x.reply && ['EHLO', 'HELO', 'MAIL', 'RCPT', 'NOOP', 'RSET', 'QUIT'].includes(x.command));
  return quick.length ? Math.min(...quick.map((x) => x.reply!.latencyMs)) : null;
}

function primitive(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object') ? v.join(', ') : `${v.length} item(s)`;
  return null;
}

/** The numbers behind the verdict: handshake timing and TTL, each unanswered flight's offsets and the packet that
 * acknowledged it (delay, TTL, IP ID, window), reply latencies, then every finding's own evidence. */
export function evidenceRows(c: ConnectionJson): EvidenceRow[] {
  const rows: EvidenceRow[] = [];
  rows.push({ item: 'capture point (vantage)', value: c.vantage });
  const h = c.handshake;
  if (c.handshakeRttMs !== null) {
    const synAck = h?.synAt && h.synAckAt ? `, SYN → SYN/ACK ${formatMs(isoDiffMs(h.synAckAt, h.synAt))}` : '';
    rows.push({ item: 'handshake RTT', value: `${formatMs(c.handshakeRttMs)}${synAck}${h?.synAckTtl != null ? `, SYN/ACK TTL ${h.synAckTtl}` : ''}` });
  } else rows.push({ item: 'handshake', value: 'not in the capture' });
  const fastest = fastestReplyMs(c);
  if (fastest !== null) rows.push({ item: 'fastest SMTP reply', value: formatMs(fastest) });
  for (const f of unansweredFlights(c)) {
    const label = `flight ${f.index} (${flightVerbs(c, f.index)})`;
    rows.push({ item: `${label}: sent`, value: `${f.sentAt}, ${f.length} bytes at client offsets ${f.offset}–${f.offset + f.length}` });
    rows.push({ item: `${label}: answered`, value: `${f.answered} of ${f.commands} commands; replies cover offsets up to ${f.replyBoundary}` });
    if (f.ack) {
      rows.push({
        item: `${label}: ACKed`,
        value: `${f.ack.at} (+${formatMs(f.ack.delayMs)}) by frame ${f.ack.frame}: TTL ${f.ack.ttl}, IP ID ${f.ack.ipId ?? 'n/a'}, window ${f.ack.window}`,
      });
    } else rows.push({ item: `${label}: ACKed`, value: 'never (no ACK in the capture)' });
  }
  for (const f of c.findings) {
    if (f.kind === 'vantage') continue;
    for (const [k, v] of Object.entries(f.evidence)) {
      const text = primitive(v);
      if (text !== null && text !== '') rows.push({ item: `${f.kind}: ${k}`, value: text });
    }
  }
  rows.push({ item: 'packets client / server', value: `${c.tcp.clientPackets} / ${c.tcp.serverPackets}, ${c.tcp.retransmissions} retransmission(s), closed by ${c.tcp.closedBy}` });
  if (c.tcp.gaps.length) rows.push({ item: 'capture gaps', value: c.tcp.gaps.map((g) => `${g.side} ${g.offset}+${g.length} (${g.reason}${g.acked ? ', ACKed' : ''})`).join('; ') });
  return rows;
}
