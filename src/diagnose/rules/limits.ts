import type { SmtpSession } from '../../smtp/session.js';
import type { SessionLimits } from '../../smtp/session.js';
import type { Connection } from '../../tcp/connection.js';
import type { HalfStream } from '../../tcp/half-stream.js';
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
  // Almost every connection hits nothing: it gets the shared empty list, and nothing is made for it.
  let hits: LimitHit[] = NO_LIMIT_HITS;
  if (finishedBy === 'evicted') {
    hits = withHit(hits, { limit: 'max-connections', dropped: `finished early, while still open, because more than ${t.maxOpenConnections} connections were open at once; packets after that start a new connection` });
  }
  hits = halfHits(hits, 'client', c.clientHalf, t);
  hits = halfHits(hits, 'server', c.serverHalf, t);
  if (s.hasOverlongLines()) {
    const longLines = s.overlongLines();
    hits = withHit(hits, { limit: 'max-line-length', dropped: `${longLines.client} client and ${longLines.server} server line(s) longer than ${l.maxLineChars} characters: their text was cut at that length (their byte counts are exact)` });
  }
  if (s.pendingOverflows) {
    hits = withHit(hits, { limit: 'max-pending-commands', dropped: `more than ${l.maxPendingCommands} commands were waiting for replies; the queue was cleared ${s.pendingOverflows} time(s), so which reply answers which command is uncertain after that` });
  }
  if (s.commandsDropped) {
    hits = withHit(hits, { limit: 'max-commands', dropped: `${s.commandsDropped} command(s) after the first ${l.maxCommands} were counted but not listed (their transactions and recipients neither)` });
  }
  let held = 0;
  for (let i = 0; i < s.anomalies.length; i++) if (s.anomalies[i]!.kind === 'held-bytes-limit') held++;
  if (held) hits = withHit(hits, { limit: 'max-held-bytes', dropped: `${held} time(s) the client sent more than ${l.maxHeldBytes} bytes before the reply to DATA/AUTH/STARTTLS; they were read as if it had been accepted` });
  if (s.anomalies.hasOverflowed()) {
    for (const o of s.anomalies.overflowed()) {
      hits = withHit(hits, { limit: 'anomalies', dropped: `${o.total} "${o.kind}" anomalies; the first ${o.kept - 1} and the last are listed` });
    }
  }
  return hits;
}

/** What a connection that hit no limit gets: shared, so never pushed to (see withHit). */
const NO_LIMIT_HITS: LimitHit[] = [];
const NO_FINDINGS: Finding[] = [];

/** `hits` with `hit` added: a new list the first time, the shared empty one is never written. */
function withHit(hits: LimitHit[], hit: LimitHit): LimitHit[] {
  if (hits === NO_LIMIT_HITS) return [hit];
  hits.push(hit);
  return hits;
}

function halfHits(hits: LimitHit[], side: 'client' | 'server', half: HalfStream, t: TrackerOptions): LimitHit[] {
  let givenUp = 0;
  let bytes = 0;
  for (let i = 0; i < half.gaps.length; i++) {
    const g = half.gaps[i]!;
    if (g.reason !== 'buffer-limit') continue;
    givenUp++;
    bytes += g.end - g.start;
  }
  if (half.bufferLimitHits || givenUp) {
    hits = withHit(hits, { limit: 'max-buffered-bytes', dropped: `more than ${t.maxBufferedBytes} bytes of out-of-order ${side} data waited for a missing segment; the hole (${bytes} bytes in ${givenUp} gap(s)) was given up and reading went on after it` });
  }
  if (half.packetCount > half.packets.length) {
    hits = withHit(hits, { limit: 'packet-facts', dropped: `${side} packet details (TTL, IP ID, window) kept for the first ${half.packets.length} of ${half.packetCount} packets only; later ones are counted` });
  }
  return hits;
}

export function limitFindings(hits: LimitHit[]): Finding[] {
  if (hits.length === 0) return NO_FINDINGS;
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
  const client = mismatchFinding('client', c.clientHalf);
  const server = mismatchFinding('server', c.serverHalf);
  if (client && server) return [client, server];
  if (client) return [client];
  if (server) return [server];
  return NO_FINDINGS;
}

function mismatchFinding(side: 'client' | 'server', half: HalfStream): Finding | null {
  if (!half.inconsistentRetransmissions || !half.firstInconsistency) return null;
  return {
    kind: 'retransmission-mismatch',
    severity: 'warning',
    confidence: 1,
    message: `${half.inconsistentRetransmissions} ${side} retransmission(s) carried different bytes than the first copy (first at ${side} stream offset ${half.firstInconsistency.offset}); the first copy was kept, as Wireshark and Zeek do. Overlapping segments with different content are an IDS-evasion trick or a broken middlebox.`,
    evidence: { side, segments: half.inconsistentRetransmissions, offset: half.firstInconsistency.offset },
  };
}
