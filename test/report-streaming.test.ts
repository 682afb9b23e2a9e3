import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderText } from '../src/report/text.js';
import { fixturePath, runCli } from './helpers/cli.js';

// Without a selection the CLI streams: JSON is assembled from a scratch file, the human formats keep clean connections
// as their summary row only. What the user gets must be exactly what the in-memory report renders.
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
