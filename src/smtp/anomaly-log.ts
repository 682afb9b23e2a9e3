import type { SmtpAnomaly } from './model.js';

/** Anomalies of one kind kept in full; after that only the latest one is kept (in one slot) and the rest counted, so
 * that a hostile dialogue (a million garbled lines) costs bounded memory while the report still says how many. */
export const ANOMALIES_KEPT_PER_KIND = 50;

/** The anomaly list of a session: an array (readers use it as one) that bounds itself per kind. */
export class AnomalyLog extends Array<SmtpAnomaly> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  // Created on first use: most connections (every half-open one in a SYN flood) never have an anomaly.
  private counts: Map<string, number> | null = null;
  private latestSlot: Map<string, number> | null = null;

  override push(...items: SmtpAnomaly[]): number {
    const counts = (this.counts ??= new Map());
    const latestSlot = (this.latestSlot ??= new Map());
    for (const a of items) {
      const n = (counts.get(a.kind) ?? 0) + 1;
      counts.set(a.kind, n);
      if (n <= ANOMALIES_KEPT_PER_KIND) super.push(a);
      else {
        const slot = latestSlot.get(a.kind);
        if (slot === undefined) latestSlot.set(a.kind, super.push(a) - 1);
        else this[slot] = a;
      }
    }
    return this.length;
  }

  /** Whether any kind had more anomalies than were kept (overflowed() would not be empty). */
  hasOverflowed(): boolean {
    if (!this.counts) return false;
    for (const total of this.counts.values()) if (total > ANOMALIES_KEPT_PER_KIND + 1) return true;
    return false;
  }

  /** Kinds whose anomalies were more than were kept: how many there were in all. */
  overflowed(): { kind: string; total: number; kept: number }[] {
    const out: { kind: string; total: number; kept: number }[] = [];
    for (const [kind, total] of this.counts ?? []) if (total > ANOMALIES_KEPT_PER_KIND + 1) out.push({ kind, total, kept: ANOMALIES_KEPT_PER_KIND + 1 });
    return out;
  }
}
