import type { ConnectionJson } from '../analysis/report-model.js';
import type { MessageView } from '../select/message-view.js';
import { escapeMarkdown as md, fencedBlock } from './escape.js';
import { evidenceRows } from './evidence.js';
import { mermaidSequence } from './mermaid.js';
import { cleanRowsOf, connectionFacts, connectionTitle, headline, inputsLine, problemsOf, type ReportDocument, type ReportParts } from './overview.js';
import { CollectedLines, type LineSink } from './fd-output.js';
import { transcriptRowText } from './transcript-text.js';
import { isOmitted, trimTranscript } from './trim.js';
import { transcriptRows } from './transcript.js';

function table(head: string[], rows: string[][]): string {
  return [tableLine(head), tableLine(head.map(() => '---')), ...rows.map(tableLine)].join('\n');
}

function tableLine(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const OTHERS_HEAD = ['#', 'start (UTC)', 'client → server', 'outcome', 'summary'];

/** A connection's row in the table of connections without a problem. */
export function markdownCleanRow(c: ConnectionJson): string {
  return tableLine([String(c.id), c.start.slice(11, 23), md(`${c.client} → ${c.server}`), c.outcome, md(c.summary, 300)]);
}

/** Markdown for a ticket (GitHub, GitLab, Jira): verdict first, then each problem connection in full (evidence table,
 * trimmed transcript, mermaid sequence diagram), then every other connection in one table. */
export function renderMarkdown(doc: ReportDocument, parts: ReportParts = {}): string {
  const lines = new CollectedLines();
  writeMarkdown(doc, lines, parts);
  return lines.text();
}

/** renderMarkdown, line by line into `out`. */
export function writeMarkdown(doc: ReportDocument, out: LineSink, parts: ReportParts = {}): void {
  const r = doc.report;
  const problems = parts.problems ?? problemsOf(r, markdownSection);
  const others = parts.cleanRows ?? cleanRowsOf(r, markdownCleanRow);
  out.push(`# SMTP capture diagnosis`, '', `**${md(headline(problems.count + others.count, problems))}**`, '');
  if (problems.first) out.push(`> ${md(problems.first.summary, 4000)}`, '');
  out.push(md(inputsLine(r)));
  if (doc.selection) out.push('', `Selection: ${md(doc.selection)}`);
  if (doc.redacted) out.push('', '_Addresses and subjects are redacted._');
  for (const f of r.capture.findings) out.push('', `**Across connections:** ${md(f.message, 4000)}`);
  for (const l of r.capture.limits) out.push('', `**Limit reached:** ${md(l)}`);
  if (doc.messageView) out.push('', ...messageSection(doc.messageView));
  for (const section of problems.sections()) out.push('', section);
  if (others.count) {
    out.push('', `## ${problems.count ? 'Other connections' : 'Connections'} (no problem found)`, '');
    out.push(tableLine(OTHERS_HEAD), tableLine(OTHERS_HEAD.map(() => '---')));
    for (const row of others.rows()) out.push(row);
  }
  out.push('', `<sub>${md(`${r.tool.name} ${r.tool.version}`)}</sub>`);
}

function messageSection(v: MessageView): string[] {
  const rows = v.attempts.map((a) => [
    String(a.attempt),
    a.at.replace('T', ' ').slice(0, 23),
    String(a.connectionId),
    md(`${a.client} → ${a.server}`),
    md(`${a.mailFrom} → ${a.rcptTo.join(', ')}`, 300),
    a.envelopeBytes === null ? '' : `${a.envelopeBytes} B (${a.envelopeAnswered}/${a.envelopeCommands} answered)`,
    a.outcome,
    a.diagnosis,
  ]);
  return ['## The message', '', `**${md(v.story)}**`, '', table(['attempt', 'MAIL sent (UTC)', 'conn', 'client → server', 'from → to', 'envelope flight', 'outcome', 'diagnosis'], rows)];
}

/** A problem connection's section (drawn where the report needs it, or as it is diagnosed: SpooledParts). */
export function markdownSection(c: ConnectionJson): string {
  return connectionSection(c).join('\n');
}

function connectionSection(c: ConnectionJson): string[] {
  const out = [`## ${md(connectionTitle(c))}`, '', md(connectionFacts(c)), ''];
  if (c.banner) out.push(`Greeting: ${md(`${c.banner.code} ${c.banner.text.split('\n')[0]}`, 300)}`, '');
  out.push(md(c.summary, 4000), '');
  for (const f of c.findings) if (f.kind !== 'vantage') out.push(`- **${md(f.kind)}** (${f.severity}, confidence ${f.confidence}): ${md(f.message, 4000)}`);
  out.push('', '### Evidence', '', table(['what', 'measured'], evidenceRows(c).map((e) => [md(e.item), md(e.value, 600)])));
  const rows = trimTranscript(transcriptRows(c));
  out.push('', '### Transcript', '', fencedBlock(rows.map((x) => (isOmitted(x) ? `          … ${x.omitted} rows not shown …` : transcriptRowText(x)))));
  out.push('', '### Sequence', '', '```mermaid', mermaidSequence(c), '```');
  return out;
}
