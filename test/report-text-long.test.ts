// A capture of thousands of connections: the terminal table must stay readable and quick to draw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import type { ReportJson } from '../src/analysis/report-model.js';
import { generateCapture } from '../src/bench/generate.js';
import fc from 'fast-check';
import { renderLongTable } from '../src/report/long-table.js';
import { CleanRowKeeper } from '../src/report/clean-rows.js';
import { byReportOrder } from '../src/report/sorted-spool.js';
import { isPlainRow } from '../src/report/plain-table.js';
import { connectionDetail, renderText, writeText } from '../src/report/text.js';
import Table from 'cli-table3';
import { chooseStyle, PLAIN, type Style } from '../src/report/style.js';
import { evidenceRows } from '../src/report/evidence.js';
import { printable } from '../src/report/sanitize.js';
import { formatMs } from '../src/report/time.js';
import { isOmitted, trimTranscript } from '../src/report/trim.js';
import { transcriptRows, type TranscriptRow } from '../src/report/transcript.js';

let dir = '';
let report: ReportJson;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'long-table-'));
  const file = join(dir, 'many.pcap');
  generateCapture(file, { targetBytes: 6 << 20, seed: 11 });
  report = (await analyze([file])).report;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tableRowIds = (text: string) => [...text.matchAll(/^│ (\d+) +│/gm)].map((m) => Number(m[1]));

describe('the connections table of a long capture', () => {
  it('is drawn in chunks that stitch into exactly the one-table text', () => {
    const rows = report.connections.map((c) => [String(c.id), c.start.slice(11, 23), `${c.client} → ${c.server}`, c.outcome, c.diagnosis, c.summary]);
    expect(rows.length).toBeGreaterThan(50);
    const o = { head: ['#', 'start (UTC)', 'client → server', 'outcome', 'diagnosis', 'summary'], colWidths: [5, 14, 32, 11, 21, 40] };
    const whole = renderLongTable(o, rows, 100_000);
    expect(renderLongTable(o, rows, 7)).toBe(whole);
    expect(renderLongTable(o, rows, 1)).toBe(whole);
  });

  it('past the row limit lists the problem connections only and says how many others there are', () => {
    const problems = report.connections.filter((c) => c.diagnosis !== 'none').map((c) => c.id);
    const clean = report.connections.length - problems.length;
    expect(problems.length).toBeGreaterThan(0);
    expect(clean).toBeGreaterThan(20);
    const text = renderText(report, { tableRowLimit: 20 });
    expect(tableRowIds(text).sort((a, b) => a - b)).toEqual([...problems].sort((a, b) => a - b));
    expect(text).toContain(`${clean} connections without a problem are not listed (the table would have ${report.connections.length} rows)`);
    // --verbose, or a table within the limit, lists every connection.
    expect(tableRowIds(renderText(report, { tableRowLimit: 20, verbose: true })).length).toBe(report.connections.length);
    const within = renderText(report, { tableRowLimit: 100_000 });
    expect(tableRowIds(within).length).toBe(report.connections.length);
    expect(within).not.toContain('not listed');
  });

  it('rows of one-column text are drawn exactly as cli-table3 draws them, in colour too; other rows by cli-table3', () => {
    const o = { head: ['#', 'start (UTC)', 'client → server', 'outcome', 'diagnosis', 'summary'], colWidths: [5, 14, 32, 11, 21, 40] };
    const real = report.connections.flatMap((c) => [false, true].map((colour) => [String(c.id), c.start.slice(11, 23), `${c.client} → ${c.server}`, c.outcome, colour ? `\x1b[31m${c.diagnosis}\x1b[39m` : c.diagnosis, c.summary]));
    expect(real.every((r) => isPlainRow(r, o.colWidths))).toBe(true);
    expect(renderLongTable(o, real, 200, true)).toBe(renderLongTable(o, real, 200, false));
    // Words longer than a column, runs of spaces (no-break spaces too), empty cells, punctuation, whitespace before the
    // first word and after the last: the wrap and the '…' cut must agree.
    const word = fc.stringMatching(/^[a-z0-9.:<>@→×µ-]{0,45}$/);
    const space = fc.constantFrom(' ', '  ', '   ', '\u00a0', ' \u00a0 ');
    const text = fc
      .tuple(fc.constantFrom('', ' ', '  ', '\u00a0'), fc.array(fc.tuple(word, space), { maxLength: 12 }), fc.boolean())
      .map(([lead, ws, trim]) => {
        const t = lead + ws.map(([w, sp]) => w + sp).join('');
        return trim ? t.trimEnd() : t;
      });
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        expect(renderLongTable(o, rows, 200, true)).toBe(renderLongTable(o, rows, 200, false));
      }),
      { numRuns: 600 },
    );
    // Wide characters, combining marks and stray escapes are not one column each: those rows go to cli-table3.
    for (const odd of ['日本語のホスト名', 'e\u0301', '\x1b[1mbold\x1b[22m and \x1b[2mdim\x1b[22m', '📬 mail']) {
      const row = ['1', '09:14:07.072', 'a → b', 'delivered', 'none', odd];
      expect(isPlainRow(row, o.colWidths)).toBe(false);
      expect(renderLongTable(o, [row], 200, true)).toBe(renderLongTable(o, [row], 200, false));
    }
  });

  it('holding clean rows only while they could be listed gives the same text, past the limit and within it', () => {
    // The CLI hands connections to the keeper as they finish (in no particular order) and renders the problems (from
    // their spool) with what it kept.
    const finishOrder = [...report.connections].reverse();
    const problems = report.connections.filter((c) => c.diagnosis !== 'none');
    for (const limit of [20, 100_000]) {
      const keeper = new CleanRowKeeper(limit);
      for (const c of finishOrder) keeper.offer(c);
      const { connections: clean, omitted } = keeper.restore();
      const connections = [...problems, ...clean].sort(byReportOrder);
      expect(clean.length).toBe(limit === 20 ? 0 : report.connections.length - problems.length);
      expect(omitted).toBe(limit === 20 ? report.connections.filter((c) => c.diagnosis === 'none').length : 0);
      const held = renderText({ ...report, connections }, { tableRowLimit: limit, omittedCleanConnections: omitted });
      expect(held).toBe(renderText(report, { tableRowLimit: limit }));
    }
  });

  it('--verbose transcripts and evidence tables read exactly as cli-table3 drew them, plain and in colour', () => {
    // The oracle: the two tables as they were drawn before, by cli-table3 alone.
    const oracleTables = (c: (typeof report.connections)[number], st: Style): string[] => {
      const t = new Table({ head: ['time', 'dir', 'command / reply', 'offset', 'ACKed', 'latency'], style: { head: [], border: [] }, wordWrap: true, colWidths: [12, 5, 60, 8, 12, 11] });
      for (const row of trimTranscript(transcriptRows(c))) {
        if (isOmitted(row)) {
          t.push([{ colSpan: 6, content: st.dim(`… ${row.omitted} rows not shown …`) }]);
          continue;
        }
        const r: TranscriptRow = row;
        const text = printable(r.text, 300);
        t.push([`+${formatMs(r.atMs)}`, r.direction, r.unanswered ? st.red(`${text}  [no reply]`) : text, r.offset === null ? '' : String(r.offset), r.direction === 'C→S' ? (r.ackMs === null ? st.red('never') : `+${formatMs(r.ackMs)}`) : '', r.latencyMs === null ? '' : formatMs(r.latencyMs)]);
      }
      const out = [t.toString()];
      if (c.diagnosis !== 'none') {
        const ev = new Table({ head: ['evidence', 'measured'], style: { head: [], border: [] }, wordWrap: true, colWidths: [46, 70] });
        for (const e of evidenceRows(c)) ev.push([printable(e.item, 200), printable(e.value, 600)]);
        out.push(ev.toString());
      }
      return out;
    };
    const colour = chooseStyle({ isTTY: true }, {}, false);
    let unanswered = 0;
    for (const c of report.connections) {
      for (const st of [PLAIN, colour]) {
        const lines = connectionDetail(c, st, true);
        const tables = lines.filter((l) => l.startsWith('┌'));
        expect(tables).toEqual(oracleTables(c, st));
      }
      if (transcriptRows(c).some((r) => !isOmitted(r) && r.unanswered)) unanswered++;
    }
    expect(unanswered).toBeGreaterThan(3); // coloured "[no reply]" cells were among them
  });

  it('is written line by line: a long table never reaches the output as one string', () => {
    const pushed: string[] = [];
    writeText(report, { tableRowLimit: 100_000 }, { push: (...lines: string[]) => void pushed.push(...lines) });
    const tableLines = pushed.filter((l) => l.startsWith('│ ') || l.startsWith('├'));
    expect(tableLines.length).toBeGreaterThan(report.connections.length); // every row came as lines of its own
    expect(Math.max(...pushed.map((l) => l.length))).toBeLessThan(8_000);
    expect(pushed.join('\n') + '\n').toBe(renderText(report, { tableRowLimit: 100_000 }));
  });
});
