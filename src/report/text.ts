import Table from 'cli-table3';
import type { ConnectionJson, ReportJson } from '../analysis/report-model.js';
import { linkName } from '../decode/link.js';
import { printable } from './sanitize.js';
import { PLAIN, type Style } from './style.js';
import type { MessageView } from '../select/message-view.js';
import { evidenceRows } from './evidence.js';
import { eachLongTableLine, renderLongTable } from './long-table.js';
import { formatMs } from './time.js';
import { isOmitted, trimTranscript } from './trim.js';
import { transcriptRows, type TranscriptRow } from './transcript.js';
import { CollectedLines, type LineSink, type ReportLine } from './fd-output.js';

export interface TextOptions {
  style?: Style;
  /** Adds each problem connection's transcript around the stall and its evidence table, and every other
   * connection's transcript. Without it, problem connections show their verdict and findings only. */
  verbose?: boolean;
  /** The message view (--from/--rcpt/--message-id): every attempt of one message, shown before the table. */
  messageView?: MessageView | null;
  /** Terminal width for wrapping summaries. */
  width?: number;
  /** Most rows in the connections table before connections without a problem are left out of it (counted in one
   * line instead); --verbose lists every one. Default TABLE_ROW_LIMIT. */
  tableRowLimit?: number;
  /** Clean connections the caller only counted (they would not have been listed: the table was past its limit). */
  omittedCleanConnections?: number;
  /** The rows and sections of the connections the report details, drawn as each was diagnosed (from the CLI,
   * TextConnectionSpool: the problem connections, then the clean rows the report kept; with --verbose, every
   * connection): the report's own list of connections is then not read. */
  spooled?: SpooledConnections;
}

/** The connections of a --verbose report kept out of the report: their table rows (what the table reads of each) and
 * their detail sections, each in the text report's order (problems first, each group in report order). */
export interface SpooledConnections {
  readonly count: number;
  rows(): Iterable<ConnectionJson>;
  /** Each section as it was drawn (bytes read back from a scratch file are valid until the next one is read). */
  sections(): Iterable<ReportLine>;
}

/** A terminal table of 20 000 healthy connections buries the problems and takes longer to draw than the analysis;
 * past this many rows the table keeps the problem connections only. */
export const TABLE_ROW_LIMIT = 1000;

/** The default terminal view: inputs, a table of connections (problems first), then each problem connection's
 * transcript with its evidence. */
export function renderText(report: ReportJson, o: TextOptions = {}): string {
  const lines = new CollectedLines();
  writeText(report, o, lines);
  return lines.text();
}

/** renderText, line by line into `out` (the CLI streams them to its output). */
export function writeText(report: ReportJson, o: TextOptions, out: LineSink): void {
  const st = o.style ?? PLAIN;
  const width = Math.max(80, Math.min(o.width ?? 120, 200));
  for (const i of report.inputs) {
    const links = i.linkTypes.map(linkName).join(', ') || 'none';
    const acc = Object.entries(i.accounting).map(([k, v]) => `${k} ${v}`).join(', ');
    out.push(st.bold(printable(i.file)) + st.dim(` — ${i.format}${i.compressed ? ' (gzip)' : ''}, ${links}, ${i.precision === 'ns' ? 'nanosecond' : 'microsecond'} timestamps, snaplen ${i.snaplen ?? '?'}, ${i.packets} packets (${acc})`));
    if (i.truncated) out.push(st.red(`  reading stopped at byte ${i.truncated.offset}: ${printable(i.truncated.reason)}`));
  }
  if (o.messageView) out.push('', ...messageLines(o.messageView, st));
  const spooled = o.spooled;
  const conns = spooled ? [] : [...report.connections].sort((a, b) => Number(b.diagnosis !== 'none') - Number(a.diagnosis !== 'none'));
  const omitted = o.omittedCleanConnections ?? 0;
  const total = (spooled ? spooled.count : conns.length) + omitted;
  if (!total) {
    out.push('', 'No SMTP connection found in this capture.');
    if (report.capture.otherTcpConnections) out.push(st.dim(`(${report.capture.otherTcpConnections} other TCP connections ignored)`));
    return;
  }
  const summaryWidth = Math.max(30, width - 83);
  const limit = o.tableRowLimit ?? TABLE_ROW_LIMIT;
  const listsAll = o.verbose || total <= limit;
  let listed = 0;
  // Cells are made as the table draws its chunks: a table of every connection is never held as cells.
  const rows = function* (): Generator<string[]> {
    for (const c of spooled ? spooled.rows() : conns) {
      if (!listsAll && c.diagnosis === 'none') continue;
      listed++;
      yield [String(c.id), c.start.slice(11, 23), `${c.client} → ${c.server}`, c.outcome, colourDiagnosis(c.diagnosis, st), printable(c.summary, 2000)];
    }
  };
  out.push('');
  eachLongTableLine({ head: ['#', 'start (UTC)', 'client → server', 'outcome', 'diagnosis', 'summary'], colWidths: [5, 14, 32, 11, 21, summaryWidth] }, rows(), (line) => out.push(line));
  if (listed < total) {
    const n = total - listed;
    out.push(
      st.dim(`${n} connection${n > 1 ? 's' : ''} without a problem ${n > 1 ? 'are' : 'is'} not listed (the table would have ${total} rows): --verbose lists every one; --host, --port or --since narrow the report; -f json has them all.`),
    );
  }
  for (const f of report.capture.findings) out.push('', st.yellow('Across connections: ') + printable(f.message, 2000));
  for (const l of report.capture.limits) out.push(st.yellow(`Limit reached: ${l}`));
  if (spooled) for (const section of spooled.sections()) out.push('', section);
  for (const c of conns) {
    if (c.diagnosis === 'none' && !o.verbose) continue;
    out.push('', textSection(c, st, o.verbose ?? false));
  }
  if (report.capture.otherTcpConnections) out.push('', st.dim(`${report.capture.otherTcpConnections} other TCP connection(s) carried no SMTP and are not shown.`));
}

function colourDiagnosis(d: string, st: Style): string {
  if (d === 'none') return st.green(d);
  if (d === 'path-loss' || d === 'slow-server' || d === 'capture-loss') return st.yellow(d);
  return st.red(d);
}

function messageLines(v: MessageView, st: Style): string[] {
  const out = [st.bold('The message: ') + printable(v.story, 2000)];
  const t = new Table({ head: ['attempt', 'MAIL sent (UTC)', 'conn', 'client → server', 'envelope', 'outcome', 'diagnosis'], style: { head: [], border: [] } });
  for (const a of v.attempts) {
    t.push([String(a.attempt), a.at.replace('T', ' ').slice(0, 23), String(a.connectionId), `${a.client} → ${a.server}`, a.envelopeBytes === null ? '' : `${a.envelopeBytes} B`, a.outcome, colourDiagnosis(a.diagnosis, st)]);
  }
  out.push(t.toString());
  return out;
}

/** A connection's detail section: what connectionDetail draws, as one text. */
export function textSection(c: ConnectionJson, st: Style, verbose: boolean): string {
  return connectionDetail(c, st, verbose).join('\n');
}

export function connectionDetail(c: ConnectionJson, st: Style, verbose = true): string[] {
  const out: string[] = [];
  const rtt = c.handshakeRttMs === null ? 'no handshake seen' : `handshake RTT ${formatMs(c.handshakeRttMs)}`;
  out.push(st.bold(`Connection ${c.id}: ${c.client} → ${c.server}`) + `  ${c.start}, ${formatMs(c.durationMs)}, ${rtt}, vantage ${c.vantage}`);
  out.push(`  outcome ${c.outcome}, diagnosis ${colourDiagnosis(c.diagnosis, st)}${c.middlebox ? `, middlebox ${c.middlebox.kind} (confidence ${c.middlebox.confidence})` : ''}`);
  out.push(`  ${printable(c.summary, 4000)}`);
  if (verbose) out.push(...transcriptTable(c, st));
  for (const f of c.findings) {
    if (f.kind === 'vantage') continue;
    const mark = f.severity === 'error' ? st.red('✗') : f.severity === 'warning' ? st.yellow('!') : st.dim('·');
    out.push(`  ${mark} ${printable(f.message, 4000)} ${st.dim(`[${f.kind}, confidence ${f.confidence}]`)}`);
  }
  if (verbose && c.diagnosis !== 'none') {
    const rows = evidenceRows(c).map((e) => [printable(e.item, 200), printable(e.value, 600)]);
    out.push(renderLongTable({ head: ['evidence', 'measured'], colWidths: [46, 70] }, rows));
  }
  return out;
}

/** The transcript around the stall (start, each unanswered command with context, end) as a table. Drawn by
 * renderLongTable (our plain renderer where it draws exactly what cli-table3 would: cli-table3 itself took ~3 ms per
 * connection, 74 s for the --verbose report of the 1 GB bench capture), unless a row of omitted rows spans the table,
 * which only cli-table3 draws. */
function transcriptTable(c: ConnectionJson, st: Style): string[] {
  const head = ['time', 'dir', 'command / reply', 'offset', 'ACKed', 'latency'];
  const colWidths = [12, 5, 60, 8, 12, 11];
  const rows = trimTranscript(transcriptRows(c));
  if (!rows.some(isOmitted)) return [renderLongTable({ head, colWidths }, rows.map((r) => transcriptCells(r as TranscriptRow, st)))];
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true, colWidths });
  for (const row of rows) {
    if (isOmitted(row)) t.push([{ colSpan: 6, content: st.dim(`… ${row.omitted} rows not shown …`) }]);
    else t.push(transcriptCells(row, st));
  }
  return [t.toString()];
}

function transcriptCells(r: TranscriptRow, st: Style): string[] {
  const text = printable(r.text, 300);
  return [
    `+${formatMs(r.atMs)}`,
    r.direction,
    r.unanswered ? st.red(`${text}  [no reply]`) : text,
    r.offset === null ? '' : String(r.offset),
    r.direction === 'C→S' ? (r.ackMs === null ? st.red('never') : `+${formatMs(r.ackMs)}`) : '',
    r.latencyMs === null ? '' : formatMs(r.latencyMs),
  ];
}
