import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { renderHtml } from '../src/report/html.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderText } from '../src/report/text.js';
import { generateCapture } from '../dist/bench/generate.js';
import { fixturePath, runCli } from './helpers/cli.js';

// Without a selection the CLI streams: JSON is assembled from a scratch file; the human formats draw each detailed
// connection's section (and in Markdown and HTML each clean connection's table row) into a scratch file as it is
// diagnosed and write the report line by line. What the user gets must be exactly what the in-memory report renders.
const captures = [
  ['lab/incident-513-client.pcap', 'lab/proxy-bug512-512-client.pcap', 'lab/proxy-bug512-1025-client.pcap', 'spine/postfix-pipelined-3rcpt.pcap'],
  ['crafted/pix-masked.pcap'],
  ['crafted/null-ipv6-bsd.pcap'],
  ['crafted/empty.pcap'],
].map((list) => list.map(fixturePath));

describe('streamed reports equal the in-memory ones', () => {
  it.each(captures)('JSON of %s …, byte for byte, with the same exit code', async (...files) => {
    const { report, errors } = await analyze(files);
    const run = runCli(['-f', 'json', ...files]);
    expect(run.stdout).toBe(renderJson(report));
    const problems = report.connections.some((c) => c.diagnosis !== 'none');
    expect(run.code).toBe(errors.length ? 2 : problems ? 1 : 0);
  });

  it('the text and Markdown views show the same with summary rows kept for clean connections', async () => {
    const files = captures[0]!;
    const { report } = await analyze(files);
    expect(report.connections.filter((c) => c.diagnosis === 'none').length).toBeGreaterThan(0);
    expect(runCli(files).stdout).toBe(renderText(report));
    expect(runCli(['-f', 'markdown', ...files]).stdout).toBe(renderMarkdown({ report, messageView: null, selection: null, redacted: false }));
  });
});

describe('streamed human reports of many interleaved connections', () => {
  let dir = '';
  let synthetic = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'streaming-'));
    synthetic = join(dir, 'synthetic.pcap');
    // Sessions overlap and finish out of start order (slow servers, stalls): rows and sections must come back in
    // report order all the same.
    generateCapture(synthetic, { targetBytes: 7 << 20, seed: 11 }); // ~9 500 frames: one sweep for finished connections
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('text, text --verbose, Markdown and HTML equal the in-memory renderings, byte for byte', async () => {
    const files = [synthetic, fixturePath('lab/incident-513-client.pcap')];
    const finished: number[] = [];
    const { report, stats } = await analyze(files, { onConnection: (c) => (finished.push(c.id), c) });
    expect(finished.length).toBeGreaterThan(40);
    expect(stats.peakOpenConnections).toBe(report.connections.length); // all still held when the one sweep came
    // With closed connections kept only 1 ms for stray packets, the sweep lets them go: fewer are held at once.
    const brief = await analyze(files, { tracker: { lingerNs: 1e6 }, onConnection: () => null });
    expect(brief.stats.peakOpenConnections).toBeGreaterThan(1);
    expect(brief.stats.peakOpenConnections).toBeLessThan(report.connections.length);
    // Connections finish in another order than the report's (by start time): spooled parts must be put back in order.
    expect(finished).not.toEqual(report.connections.map((c) => c.id));
    expect(report.connections.filter((c) => c.diagnosis !== 'none').length).toBeGreaterThan(2);
    const doc = { report, messageView: null, selection: null, redacted: false };
    expect(runCli(files).stdout).toBe(renderText(report));
    expect(runCli(['--verbose', ...files]).stdout).toBe(renderText(report, { verbose: true }));
    expect(runCli(['-f', 'markdown', ...files]).stdout).toBe(renderMarkdown(doc));
    expect(runCli(['-f', 'html', ...files]).stdout).toBe(renderHtml(doc));
  });
});
