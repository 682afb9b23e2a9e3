// A clean connection in a human report is one table row, so the analysis renders it brief where it is diagnosed
// (healthy: 'summary'). What it renders must be exactly what the full rendering reduced to its row would be, and the
// cross-connection flight-size finding must not notice the difference.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import type { ConnectionJson } from '../src/analysis/report-model.js';
import { correlateFlights, FlightSizeLog, flightSummary, type FlightSummary } from '../src/diagnose/rules/flight-size-threshold.js';
import { generateCapture } from '../src/bench/generate.js';
import { fixture } from './support/analyse.js';

/** The table row of a clean connection, said plainly: the full rendering without its transcript, flights,
 * transactions, findings, anomalies and gaps (what the human formats show of it). */
function summaryOnly(c: ConnectionJson): ConnectionJson {
  return { ...c, commands: [], flights: [], transactions: [], findings: [], anomalies: [], banner: c.banner, tcp: { ...c.tcp, gaps: [] } };
}

let dir = '';
const files: string[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'healthy-'));
  const synthetic = join(dir, 'many.pcap');
  generateCapture(synthetic, { targetBytes: 4 << 20, seed: 5 });
  files.push(synthetic);
  for (const sub of ['spine', 'lab', 'crafted']) {
    for (const name of readdirSync(fixture(sub))) {
      const p = join(fixture(sub), name);
      if (statSync(p).isFile() && /\.pcapn?g?$/.test(name)) files.push(p);
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("healthy: 'summary'", () => {
  it('renders clean connections exactly as summaryOnly reduces the full rendering, and changes nothing else', async () => {
    let clean = 0;
    for (const f of files) {
      const full = (await analyze([f])).report;
      const brief = (await analyze([f], { healthy: 'summary' })).report;
      const expected = full.connections.map((c) => (c.diagnosis === 'none' ? summaryOnly(c) : c));
      clean += full.connections.filter((c) => c.diagnosis === 'none').length;
      // Same keys in the same order: the text of the JSON is compared, not only the values.
      expect(JSON.stringify(brief.connections), f).toBe(JSON.stringify(expected));
      expect(brief.capture, f).toEqual(full.capture);
      // The flight summaries are taken from the facts; read from the full JSON they must say the same.
      expect(correlateFlights(logOf(full.connections.map(flightSummary))), f).toEqual(full.capture.findings.filter((x) => x.kind === 'flight-size-threshold'));
      // Connections finish in any order (a sharded run finishes them in another): the finding reads the same.
      expect(correlateFlights(logOf(full.connections.map(flightSummary).reverse())), f).toEqual(correlateFlights(logOf(full.connections.map(flightSummary))));
      if (f === files[0]) expect(full.capture.findings.map((x) => x.kind)).toContain('flight-size-threshold');
    }
    expect(clean).toBeGreaterThan(50);
  }, 120_000);
});

/** The flights of these connections, added in this order (as the analyzer adds them as connections finish). */
function logOf(summaries: FlightSummary[]): FlightSizeLog {
  const log = new FlightSizeLog();
  for (const s of summaries) log.add(s);
  return log;
}
