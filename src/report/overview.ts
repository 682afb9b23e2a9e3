import type { ConnectionJson, ReportJson } from '../analysis/report-model.js';
import type { MessageView } from '../select/message-view.js';
import { isProblem } from './evidence.js';
import { formatMs } from './time.js';
import type { SectionRenderer } from './section-spool.js';
import type { SpooledConnections } from './text.js';

/** What every ticket-ready format (Markdown, HTML) is made of: the report, plus the selection that produced it. */
export interface ReportDocument {
  report: ReportJson;
  /** Set when the user selected a message (--from/--rcpt/--message-id). */
  messageView?: MessageView | null;
  /** Human description of the selection, e.g. "--rcpt bob@example.org". */
  selection?: string | null;
  redacted?: boolean;
}

/** Parts of a ticket-ready report drawn before the report itself (see SectionSpool and the CLI): by default each is
 * drawn from the report's connections. */
export interface ReportParts {
  /** A problem connection's section. */
  sections?: SectionRenderer;
  /** The table rows of the connections without a problem, in report order; the report's connections then hold only
   * the problem ones. */
  cleanRows?: { count: number; rows(): Iterable<string> };
  /** Text --verbose: every connection's table row and section (the report's connections are then empty). */
  spooledConnections?: SpooledConnections;
}

/** The clean connections' table rows drawn from the report itself. */
export function cleanRowsOf(r: ReportJson, row: (c: ConnectionJson) => string): { count: number; rows(): Iterable<string> } {
  const clean = r.connections.filter((c) => !isProblem(c));
  return { count: clean.length, rows: () => clean.map(row) };
}

export function problemConnections(r: ReportJson): ConnectionJson[] {
  return r.connections.filter(isProblem);
}

/** The one-line verdict at the top: how many connections, how many went wrong, and how. */
export function headline(r: ReportJson, notInReport = 0): string {
  const total = r.connections.length + notInReport;
  const problems = problemConnections(r);
  if (!total) return 'No SMTP connection found in this capture.';
  if (!problems.length) return `${total} SMTP connection${total === 1 ? '' : 's'}, no problem found.`;
  const counts = new Map<string, number>();
  for (const c of problems) counts.set(c.diagnosis, (counts.get(c.diagnosis) ?? 0) + 1);
  const kinds = [...counts].map(([d, n]) => (n > 1 ? `${n}× ${d}` : d)).join(', ');
  return `${problems.length} of ${total} SMTP connection${total === 1 ? '' : 's'} had a problem: ${kinds}.`;
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
