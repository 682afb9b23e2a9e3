import type { Outcome } from '../analysis/report-model.js';
import type { RuleContext } from './context.js';

/** How the connection ended for the mail it carried. */
export function connectionOutcome(ctx: RuleContext): Outcome {
  const s = ctx.facts.session;
  if (s.serverSpeaksPlaintext) return 'aborted'; // TLS offered to a plaintext server: nothing could be sent
  if (s.tls) return 'encrypted';
  const c0 = ctx.facts.connection;
  if (c0.serverHalf.packetCount === 0 && c0.clientHalf.dataPackets > 0) return 'incomplete'; // the server side was not captured
  if (!s.looksLikeSmtp()) return 'not-smtp';
  const txs = s.transactions;
  for (let i = 0; i < txs.length; i++) if (txs[i]!.outcome === 'delivered') return 'delivered';
  const last = txs[txs.length - 1];
  const c = ctx.facts.connection;
  // Open only if nobody closed: a client FIN after giving up ends the dialogue even if the server never closed.
  const stillOpen =
    ctx.finishedBy === 'end-of-capture' && c.clientHalf.finAt === null && c.clientHalf.rstAt === null && c.serverHalf.finAt === null && c.serverHalf.rstAt === null;
  if (last) {
    if (stillOpen && (last.outcome === 'incomplete' || last.outcome === 'aborted')) return 'incomplete';
    if (last.outcome === 'incomplete') return 'aborted';
    if (last.outcome === 'timeout' && stillOpen) return 'incomplete';
    return last.outcome;
  }
  // A capture that begins inside a message body still shows how it ended: the "." and its reply.
  const endOfData = s.commands.find((c) => c.verb === '.' && c.reply);
  if (endOfData) return endOfData.reply!.code < 400 ? 'delivered' : endOfData.reply!.code < 500 ? 'deferred' : 'rejected';
  const waiting = s.unanswered().some((c) => c.verb !== 'QUIT');
  if (waiting) return stillOpen ? 'incomplete' : 'timeout';
  return stillOpen ? 'incomplete' : 'aborted';
}
