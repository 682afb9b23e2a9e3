import type { ConnectionJson } from '../analysis/report-model.js';
import { isProblem } from './evidence.js';
import { htmlCleanRow, htmlSection } from './html.js';
import { markdownCleanRow, markdownSection } from './markdown.js';
import type { ReportParts } from './overview.js';
import { SectionSpool, textTableRow } from './section-spool.js';
import { SortedSpool } from './sorted-spool.js';
import type { Style } from './style.js';
import { textSection } from './text.js';
import { TextConnectionSpool } from './text-spool.js';

/** The parts of a human report (text, Markdown, HTML) drawn as each connection is diagnosed and kept in scratch files:
 * the detail section of each connection the report details, and, in Markdown and HTML, the table row of each
 * connection without a problem; text spools the table row and section of each connection it details together (the
 * problems; with --verbose, every connection). What stays in memory per connection is a table row for the detailed
 * ones in Markdown and HTML, and a sort key and place for the others, so a report of a gigabyte capture costs what its
 * open connections cost. */
export class SpooledParts {
  private readonly sections: SectionSpool | null = null;
  private readonly cleanRows: SortedSpool | null;
  private readonly cleanRow: ((c: ConnectionJson) => string) | null;
  private readonly text: TextConnectionSpool | null = null;
  private readonly verbose: boolean;
  private readonly style: Style;

  constructor(format: 'text' | 'markdown' | 'html', o: { style: Style; verbose: boolean }) {
    this.style = o.style;
    this.verbose = o.verbose;
    if (format === 'text') {
      // Kept as table rows, the connections the text report details would grow with the capture. Its clean rows stay
      // objects without --verbose: it lists at most TABLE_ROW_LIMIT of them (the CLI's CleanRowKeeper).
      this.text = new TextConnectionSpool();
      this.cleanRow = null;
    } else if (format === 'markdown') {
      this.sections = new SectionSpool(markdownSection, isProblem);
      this.cleanRow = markdownCleanRow;
    } else {
      this.sections = new SectionSpool(htmlSection, isProblem);
      this.cleanRow = htmlCleanRow;
    }
    this.cleanRows = this.cleanRow ? new SortedSpool('rows') : null;
  }

  /** What the report keeps of a diagnosed connection: its table row, or nothing (its row went to a scratch file). */
  offer(c: ConnectionJson): ConnectionJson | null {
    if (this.text) {
      if (!this.verbose && !isProblem(c)) return c;
      this.text.add(textTableRow(c), textSection(c, this.style, this.verbose));
      return null;
    }
    if (this.sections?.shows(c)) return this.sections.keep(c);
    if (this.cleanRows && this.cleanRow) {
      this.cleanRows.add(c.start, c.id, this.cleanRow(c));
      return null;
    }
    return c;
  }

  /** For the renderer, once every connection was offered; `keptRows`: the rows the report kept of those offer handed
   * back (text: the clean connections its table lists, in report order). */
  parts(keptRows: readonly ConnectionJson[] = []): ReportParts {
    const rows = this.cleanRows;
    return {
      sections: this.sections?.section,
      cleanRows: rows ? { count: rows.count, rows: () => rows.texts() } : undefined,
      spooledConnections: this.text?.withKeptRows(keptRows),
    };
  }

  dispose(): void {
    this.sections?.dispose();
    this.cleanRows?.dispose();
    this.text?.dispose();
  }
}
