import { LIMIT_OPTIONS, type LimitHit } from '../diagnose/rules/limits.js';

const IDS_LISTED = 10;

/** Collects the limits hit across all connections (SMTP or not) into the report's `capture.limits` lines. */
export class LimitLog {
  private readonly byLimit = new Map<LimitHit['limit'], { ids: number[]; other: number; example: string }>();

  note(connectionId: number, smtp: boolean, hits: LimitHit[]): void {
    for (const h of hits) {
      if (h.limit === 'max-connections') continue; // said once for the whole capture by the tracker's count
      let e = this.byLimit.get(h.limit);
      if (!e) this.byLimit.set(h.limit, (e = { ids: [], other: 0, example: h.dropped }));
      if (smtp) e.ids.push(connectionId);
      else e.other++;
    }
  }

  lines(): string[] {
    const out: string[] = [];
    for (const [limit, e] of this.byLimit) {
      const where: string[] = [];
      if (e.ids.length) where.push(`connection${e.ids.length > 1 ? 's' : ''} ${e.ids.slice(0, IDS_LISTED).map((i) => `#${i}`).join(', ')}${e.ids.length > IDS_LISTED ? ` and ${e.ids.length - IDS_LISTED} more` : ''}`);
      if (e.other) where.push(`${e.other} non-SMTP connection(s)`);
      const option = LIMIT_OPTIONS[limit];
      out.push(`${limit} reached in ${where.join(' and ')}: e.g. ${e.example}${option ? ` (raise with ${option})` : ''}`);
    }
    return out;
  }
}
