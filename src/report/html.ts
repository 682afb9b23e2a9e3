import type { ConnectionJson } from '../analysis/report-model.js';
import type { MessageView } from '../select/message-view.js';
import { escapeHtml as x } from './escape.js';
import { evidenceRows } from './evidence.js';
import { ladderSvg } from './ladder-svg.js';
import { cleanRowsOf, connectionFacts, connectionTitle, headline, inputsLine, problemsOf, type ReportDocument, type ReportParts } from './overview.js';
import { CollectedLines, type LineSink } from './fd-output.js';
import { printable } from './sanitize.js';
import { transcriptRowText } from './transcript-text.js';
import { isOmitted, trimTranscript } from './trim.js';
import { transcriptRows } from './transcript.js';

/** Capture-derived text: control characters made visible, then HTML-escaped. */
function t(s: string, max = 4000): string {
  return x(printable(s, max));
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1500px;color:#1d1d1f;padding:0 16px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 6px;border-top:1px solid #ddd;padding-top:14px}h3{font-size:15px;margin:14px 0 6px}
.verdict{font-size:17px;font-weight:600}.summary{background:#fff4f4;border-left:4px solid #c62828;padding:8px 12px;margin:10px 0}
.ok .summary{background:#f3faf3;border-color:#2e7d32}.facts{color:#555}
.pair{display:grid;grid-template-columns:minmax(0,720px) minmax(340px,1fr);gap:20px;align-items:start}.pair>div{min-width:0}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}th{background:#f4f4f6}
td.v{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-word;max-width:520px}
pre{background:#f7f7f9;border:1px solid #e3e3e8;padding:8px;overflow:auto;font-size:12px}
.diag{font-weight:600;color:#c62828}.diag.none{color:#2e7d32}
svg.ladder{background:#fff;border:1px solid #e3e3e8;font:11px ui-monospace,Menlo,Consolas,monospace;max-width:100%;height:auto}
svg .lane{stroke:#999;stroke-width:1.5}svg text.lane{font-weight:600;fill:#333;stroke:none}
svg line.handshake,svg line.data,svg line.reply,svg line.ack{stroke:#333;stroke-width:1.4}
svg line.ack,svg line.handshake{stroke-dasharray:5 3}svg line.alarm{stroke:#c62828;stroke-width:2.2}
svg line.impossible{stroke-dasharray:2 2}svg line.silence{stroke:#c62828;stroke-width:4;opacity:.35}
svg line.end{stroke:#888;stroke-dasharray:1 3}svg line.leader{stroke:#bbb;stroke-width:.7}
svg text.label{fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px}svg text.alarm{fill:#c62828}
svg .break{fill:none;stroke:#888}svg text.break-label{fill:#777}svg text.capture{fill:#1565c0}
footer{margin-top:30px;color:#888;font-size:12px}`;

/** One self-contained HTML page (no scripts, no fonts, no network: a Content-Security-Policy forbids them), with
 * the Markdown report's content plus an SVG ladder diagram per problem connection. */
export function renderHtml(doc: ReportDocument, parts: ReportParts = {}): string {
  const lines = new CollectedLines();
  writeHtml(doc, lines, parts);
  return lines.text();
}

/** renderHtml, line by line into `out`. */
export function writeHtml(doc: ReportDocument, out: LineSink, parts: ReportParts = {}): void {
  const r = doc.report;
  const problems = parts.problems ?? problemsOf(r, htmlSection);
  const others = parts.cleanRows ?? cleanRowsOf(r, htmlCleanRow);
  const title = problems.count ? `SMTP diagnosis: ${[...problems.diagnoses()].join(', ')}` : 'SMTP diagnosis';
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${x(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
  );
  out.push(`<h1>SMTP capture diagnosis</h1>`, `<p class="verdict">${x(headline(problems.count + others.count, problems))}</p>`);
  if (problems.first) out.push(`<p class="summary">${t(problems.first.summary)}</p>`);
  out.push(`<p class="facts">${t(inputsLine(r))}</p>`);
  if (doc.selection) out.push(`<p class="facts">Selection: <code>${t(doc.selection)}</code></p>`);
  if (doc.redacted) out.push(`<p class="facts"><em>Addresses and subjects are redacted.</em></p>`);
  for (const f of r.capture.findings) out.push(`<p><strong>Across connections:</strong> ${t(f.message)}</p>`);
  for (const l of r.capture.limits) out.push(`<p><strong>Limit reached:</strong> ${t(l)}</p>`);
  if (doc.messageView) out.push(messageSection(doc.messageView));
  for (const section of problems.sections()) out.push(section);
  if (others.count) {
    out.push(`<h2>${problems.count ? 'Other connections' : 'Connections'} (no problem found)</h2>`);
    out.push(`<table><thead><tr>${headCells(OTHERS_HEAD)}</tr></thead><tbody>`);
    for (const row of others.rows()) out.push(row);
    out.push('</tbody></table>');
  }
  out.push(`<footer>${x(`${r.tool.name} ${r.tool.version}`)} · JSON schema ${r.schemaVersion}</footer>`, '</body></html>');
}

const OTHERS_HEAD = ['#', 'start (UTC)', 'client → server', 'outcome', 'summary'];

/** A connection's row in the table of connections without a problem. */
export function htmlCleanRow(c: ConnectionJson): string {
  return tableRow([String(c.id), x(c.start.slice(11, 23)), t(`${c.client} → ${c.server}`), x(c.outcome), t(c.summary, 400)]);
}

function headCells(head: string[]): string {
  return head.map((h) => `<th>${x(h)}</th>`).join('');
}

function tableRow(row: string[], cellClass = ''): string {
  return `<tr>${row.map((cell, i) => `<td${i > 0 && cellClass ? ` class="${cellClass}"` : ''}>${cell}</td>`).join('')}</tr>`;
}

function table(head: string[], rows: string[][], cellClass = ''): string {
  const tr = rows.map((row) => tableRow(row, cellClass)).join('\n');
  return `<table><thead><tr>${headCells(head)}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function messageSection(v: MessageView): string {
  const rows = v.attempts.map((a) => [
    String(a.attempt),
    x(a.at.replace('T', ' ').slice(0, 23)),
    String(a.connectionId),
    t(`${a.client} → ${a.server}`),
    t(`${a.mailFrom} → ${a.rcptTo.join(', ')}`, 300),
    a.envelopeBytes === null ? '' : x(`${a.envelopeBytes} B (${a.envelopeAnswered}/${a.envelopeCommands} answered)`),
    x(a.outcome),
    `<span class="diag ${a.diagnosis === 'none' ? 'none' : ''}">${x(a.diagnosis)}</span>`,
  ]);
  return [`<h2>The message</h2>`, `<p class="verdict">${t(v.story)}</p>`, table(['attempt', 'MAIL sent (UTC)', 'conn', 'client → server', 'from → to', 'envelope flight', 'outcome', 'diagnosis'], rows)].join('\n');
}

/** A problem connection's section (drawn where the report needs it, or as it is diagnosed: SpooledParts). */
export function htmlSection(c: ConnectionJson): string {
  const findings = c.findings.filter((f) => f.kind !== 'vantage').map((f) => `<li><strong>${t(f.kind)}</strong> (${x(f.severity)}, confidence ${f.confidence}): ${t(f.message)}</li>`);
  const evidence = table(['what', 'measured'], evidenceRows(c).map((e) => [t(e.item), t(e.value, 600)]), 'v');
  const rows = trimTranscript(transcriptRows(c)).map((r) => (isOmitted(r) ? `          … ${r.omitted} rows not shown …` : transcriptRowText(r)));
  return [
    `<section class="connection" id="connection-${c.id}">`,
    `<h2>${t(connectionTitle(c))}</h2>`,
    `<p class="facts">${t(connectionFacts(c))}</p>`,
    c.banner ? `<p class="facts">Greeting: <code>${t(`${c.banner.code} ${c.banner.text.split('\n')[0]}`, 300)}</code></p>` : '',
    `<p class="summary">${t(c.summary)}</p>`,
    `<ul>${findings.join('')}</ul>`,
    `<div class="pair"><div><h3>Ladder (to time scale)</h3>${ladderSvg(c)}</div><div><h3>Evidence</h3>${evidence}</div></div>`,
    `<h3>Transcript</h3><pre>${rows.map((l) => x(l)).join('\n')}</pre>`,
    `</section>`,
  ].join('\n');
}
