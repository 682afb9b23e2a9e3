import type { ConnectionJson } from '../analysis/report-model.js';
import { SortedSpool } from './sorted-spool.js';
import type { SpooledConnections } from './text.js';

/** Text --verbose lists every connection in its table and details every one after it, both in the text report's
 * order: problems first, each group in report order. So each connection's table row (as JSON, one line: JSON escapes
 * line breaks) and its detail section are spooled together as one piece as it is diagnosed, and read back in that
 * order, whatever order the connections finished in. In memory stays one sort key and place per connection. After the
 * analysis of the 1 GB bench capture (22 494 connections) these hold ~3 MB of heap, where the rows kept in the report
 * and a map of section places held ~11 MB (and the rows' table cells, made at the end, more). */
export class VerboseTextSpool implements SpooledConnections {
  private readonly spool = new SortedSpool('connections');

  get count(): number {
    return this.spool.count;
  }

  /** Spools a connection's table row (JSON keeps every character of its texts) and its section. */
  add(row: ConnectionJson, section: string): void {
    this.spool.add(row.start, row.id, `${JSON.stringify(row)}\n`, row.diagnosis !== 'none' ? 0 : 1, section);
  }

  /** The table rows, each made anew from the scratch file. */
  *rows(): Generator<ConnectionJson> {
    for (const piece of this.spool.pieces()) yield JSON.parse(piece.toString('utf8', 0, piece.indexOf(10))) as ConnectionJson;
  }

  *sections(): Generator<string> {
    for (const piece of this.spool.pieces()) yield piece.toString('utf8', piece.indexOf(10) + 1);
  }

  dispose(): void {
    this.spool.dispose();
  }
}
