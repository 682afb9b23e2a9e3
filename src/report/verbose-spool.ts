import type { ConnectionJson } from '../analysis/report-model.js';
import { ScratchFile } from './scratch-file.js';
import { byReportOrder } from './sorted-spool.js';
import type { SpooledConnections } from './text.js';

interface Entry {
  start: string;
  id: number;
  /** Where the row lies; the section follows it. */
  pos: number;
  rowBytes: number;
  sectionBytes: number;
}

/** Text --verbose lists every connection in its table and details every one after it, both in the text report's
 * order: problems first, each group in report order. So each connection's table row (as JSON) and its detail section
 * are written to a scratch file, back to back, as it is diagnosed, and read back in that order, whatever order the
 * connections finished in. In memory stays one entry per connection: its sort key and the places of the two. After
 * the analysis of the 1 GB bench capture (22 494 connections) these entries hold ~3 MB of heap, where the rows kept in
 * the report and a map of section places held ~11 MB (and the rows' table cells, made at the end, more). */
export class VerboseTextSpool implements SpooledConnections {
  private readonly file = new ScratchFile('connections');
  private readonly problems: Entry[] = [];
  private readonly clean: Entry[] = [];
  private sorted = true;

  get count(): number {
    return this.problems.length + this.clean.length;
  }

  /** Spools a connection's table row (JSON keeps every character of its texts) and its section. */
  add(row: ConnectionJson, section: string): void {
    const [pos, rowBytes] = this.file.append(JSON.stringify(row));
    const [, sectionBytes] = this.file.append(section);
    (row.diagnosis !== 'none' ? this.problems : this.clean).push({ start: row.start, id: row.id, pos, rowBytes, sectionBytes });
    this.sorted = false;
  }

  /** The table rows, each made anew from the scratch file. */
  *rows(): Generator<ConnectionJson> {
    for (const e of this.inOrder()) yield JSON.parse(this.file.readBytes(e.pos, e.rowBytes).toString('utf8')) as ConnectionJson;
  }

  *sections(): Generator<string> {
    for (const e of this.inOrder()) yield this.file.readBytes(e.pos + e.rowBytes, e.sectionBytes).toString('utf8');
  }

  dispose(): void {
    this.file.dispose();
  }

  private *inOrder(): Generator<Entry> {
    if (!this.sorted) {
      this.problems.sort(byReportOrder);
      this.clean.sort(byReportOrder);
      this.sorted = true;
    }
    yield* this.problems;
    yield* this.clean;
  }
}
