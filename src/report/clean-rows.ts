import type { ConnectionJson } from '../analysis/report-model.js';
import { byReportOrder } from './sorted-spool.js';

/** The text report without --verbose lists clean connections only while its table stays within its row limit (see
 * TABLE_ROW_LIMIT in text.ts); past it they are only counted. So their rows are held only while they could still be
 * shown: a capture of 20 000 clean connections does not keep 20 000 rows to print a count. Every connection counts
 * towards the limit, problem ones too (their rows are spooled: SpooledParts). */
export class CleanRowKeeper {
  private rows: ConnectionJson[] = [];
  private connections = 0;
  private clean = 0;

  constructor(private readonly limit: number) {}

  /** Counts a connection; holds it if it is clean and the table could still list it. */
  offer(c: ConnectionJson): void {
    this.connections++;
    if (this.connections > this.limit) this.rows = [];
    if (c.diagnosis === 'none') {
      this.clean++;
      if (this.connections <= this.limit) this.rows.push(c);
    }
  }

  /** The clean rows held, in report order, and how many clean connections were only counted (0 when all are held). */
  restore(): { connections: ConnectionJson[]; omitted: number } {
    if (this.connections > this.limit) return { connections: [], omitted: this.clean };
    return { connections: [...this.rows].sort(byReportOrder), omitted: 0 };
  }
}
