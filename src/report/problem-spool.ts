import type { ConnectionJson } from '../analysis/report-model.js';
import type { ProblemList } from './overview.js';
import { byReportOrder, SortedSpool } from './sorted-spool.js';

/** The problem connections of a Markdown or HTML report, kept out of memory: each one's section goes to a scratch file
 * as it is diagnosed, with its diagnosis and sort key beside it in memory, and only the first in report order is kept
 * whole (its summary heads the report). A capture of 50 000 stalled sessions kept 50 000 problem rows (the connection
 * without its lists) and took the CLI to 224 MB in Markdown and 228 MB in HTML. */
export class ProblemSpool implements ProblemList {
  private readonly spool = new SortedSpool('sections');
  private earliest: ConnectionJson | null = null;

  get count(): number {
    return this.spool.count;
  }

  get first(): ConnectionJson | null {
    return this.earliest;
  }

  add(c: ConnectionJson, section: string): void {
    this.spool.add(c.start, c.id, section, 0, '', c.diagnosis);
    if (!this.earliest || byReportOrder(c, this.earliest) < 0) this.earliest = c;
  }

  diagnoses(): Iterable<string> {
    return this.spool.tags();
  }

  /** The sections as UTF-8 bytes, passed on to the output as they are. */
  sections(): Iterable<Buffer> {
    return this.spool.pieces();
  }

  dispose(): void {
    this.spool.dispose();
  }
}
