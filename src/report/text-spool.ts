import type { ConnectionJson } from '../analysis/report-model.js';
import { SortedSpool } from './sorted-spool.js';
import type { SpooledConnections } from './text.js';

/** The text report's detailed connections, kept out of memory. Its table lists them first and its sections detail
 * them, both in the text report's order (problems first, each group in report order): the problem connections, and
 * with --verbose every connection. So each one's table row (as JSON, one line: JSON escapes line breaks) and its
 * detail section are spooled together as one piece as it is diagnosed, and read back in that order, whatever order the
 * connections finished in. In memory stays one sort key and place per connection. After the analysis of the 1 GB bench
 * capture (22 494 connections) these hold ~3 MB of heap with --verbose, where the rows kept in the report and a map of
 * section places held ~11 MB; without it, a capture of 50 000 stalled sessions kept 50 000 problem rows (~1.4 KB each:
 * a summary with an arrow in it is a two-byte string) and peaked at 206 MB, against 113 MB for the analysis alone. */
export class TextConnectionSpool {
  private readonly spool = new SortedSpool('connections');

  get count(): number {
    return this.spool.count;
  }

  /** Spools a connection's table row (JSON keeps every character of its texts) and its section. */
  add(row: ConnectionJson, section: string): void {
    this.spool.add(row.start, row.id, `${JSON.stringify(row)}\n`, row.diagnosis !== 'none' ? 0 : 1, section);
  }

  /** The spooled connections, then `kept`: rows the report held in memory instead (the clean connections a text
   * report without --verbose lists while its table stays short), in report order, without sections. */
  withKeptRows(kept: readonly ConnectionJson[]): SpooledConnections {
    return {
      count: this.count + kept.length,
      rows: () => this.rowsThen(kept),
      sections: () => this.sections(),
    };
  }

  /** The table rows, each made anew from the scratch file, then `kept`. */
  private *rowsThen(kept: readonly ConnectionJson[]): Generator<ConnectionJson> {
    for (const piece of this.spool.pieces()) yield JSON.parse(piece.toString('utf8', 0, piece.indexOf(10))) as ConnectionJson;
    yield* kept;
  }

  /** The sections as UTF-8 bytes, passed on to the output as they are (valid until the next one is read). */
  private *sections(): Generator<Buffer> {
    for (const piece of this.spool.pieces()) yield piece.subarray(piece.indexOf(10) + 1);
  }

  dispose(): void {
    this.spool.dispose();
  }
}

/** The text report's row of a connection it details: only what its connections table and verdict read (writeText,
 * hasProblem; a plain text report has no selection, redaction or extraction to read more). */
export function textTableRow(c: ConnectionJson): ConnectionJson {
  const row: Pick<ConnectionJson, 'id' | 'start' | 'client' | 'server' | 'outcome' | 'diagnosis' | 'summary'> = {
    id: c.id,
    start: c.start,
    client: c.client,
    server: c.server,
    outcome: c.outcome,
    diagnosis: c.diagnosis,
    summary: c.summary,
  };
  return row as ConnectionJson;
}
