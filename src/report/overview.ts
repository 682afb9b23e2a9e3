import type { ConnectionJson, ReportJson } from '../analysis/report-model.js';
import type { MessageView } from '../select/message-view.js';
import { isProblem } from './evidence.js';
import { formatMs } from './time.js';
import type { ReportLine } from './fd-output.js';
import type { SpooledConnections } from './text.js';

/** The detail section of a connection as a format draws it (text, Markdown or HTML). */
export type SectionRenderer = (c: ConnectionJson) => string;

/** What every ticket-ready format (Markdown, HTML) is made of: the report, plus the selection that produced it. */
export interface ReportDocument {
  report: ReportJson;
  /** Set when the user selected a message (--from/--rcpt/--message-id). */
  messageView?: MessageView | null;
  /** Human description of the selection, e.g. "--rcpt bob@example.org". */
  selection?: string | null;
  redacted?: boolean;
}

/** Parts of a report drawn before the report itself, as each connection was diagnosed (SpooledParts and the CLI): by
 * default each is drawn from the report's connections. */
export interface ReportParts {
  /** Markdown and HTML: the problem connections, detailed; the report's connections then hold none of them. */
  problems?: ProblemList;
  /** Markdown and HTML: the table rows of the connections without a problem, in report order; the report's
   * connections then hold none of them. */
  cleanRows?: { count: number; rows(): Iterable<ReportLine> };
  /** Text: the rows and sections of the connections it details (the report's connections are then not read). */
  spooledConnections?: SpooledConnections;
}

/** The problem connections as Markdown and HTML show them, in report order: the first one's summary heads the report,
 * the diagnoses make its title and verdict, and each one is detailed in its section. */
export interface ProblemList {
  readonly count: number;
  readonly first: ConnectionJson | null;
  diagnoses(): Iterable<string>;
  /** Each section (bytes read back from a scratch file are valid until the next one is read). */
  sections(): Iterable<ReportLine>;
}

/** The problem connections of the report itself, each section drawn by `section` as it is reached. */
export function problemsOf(r: ReportJson, section: SectionRenderer): ProblemList {
  const problems = r.connections.filter(isProblem);
  return {
    count: problems.length,
    first: problems[0] ?? null,
    diagnoses: () => problems.map((c) => c.diagnosis),
    *sections() {
      for (const c of problems) yield section(c);
    },
  };
}

/** The clean connections' table rows drawn from the report itself. */
export function cleanRowsOf(r: ReportJson, row: (c: ConnectionJson) => string): { count: number; rows(): Iterable<string> } {
  const clean = r.connections.filter((c) => !isProblem(c));
  return { count: clean.length, rows: () => clean.map(row) };
}

/** The one-line verdict at the top: how many connections (`total`), how many went wrong, and how. */
export function headline(total: number, problems: ProblemList): string {
  if (!total) return 'No SMTP connection found in this capture.';
  if (!problems.count) return `${total} SMTP connection${total === 1 ? '' : 's'}, no problem found.`;
  const counts = new Map<string, number>();
  for (const d of problems.diagnoses()) counts.set(d, (counts.get(d) ?? 0) + 1);
  const kinds = [...counts].map(([d, n]) => (n > 1 ? `${n}× ${d}` : d)).join(', ');
  return `${problems.count} of ${total} SMTP connection${total === 1 ? '' : 's'} had a problem: ${kinds}.`;
}

export function inputsLine(r: ReportJson): string {
  const files = r.inputs.map((i) => `${i.file} (${i.format}${i.compressed ? ', gzip' : ''}, ${i.packets} packets${i.truncated ? `, reading stopped at byte ${i.truncated.offset}` : ''})`);
  return `${files.length > 1 ? `${files.length} files read as one capture` : 'Capture'}: ${files.join('; ')}.`;
}

export function connectionTitle(c: ConnectionJson): string {
  return `Connection ${c.id}: ${c.client} → ${c.server} — ${c.diagnosis}`;
}

export function connectionFacts(c: ConnectionJson): string {
  const rtt = c.handshakeRttMs === null ? 'no handshake seen' : `handshake RTT ${formatMs(c.handshakeRttMs)}`;
  const mb = c.middlebox ? `; middlebox ${c.middlebox.kind} (confidence ${c.middlebox.confidence})` : '';
  return `${c.start} · ${formatMs(c.durationMs)} · ${rtt} · vantage ${c.vantage} · outcome ${c.outcome}${mb}`;
}
