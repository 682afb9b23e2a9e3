import type { Command, Transaction } from './model.js';

/** Settles a transaction's outcome from its replies: the final reply decides; otherwise the first refusal (all RCPTs
 * refused, MAIL or DATA refused); a command left unanswered makes it a timeout. 4xx = deferred, 5xx = rejected. */
export function settleOutcome(t: Transaction): void {
  const refusal = (c: Command | null) => (c?.reply && c.reply.code >= 400 ? c.reply.code : 0);
  const finalCode = t.end?.reply?.code;
  if (finalCode !== undefined) {
    t.outcome = finalCode < 400 ? 'delivered' : finalCode < 500 ? 'deferred' : 'rejected';
    return;
  }
  const mailRefused = refusal(t.mail);
  if (mailRefused) {
    t.outcome = mailRefused < 500 ? 'deferred' : 'rejected';
    return;
  }
  if (t.rcpts.length && t.rcpts.every((r) => refusal(r.command))) {
    t.outcome = t.rcpts.some((r) => refusal(r.command) < 500) ? 'deferred' : 'rejected';
    return;
  }
  const dataRefused = refusal(t.data);
  if (dataRefused) {
    t.outcome = dataRefused < 500 ? 'deferred' : 'rejected';
    return;
  }
  if (anyUnanswered(t)) {
    t.outcome = 'timeout';
    return;
  }
  // The body was being sent (354 came, no end of data yet): the message was still in transit when we lost sight of it.
  const bodyUnderway = !t.end && t.data?.reply?.code === 354;
  t.outcome = t.end || bodyUnderway ? 'incomplete' : 'aborted';
}

/** Is any command of the transaction (MAIL, the RCPTs, DATA or BDAT, the end of data) without a reply? */
function anyUnanswered(t: Transaction): boolean {
  if (t.mail.reply === null) return true;
  for (const r of t.rcpts) if (r.command.reply === null) return true;
  return (t.data !== null && t.data.reply === null) || (t.end !== null && t.end.reply === null);
}
