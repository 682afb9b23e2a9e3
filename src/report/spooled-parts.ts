import type { ConnectionJson } from '../analysis/report-model.js';
import { isProblem } from './evidence.js';
import { htmlCleanRow, htmlSection } from './html.js';
import { markdownCleanRow, markdownSection } from './markdown.js';
import type { ReportParts } from './overview.js';
import { SectionSpool, textTableRow } from './section-spool.js';
import { SortedSpool } from './sorted-spool.js';
import type { Style } from './style.js';
import { textSection } from './text.js';
import { VerboseTextSpool } from './verbose-spool.js';

/** The parts of a human report (text, Markdown, HTML) drawn as each connection is diagnosed and kept in scratch files:
 * the detail section of each connection the report details, and, in Markdown and HTML, the table row of each
 * connection without a problem; text --verbose, which lists and details every connection, spools both of each. What
 * stays in memory per connection is a table row for the detailed ones (text --verbose: a sort key and two places) and
 * a sort key for the others, so a report of a gigabyte capture costs what its open connections cost. */
export class SpooledParts {
  private readonly sections: SectionSpool | null = null;
  private readonly cleanRows: SortedSpool | null;
  private readonly cleanRow: ((c: ConnectionJson) => string) | null;
  private readonly verboseText: VerboseTextSpool | null = null;
  private readonly style: Style;

  constructor(format: 'text' | 'markdown' | 'html', o: { style: Style; verbose: boolean }) {
    this.style = o.style;
    if (format === 'text' && o.verbose) {
      // Every connection is listed: kept as table rows, they would grow with the capture.
      this.verboseText = new VerboseTextSpool();
      this.cleanRow = null;
    } else if (format === 'markdown') {
      this.sections = new SectionSpool(markdownSection, isProblem);
      this.cleanRow = markdownCleanRow;
    } else if (format === 'html') {
      this.sections = new SectionSpool(htmlSection, isProblem);
      this.cleanRow = htmlCleanRow;
    } else {
      // The text report's table rows stay objects: it lists at most TABLE_ROW_LIMIT clean ones (CleanRowKeeper).
      this.sections = new SectionSpool((c) => textSection(c, o.style, false), isProblem, textTableRow);
      this.cleanRow = null;
    }
    this.cleanRows = this.cleanRow ? new SortedSpool('rows') : null;
  }

  /** What the report keeps of a diagnosed connection: its table row, or nothing (its row went to a scratch file). */
  offer(c: ConnectionJson): ConnectionJson | null {
    if (this.verboseText) {
      this.verboseText.add(textTableRow(c), textSection(c, this.style, true));
      return null;
    }
    if (this.sections?.shows(c)) return this.sections.keep(c);
    if (this.cleanRows && this.cleanRow) {
      this.cleanRows.add(c.start, c.id, this.cleanRow(c));
      return null;
    }
    return c;
  }

  /** For the renderer, once every connection was offered. */
  parts(): ReportParts {
    const rows = this.cleanRows;
    return {
      sections: this.sections?.section,
      cleanRows: rows ? { count: rows.count, rows: () => rows.texts() } : undefined,
      spooledConnections: this.verboseText ?? undefined,
    };
  }

  dispose(): void {
    this.sections?.dispose();
    this.cleanRows?.dispose();
    this.verboseText?.dispose();
  }
}
