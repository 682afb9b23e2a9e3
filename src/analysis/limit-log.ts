import { LIMIT_OPTIONS, type LimitHit } from '../diagnose/rules/limits.js';

const IDS_LISTED = 10;

/** Collects the limits hit across all connections (SMTP or not) into the report's `capture.limits` lines. */
export class LimitLog {
  // Listed by connection id and exemplified by the lowest id, not by the order connections happened to finish in: a
  // sharded run (several workers) finishes them in another order and must say the same.
  private readonly byLimit = new Map<LimitHit['limit'], { ids: number[]; other: number; example: string; exampleId: number }>();

  note(connectionId: number, smtp: boolean, hits: LimitHit[]): void {
    for (const h of hits) {
      if (h.limit === 'max-connections') continue; // said once for the whole capture by the tracker's count
      let e = this.byLimit.get(h.limit);
      if (!e) this.byLimit.set(h.limit, (e = { ids: [], other: 0, example: h.dropped, exampleId: connectionId }));
      else if (connectionId < e.exampleId) {
        e.example = h.dropped;
        e.exampleId = connectionId;
      }
      if (smtp) e.ids.push(connectionId);
      else e.other++;
    }
  }

  lines(): string[] {
    const out: string[] = [];
    const order = [...this.byLimit].sort((a, b) => a[1].exampleId - b[1].exampleId);
    for (const [limit, e] of order) {
      e.ids.sort((a, b) => a - b);
      const where: string[] = [];
      if (e.ids.length) where.push(`connection${e.ids.length > 1 ? 's' : ''} ${e.ids.slice(0, IDS_LISTED).map((i) => `#${i}`).join(', ')}${e.ids.length > IDS_LISTED ? ` and ${e.ids.length - IDS_LISTED} more` : ''}`);
      if (e.other) where.push(`${e.other} non-SMTP connection(s)`);
      const option = LIMIT_OPTIONS[limit];
      out.push(`${limit} reached in ${where.join(' and ')}: e.g. ${e.example}${option ? ` (raise with ${option})` : ''}`);
    }
    return out;
  }
}
