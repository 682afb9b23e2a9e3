// The text report details its problem connections, and with --verbose lists and details every connection. The CLI
// draws the table row and section of each connection it details into a scratch file as it is diagnosed
// (TextConnectionSpool) and keeps nothing of it in the report: with --verbose on a 1 GB capture, the rows kept in
// memory took its peak RSS past 150 MB; without it, a capture of 50 000 stalled sessions took the CLI to 206 MB. The
// report must read exactly as the in-memory rendering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import type { ConnectionJson, ReportJson } from '../src/analysis/report-model.js';
import { generateCapture } from '../src/bench/generate.js';
import { CollectedLines } from '../src/report/fd-output.js';
import { SpooledParts } from '../src/report/spooled-parts.js';
import { byReportOrder } from '../src/report/sorted-spool.js';
import { chooseStyle, PLAIN, type Style } from '../src/report/style.js';
import { renderText, writeText } from '../src/report/text.js';
import { runCli } from './helpers/cli.js';

let dir = '';
let capture = '';
let report: ReportJson;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'text-verbose-'));
  capture = join(dir, 'many.pcap');
  // More connections than one chunk of the long table (200 rows), finishing out of start order.
  generateCapture(capture, { targetBytes: 14 << 20, seed: 11 });
  report = (await analyze([capture])).report;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text report drawn from what the CLI kept of its connections: in the report only the clean rows `offer` handed
 * back (in report order, as the CLI's CleanRowKeeper restores them), everything else in `parts`. */
function drawSpooled(parts: SpooledParts, style: Style, verbose: boolean, kept: ConnectionJson[] = []): string {
  const drawn = parts.parts(kept);
  const lines = new CollectedLines();
  writeText({ ...report, connections: kept }, { style, verbose, spooled: drawn.spooledConnections }, lines);
  return lines.text();
}

describe('text --verbose spooled as connections finish', () => {
  it('reads exactly as the in-memory report, plain and in colour, and the CLI says a problem was found', () => {
    expect(report.connections.length).toBeGreaterThan(200);
    expect(report.connections.filter((c) => c.diagnosis !== 'none').length).toBeGreaterThan(2);
    // Connections finish in another order than the report's; problems come first in the text report.
    const finishOrder = [...report.connections].reverse();
    for (const style of [PLAIN, chooseStyle({ isTTY: true }, {}, false)]) {
      const parts = new SpooledParts('text', { style, verbose: true });
      try {
        for (const c of finishOrder) expect(parts.offer(c)).toBeNull();
        expect(drawSpooled(parts, style, true)).toBe(renderText(report, { style, verbose: true }));
      } finally {
        parts.dispose();
      }
    }
    const run = runCli(['--verbose', capture]);
    expect(run.stdout).toBe(renderText(report, { verbose: true }));
    expect(run.code).toBe(1);
  });

  it('without --verbose: the problem connections spooled, the clean ones handed back; reads exactly as in memory', () => {
    expect(report.connections.length).toBeLessThan(1000); // every clean connection listed too (TABLE_ROW_LIMIT)
    const finishOrder = [...report.connections].reverse();
    for (const style of [PLAIN, chooseStyle({ isTTY: true }, {}, false)]) {
      const parts = new SpooledParts('text', { style, verbose: false });
      try {
        const kept: ConnectionJson[] = [];
        for (const c of finishOrder) {
          const row = parts.offer(c);
          if (c.diagnosis === 'none') kept.push(row!);
          else expect(row).toBeNull();
        }
        expect(kept.every((c, i) => c === finishOrder.filter((x) => x.diagnosis === 'none')[i])).toBe(true);
        expect(drawSpooled(parts, style, false, kept.sort(byReportOrder))).toBe(renderText(report, { style }));
      } finally {
        parts.dispose();
      }
    }
    const run = runCli([capture]);
    expect(run.stdout).toBe(renderText(report));
    expect(run.code).toBe(1);
  });

  it.each([true, false])('keeps under half a kilobyte per detailed connection in memory, not its row (--verbose: %s)', (verbose) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Thousands of connections, each with a summary of its own of 3 600 characters: kept as table rows (or as their
    // cells), they would hold ≥ 2 KB each.
    const count = 3_000;
    const warmUp = 500;
    const connection = (i: number): ConnectionJson => {
      const base = report.connections[i % report.connections.length]!;
      const summary = Buffer.from(`${i}: ${'stalled after the DATA command '.repeat(116)}`).toString('latin1');
      return { ...base, id: 1_000_000 + i, summary };
    };
    const parts = new SpooledParts('text', { style: PLAIN, verbose });
    try {
      // Offered from the last to the first; the first offers let the code settle (compiled code is heap too). Without
      // --verbose the clean ones are handed back, and dropped here.
      let i = count - 1;
      for (; i >= count - warmUp; i--) parts.offer(connection(i));
      gc();
      const before = process.memoryUsage().heapUsed;
      for (; i >= 0; i--) parts.offer(connection(i));
      gc();
      const perConnection = (process.memoryUsage().heapUsed - before) / (count - warmUp);
      expect(perConnection).toBeLessThan(512);
      // Every connection comes back, in the text report's order.
      const ids = [...parts.parts().spooledConnections!.rows()].map((c) => c.id);
      const all = Array.from({ length: count }, (_, k) => connection(k)).sort(byReportOrder);
      const problemsFirst = [...all.filter((c) => c.diagnosis !== 'none'), ...(verbose ? all.filter((c) => c.diagnosis === 'none') : [])];
      expect(ids).toEqual(problemsFirst.map((c) => c.id));
    } finally {
      parts.dispose();
    }
  });
});
