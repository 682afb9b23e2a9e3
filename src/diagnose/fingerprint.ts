import type { PacketFact } from '../tcp/facts.js';
import { INITIAL_TTLS, IPID_SAME_COUNTER_MAX_STEP, TSVAL_SLACK_TICKS } from './thresholds.js';

/** The initial TTL a sender most likely used (p0f rounding), and how many hops the packet crossed. */
export function ttlClass(ttl: number): { initial: number; hops: number } {
  const initial = INITIAL_TTLS.find((t) => ttl <= t) ?? 255;
  return { initial, hops: initial - ttl };
}

export function mostCommon<T>(xs: T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestN = 0;
  for (const x of xs) {
    const n = (counts.get(x) ?? 0) + 1;
    counts.set(x, n);
    if (n > bestN) [best, bestN] = [x, n];
  }
  return best;
}

/** How one packet compares with the packets a side sent otherwise (its reference set): each check says whether the
 * packet fits the same stack, does not, or cannot tell. */
export interface SenderComparison {
  ttl: { packet: number; reference: number[]; fits: boolean | null };
  ipId: { packet: number | null; before: number | null; after: number | null; fits: boolean | null };
  tsVal: { packet: number | null; reference: number | null; fits: boolean | null };
  /** Number of reference packets compared with. */
  referenceCount: number;
}

function idAhead(from: number, to: number): number {
  return (to - from + 65536) % 65536;
}

/** Compares `p` with `reference` (packets of the same address and direction, excluding p), in time order. */
export function compareSender(p: PacketFact, reference: PacketFact[]): SenderComparison {
  const ttls = [...new Set(reference.map((r) => r.ttl))];
  const ttlFits = reference.length ? ttls.includes(p.ttl) : null;
  const before = [...reference].reverse().find((r) => r.at <= p.at && r.ipId !== null) ?? null;
  const after = reference.find((r) => r.at > p.at && r.ipId !== null) ?? null;
  let idFits: boolean | null = null;
  if (p.ipId !== null && (before || after)) {
    const allZero = reference.every((r) => r.ipId === 0);
    if (allZero) idFits = p.ipId === 0;
    else if (p.ipId === 0 && reference.some((r) => r.ipId !== 0)) idFits = false;
    else {
      const okBefore = before ? idAhead(before.ipId!, p.ipId) <= IPID_SAME_COUNTER_MAX_STEP : true;
      const okAfter = after ? idAhead(p.ipId, after.ipId!) <= IPID_SAME_COUNTER_MAX_STEP : true;
      // A randomised-ID stack (e.g. some BSDs) never fits anything; only call a mismatch where the reference itself
      // counts upward.
      const counts = referenceCounts(reference);
      idFits = counts ? okBefore && okAfter : null;
    }
  }
  const refTs = [...reference].reverse().find((r) => r.at <= p.at && r.tsVal !== null) ?? reference.find((r) => r.tsVal !== null) ?? null;
  let tsFits: boolean | null = null;
  if (refTs && refTs.tsVal !== null) {
    if (p.tsVal === null) tsFits = p.kind === 'rst' ? null : false; // RFC 7323 §3.2: once negotiated, on every segment
    else {
      const elapsedMs = Math.abs(p.at - refTs.at) / 1e6;
      const diff = p.at >= refTs.at ? (p.tsVal - refTs.tsVal + 2 ** 32) % 2 ** 32 : (refTs.tsVal - p.tsVal + 2 ** 32) % 2 ** 32;
      tsFits = diff <= elapsedMs + TSVAL_SLACK_TICKS;
    }
  }
  return {
    ttl: { packet: p.ttl, reference: ttls, fits: ttlFits },
    ipId: { packet: p.ipId, before: before?.ipId ?? null, after: after?.ipId ?? null, fits: idFits },
    tsVal: { packet: p.tsVal, reference: refTs?.tsVal ?? null, fits: tsFits },
    referenceCount: reference.length,
  };
}

/** Whether a side's IP IDs come from one incrementing counter (most Linux and Windows stacks). */
function referenceCounts(reference: PacketFact[]): boolean {
  const ids = reference.map((r) => r.ipId).filter((x): x is number => x !== null);
  if (ids.length < 2) return ids.length === 1;
  let ok = 0;
  for (let i = 1; i < ids.length; i++) if (idAhead(ids[i - 1]!, ids[i]!) <= IPID_SAME_COUNTER_MAX_STEP) ok++;
  return ok >= (ids.length - 1) * 0.8;
}
