import type { ConnectionJson, ReportJson } from '../analysis/report-model.js';
import { ByteBatch, writeAll } from './fd-output.js';
import { SortedSpool } from './sorted-spool.js';

const COMMA_NEWLINE = Buffer.from(',\n');
const NEWLINE = Buffer.from('\n');

/** The JSON report without holding every connection in memory: each connection is written to a scratch file as it is
 * diagnosed, with only its place kept (a few dozen bytes), and the document is assembled at the end in the report's
 * order (by start time, then id). The bytes are exactly those of `renderJson` on the whole report. */
export class JsonConnectionSpool {
  private readonly spool = new SortedSpool('connections.json');

  add(c: ConnectionJson): void {
    // Inside the report a connection sits two levels deep ({ "connections": [ … ] }), so each line gains 4 spaces:
    // stringified two arrays deep it has them already, and "[\n  [\n" and "\n  ]\n]" are cut off (a third of the
    // time of indenting by a regular expression afterwards).
    const wrapped = JSON.stringify([[c]], null, 2);
    this.spool.add(c.start, c.id, wrapped.slice(6, wrapped.length - 6));
  }

  /** Writes the whole document to `out` (a file descriptor) and removes the scratch file. `report.connections` must be
   * empty: the spooled connections take their place. */
  writeTo(out: number, report: ReportJson): void {
    try {
      const head = JSON.stringify({ ...report, connections: [] }, null, 2);
      const marker = '"connections": []';
      const at = head.indexOf(marker);
      const n = this.spool.count;
      if (!n) {
        writeAll(out, `${head}\n`);
        return;
      }
      writeAll(out, `${head.slice(0, at)}"connections": [\n`);
      // The pieces and their separators gathered into large writes: two system calls per connection were a fifth of
      // the time of a large JSON report.
      const batch = new ByteBatch(out);
      let i = 0;
      for (const piece of this.spool.pieces()) {
        batch.add(piece);
        batch.add(++i < n ? COMMA_NEWLINE : NEWLINE);
      }
      batch.flush();
      writeAll(out, `  ]${head.slice(at + marker.length)}\n`);
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    this.spool.dispose();
  }
}
