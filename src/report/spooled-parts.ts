import type { ConnectionJson } from '../analysis/report-model.js';
import { isProblem } from './evidence.js';
import { htmlCleanRow, htmlSection } from './html.js';
import { markdownCleanRow, markdownSection } from './markdown.js';
import type { ReportParts } from './overview.js';
import { SectionSpool, textTableRow } from './section-spool.js';
import { SortedSpool } from './sorted-spool.js';
import type { Style } from './style.js';
import { textSection } from './text.js';

/** The parts of a human report (text, Markdown, HTML) drawn as each connection is diagnosed and kept in scratch files:
 * the detail section of each connection the report details, and, in Markdown and HTML, the table row of each
 * connection without a problem. What stays in memory per connection is a table row for the detailed ones and a
 * sort key for the others, so a report of a gigabyte capture costs what its open connections cost. */
export class SpooledParts {
  private readonly sections: SectionSpool;
  private readonly cleanRows: SortedSpool | null;
  private readonly cleanRow: ((c: ConnectionJson) => string) | null;

  constructor(format: 'text' | 'markdown' | 'html', o: { style: Style; verbose: boolean }) {
    if (format === 'markdown') {
      this.sections = new SectionSpool(markdownSection, isProblem);
      this.cleanRow = markdownCleanRow;
    } else if (format === 'html') {
      this.sections = new SectionSpool(htmlSection, isProblem);
      this.cleanRow = htmlCleanRow;
    } else {
      // The text report's table rows stay objects: it lists at most TABLE_ROW_LIMIT clean ones (CleanRowKeeper).
      this.sections = new SectionSpool((c) => textSection(c, o.style, o.verbose), (c) => o.verbose || isProblem(c), textTableRow);
      this.cleanRow = null;
    }
    this.cleanRows = this.cleanRow ? new SortedSpool('rows') : null;
  }

  /** What the report keeps of a diagnosed connection: its table row, or nothing (its row went to a scratch file). */
  offer(c: ConnectionJson): ConnectionJson | null {
    if (this.sections.shows(c)) return this.sections.keep(c);
    if (this.cleanRows && this.cleanRow) {
      this.cleanRows.add(c.start, c.id, this.cleanRow(c));
      return null;
    }
    return c;
  }

  /** For the renderer, once every connection was offered. */
  parts(): ReportParts {
    const rows = this.cleanRows;
    return { sections: this.sections.section, cleanRows: rows ? { count: rows.count, rows: () => rows.texts() } : undefined };
  }

  dispose(): void {
    this.sections.dispose();
    this.cleanRows?.dispose();
  }
}
