import type { ConnectionJson } from '../analysis/report-model.js';

/** The text report without --verbose lists clean connections only while its table stays within its row limit (see
 * TABLE_ROW_LIMIT in text.ts); past it they are only counted. So their rows are held only while they could still be
 * shown: a capture of 20 000 clean connections does not keep 20 000 rows to print a count. */
export class CleanRowKeeper {
  private rows: ConnectionJson[] = [];
  private connections = 0;
  private clean = 0;

  constructor(private readonly limit: number) {}

  /** Hands a problem connection back to be kept by the report; holds (or only counts) a clean one. */
  offer(c: ConnectionJson): ConnectionJson | null {
    this.connections++;
    if (c.diagnosis !== 'none') {
      if (this.connections > this.limit) this.rows = [];
      return c;
    }
    this.clean++;
    if (this.connections <= this.limit) this.rows.push(c);
    else this.rows = [];
    return null;
  }

  /** The report's connections with the held clean rows back in report order, and how many clean connections were
   * only counted (0 when all are there). */
  restore(kept: ConnectionJson[]): { connections: ConnectionJson[]; omitted: number } {
    if (this.connections > this.limit) return { connections: kept, omitted: this.clean };
    const all = kept.concat(this.rows);
    all.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id));
    return { connections: all, omitted: 0 };
  }
}
