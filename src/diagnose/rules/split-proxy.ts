import { humanDuration } from '../../analysis/clock.js';
import { addFinding, type RuleContext } from '../context.js';
import { ttlClass } from '../fingerprint.js';
import { KIND_DATA } from '../../tcp/packet-log.js';
import { SPLIT_MIN_EXTRA_NS, SPLIT_REPLY_TO_RTT_RATIO } from '../thresholds.js';

/** Commands a server answers without looking anything up: their reply latency is the SMTP-level round trip. */
const QUICK_VERBS = new Set(['EHLO', 'HELO', 'LHLO', 'NOOP', 'RSET', 'QUIT', 'STARTTLS']);

export interface SplitEvidence {
  tcpRtt: number;
  smtpFloor: number;
  ratio: number;
  quickReplies: number;
  serverHops: number | null;
}

/** TCP answered close by, SMTP far away [anchors §4.4, US 2007/0192845]: the fastest reply to a quick command is many
 * handshake RTTs long. A server that delays every reply on purpose (tarpit, greeting pause) looks the same, so the
 * confidence stays moderate unless a stall backs it up. Only meaningful away from the server. */
export function detectSplit(ctx: RuleContext): SplitEvidence | null {
  const f = ctx.facts;
  if (!f.rtt || ctx.vantage === 'server') return null;
  const tcpRtt = f.rtt.toServer;
  // Counted and measured in one pass, no list: this runs for nearly every connection.
  let quickReplies = 0;
  let smtpFloor = Infinity;
  for (let i = 0; i < f.commands.length; i++) {
    const t = f.commands[i]!;
    const r = t.command.reply;
    if (!r || !(r.at > t.sentAt) || !QUICK_VERBS.has(t.command.verb)) continue;
    quickReplies++;
    smtpFloor = Math.min(smtpFloor, r.at - t.sentAt);
  }
  if (!quickReplies) return null;
  if (smtpFloor < SPLIT_REPLY_TO_RTT_RATIO * tcpRtt || smtpFloor - tcpRtt < SPLIT_MIN_EXTRA_NS) return null;
  const ttl = f.connection.serverHalf.packets.mostCommonTtlOfKind(KIND_DATA);
  const e: SplitEvidence = {
    tcpRtt,
    smtpFloor,
    ratio: smtpFloor / Math.max(tcpRtt, 1),
    quickReplies,
    serverHops: ttl === undefined ? null : ttlClass(ttl).hops,
  };
  const hops = e.serverHops === null ? '' : `; the "server" packets arrive ${e.serverHops} hop(s) from their initial TTL`;
  addFinding(ctx, {
    kind: 'tcp-near-smtp-far',
    severity: 'warning',
    confidence: 0.6,
    message: `TCP answered in ${humanDuration(tcpRtt)} but the fastest SMTP reply to a quick command took ${humanDuration(smtpFloor)} (${Math.round(e.ratio)}×): TCP is terminated close to the capture point and SMTP is farther away — an intercepting proxy, or a server that delays every reply on purpose${hops}.`,
    evidence: { handshakeRttMs: tcpRtt / 1e6, fastestQuickReplyMs: smtpFloor / 1e6, quickReplies, serverHops: e.serverHops },
  });
  return e;
}
