import type { SmtpSession } from '../../smtp/session.js';
import type { SessionLimits } from '../../smtp/session.js';
import type { Connection } from '../../tcp/connection.js';
import type { TrackerOptions } from '../../tcp/tracker.js';
import type { Finding } from '../verdict.js';

/** Which bounded resource ran out, and the CLI option that raises it. */
export interface LimitHit {
  limit: 'max-connections' | 'max-buffered-bytes' | 'max-line-length' | 'max-pending-commands' | 'max-commands' | 'max-held-bytes' | 'packet-facts' | 'anomalies';
  /** What was given up, in words ("4 MB of out-of-order client bytes skipped as a gap"). */
  dropped: string;
}

export const LIMIT_OPTIONS: Record<LimitHit['limit'], string | null> = {
  'max-connections': '--max-connections',
  'max-buffered-bytes': '--max-buffered-bytes',
  'max-line-length': '--max-line-length',
  'max-pending-commands': '--max-pending-commands',
  'max-commands': '--max-commands',
  'max-held-bytes': null,
  'packet-facts': null,
  anomalies: null,
};

/** Every bounded resource this connection ran out of. Memory limits keep hostile input cheap; this makes sure that
 * whatever they dropped is said in the report, never lost silently. */
export function limitHits(c: Connection, s: SmtpSession, finishedBy: string, t: TrackerOptions, l: SessionLimits): LimitHit[] {
  const hits: LimitHit[] = [];
  if (finishedBy === 'evicted') {
    hits.push({ limit: 'max-connections', dropped: `finished early, while still open, because more than ${t.maxOpenConnections} connections were open at once; packets after that start a new connection` });
  }
  for (const [side, half] of [['client', c.clientHalf], ['server', c.serverHalf]] as const) {
    const given = half.gaps.filter((g) => g.reason === 'buffer-limit');
    if (half.bufferLimitHits || given.length) {
      const bytes = given.reduce((n, g) => n + g.end - g.start, 0);
      hits.push({ limit: 'max-buffered-bytes', dropped: `more than ${t.maxBufferedBytes} bytes of out-of-order ${side} data waited for a missing segment; the hole (${bytes} bytes in ${given.length} gap(s)) was given up and reading went on after it` });
    }
    if (half.packetCount > half.packets.length) {
      hits.push({ limit: 'packet-facts', dropped: `${side} packet details (TTL, IP ID, window) kept for the first ${half.packets.length} of ${half.packetCount} packets only; later ones are counted` });
    }
  }
  const longLines = s.overlongLines();
  if (longLines.client + longLines.server) {
    hits.push({ limit: 'max-line-length', dropped: `${longLines.client} client and ${longLines.server} server line(s) longer than ${l.maxLineChars} characters: their text was cut at that length (their byte counts are exact)` });
  }
  if (s.pendingOverflows) {
    hits.push({ limit: 'max-pending-commands', dropped: `more than ${l.maxPendingCommands} commands were waiting for replies; the queue was cleared ${s.pendingOverflows} time(s), so which reply answers which command is uncertain after that` });
  }
  if (s.commandsDropped) {
    hits.push({ limit: 'max-commands', dropped: `${s.commandsDropped} command(s) after the first ${l.maxCommands} were counted but not listed (their transactions and recipients neither)` });
  }
  const held = s.anomalies.filter((a) => a.kind === 'held-bytes-limit').length;
  if (held) hits.push({ limit: 'max-held-bytes', dropped: `${held} time(s) the client sent more than ${l.maxHeldBytes} bytes before the reply to DATA/AUTH/STARTTLS; they were read as if it had been accepted` });
  for (const o of s.anomalies.overflowed()) {
    hits.push({ limit: 'anomalies', dropped: `${o.total} "${o.kind}" anomalies; the first ${o.kept - 1} and the last are listed` });
  }
  return hits;
}

export function limitFindings(hits: LimitHit[]): Finding[] {
  return hits.map((h) => {
    const option = LIMIT_OPTIONS[h.limit];
    return {
      kind: 'limit-reached',
      severity: h.limit === 'packet-facts' || h.limit === 'anomalies' ? 'info' : 'warning',
      confidence: 1,
      message: `Limit reached (${h.limit}): ${h.dropped}${option ? `; raise it with ${option}` : ''}.`,
      evidence: { limit: h.limit, option, dropped: h.dropped },
    };
  });
}

/** A retransmission that carried different bytes than the first copy (kept, as Wireshark and Zeek do). */
export function retransmissionMismatchFindings(c: Connection): Finding[] {
  const out: Finding[] = [];
  for (const [side, half] of [['client', c.clientHalf], ['server', c.serverHalf]] as const) {
    if (!half.inconsistentRetransmissions || !half.firstInconsistency) continue;
    out.push({
      kind: 'retransmission-mismatch',
      severity: 'warning',
      confidence: 1,
      message: `${half.inconsistentRetransmissions} ${side} retransmission(s) carried different bytes than the first copy (first at ${side} stream offset ${half.firstInconsistency.offset}); the first copy was kept, as Wireshark and Zeek do. Overlapping segments with different content are an IDS-evasion trick or a broken middlebox.`,
      evidence: { side, segments: half.inconsistentRetransmissions, offset: half.firstInconsistency.offset },
    });
  }
  return out;
}
