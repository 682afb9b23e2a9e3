import type { ConnectionJson } from '../analysis/report-model.js';
import { isProblem } from './evidence.js';
import { htmlCleanRow, htmlSection } from './html.js';
import { markdownCleanRow, markdownSection } from './markdown.js';
import type { ReportParts, SectionRenderer } from './overview.js';
import { ProblemSpool } from './problem-spool.js';
import { SortedSpool } from './sorted-spool.js';
import type { Style } from './style.js';
import { textSection } from './text.js';
import { TextConnectionSpool, textTableRow } from './text-spool.js';

/** Markdown and HTML: each problem connection's section, and each clean connection's table row. */
interface TicketParts {
  problems: ProblemSpool;
  section: SectionRenderer;
  cleanRows: SortedSpool;
  cleanRow: (c: ConnectionJson) => string;
}

/** The parts of a human report (text, Markdown, HTML) drawn as each connection is diagnosed and kept in scratch files,
 * so that a report of a gigabyte capture costs what its open connections cost. Markdown and HTML: the section of each
 * problem connection and the table row of each clean one. Text: the table row and section of each connection it
 * details (the problems; with --verbose, every connection); its other table rows come back to the caller. What stays
 * in memory per connection is a sort key and a place (and, for a problem, its diagnosis). */
export class SpooledParts {
  private readonly text: TextConnectionSpool | null = null;
  private readonly ticket: TicketParts | null = null;

  constructor(
    format: 'text' | 'markdown' | 'html',
    private readonly o: { style: Style; verbose: boolean },
  ) {
    if (format === 'text') this.text = new TextConnectionSpool();
    else {
      const markdown = format === 'markdown';
      this.ticket = {
        problems: new ProblemSpool(),
        section: markdown ? markdownSection : htmlSection,
        cleanRows: new SortedSpool('rows'),
        cleanRow: markdown ? markdownCleanRow : htmlCleanRow,
      };
    }
  }

  /** What the report keeps of a diagnosed connection: nothing (it went to a scratch file), or, in text without
   * --verbose, a clean connection itself: that table lists at most TABLE_ROW_LIMIT of them (the CLI's
   * CleanRowKeeper). */
  offer(c: ConnectionJson): ConnectionJson | null {
    if (this.text) {
      if (!this.o.verbose && !isProblem(c)) return c;
      this.text.add(textTableRow(c), textSection(c, this.o.style, this.o.verbose));
    } else {
      const t = this.ticket!;
      if (isProblem(c)) t.problems.add(c, t.section(c));
      else t.cleanRows.add(c.start, c.id, t.cleanRow(c));
    }
    return null;
  }

  /** For the renderer, once every connection was offered; `keptRows`: the rows the report kept of those offer handed
   * back (text: the clean connections its table lists, in report order). */
  parts(keptRows: readonly ConnectionJson[] = []): ReportParts {
    if (this.text) return { spooledConnections: this.text.withKeptRows(keptRows) };
    const rows = this.ticket!.cleanRows;
    return { problems: this.ticket!.problems, cleanRows: { count: rows.count, rows: () => rows.pieces() } };
  }

  dispose(): void {
    this.text?.dispose();
    this.ticket?.problems.dispose();
    this.ticket?.cleanRows.dispose();
  }
}
