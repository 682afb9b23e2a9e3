import type { Clock } from '../analysis/clock.js';
import type { Vantage } from '../analysis/report-model.js';
import type { ConnectionFacts } from './facts.js';
import type { Finding, Middlebox } from './verdict.js';

/** What the rules share while diagnosing one connection: the facts, the vantage, and the evidence so far. */
export interface RuleContext {
  facts: ConnectionFacts;
  vantage: Vantage;
  /** Formats capture instants as wall-clock times for the summary. */
  clock: Clock | null;
  /** Why the tracker finished the connection. */
  finishedBy: 'closed' | 'idle' | 'evicted' | 'end-of-capture';
  findings: Finding[];
  /** Middlebox candidates raised by rules; the engine keeps the strongest. */
  middleboxes: Middlebox[];
  /** Reasons to distrust timing or completeness (capture loss, reordering): they lower every confidence. */
  captureDoubts: string[];
}

export function addFinding(ctx: RuleContext, f: Finding): Finding {
  ctx.findings.push(f);
  return f;
}
