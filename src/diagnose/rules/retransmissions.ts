import { humanDuration } from '../../analysis/clock.js';
import { addFinding, type RuleContext } from '../context.js';

export interface PathLoss {
  segments: number;
  /** Time lost waiting for retransmissions: for each retransmitted range, last send − first send. */
  delay: number;
}

/** Retransmissions of data that the receiver had not acknowledged: loss on the path (or at the receiver). */
export function measureLoss(ctx: RuleContext): PathLoss | null {
  const c = ctx.facts.connection;
  // No retransmission on either side (most connections): nothing to add up.
  if (!c.clientHalf.retransmittedSegments && !c.serverHalf.retransmittedSegments) return null;
  let segments = 0;
  let delay = 0;
  for (const half of [c.clientHalf, c.serverHalf]) {
    const t = half.retransmissionTotals();
    segments += t.segments;
    delay = Math.max(delay, t.delay);
  }
  if (!segments) return null;
  addFinding(ctx, {
    kind: 'retransmissions',
    severity: 'warning',
    confidence: 0.8,
    message: `${segments} segment(s) were retransmitted (client ${c.clientHalf.retransmittedSegments}, server ${c.serverHalf.retransmittedSegments}); the longest wait for a retransmission was ${humanDuration(delay)}.`,
    evidence: { clientRetransmissions: c.clientHalf.retransmittedSegments, serverRetransmissions: c.serverHalf.retransmittedSegments, maxDelayMs: delay / 1e6 },
  });
  return { segments, delay };
}
