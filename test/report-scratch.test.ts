import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, fixturePath, runCli } from './helpers/cli.js';

// The streamed reports keep their parts in scratch files under TMPDIR: none may be left behind, however the run ends.
describe('scratch files of streamed reports', () => {
  let scratch = '';
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'scratch-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const capture = fixturePath('lab/incident-513-client.pcap');

  it.each(['text', 'markdown', 'html', 'json'])('a %s report removes its scratch files', (format) => {
    const run = runCli(['-f', format, capture], undefined, { TMPDIR: scratch });
    expect(run.code).toBe(1); // the incident is a problem
    expect(run.stdout.length).toBeGreaterThan(500);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('a text --verbose report, which spools every connection, removes its scratch files', () => {
    const run = runCli(['--verbose', capture], undefined, { TMPDIR: scratch });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Connection 1:');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('a report that cannot be written says so, exits 2 and removes its scratch files', () => {
    const run = runCli(['-f', 'html', '-o', join(scratch, 'missing-dir', 'report.html'), capture], undefined, { TMPDIR: scratch });
    expect(run.code).toBe(2);
    expect(run.errorLines.join('\n')).toMatch(/cannot write .*report\.html: ENOENT/);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('an interrupted run (Ctrl-C while reading stdin) removes its scratch files and dies of SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, '-f', 'markdown', '-'], { env: { ...process.env, TMPDIR: scratch }, stdio: ['pipe', 'pipe', 'pipe'] });
    // Half a capture on stdin, which stays open: the run waits for the rest with its scratch files made.
    const bytes = readFileSync(capture);
    child.stdin.write(bytes.subarray(0, bytes.length >> 1));
    const deadline = Date.now() + 10_000;
    while (readdirSync(scratch).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(scratch).length).toBeGreaterThan(0);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    expect(readdirSync(scratch).filter((f) => existsSync(join(scratch, f)))).toEqual([]);
  });
});

describe('what a streamed human report keeps in memory', () => {
  it('Markdown and HTML: nothing per connection in the report; sections and rows read back whole, in report order', async () => {
    const { analyze } = await import('../src/analysis/analyzer.js');
    const { SpooledParts } = await import('../src/report/spooled-parts.js');
    const { markdownSection, renderMarkdown } = await import('../src/report/markdown.js');
    const { renderHtml } = await import('../src/report/html.js');
    const { CollectedLines } = await import('../src/report/fd-output.js');
    const { writeMarkdown } = await import('../src/report/markdown.js');
    const { writeHtml } = await import('../src/report/html.js');
    const { PLAIN } = await import('../src/report/style.js');
    const { report } = await analyze([fixturePath('lab/incident-513-client.pcap'), fixturePath('spine/postfix-pipelined-3rcpt.pcap'), fixturePath('lab/path-loss-client.pcap'), fixturePath('lab/capture-gap-client.pcap')]);
    const problems = report.connections.filter((c) => c.diagnosis !== 'none');
    const clean = report.connections.find((c) => c.diagnosis === 'none')!;
    expect(problems.length).toBeGreaterThan(1);
    for (const [format, write, render] of [['markdown', writeMarkdown, renderMarkdown], ['html', writeHtml, renderHtml]] as const) {
      const parts = new SpooledParts(format, { style: PLAIN, verbose: false });
      try {
        // Offered in another order than the report's: the report still reads in its own.
        for (const c of [...report.connections].reverse()) expect(parts.offer(c)).toBeNull();
        const drawn = parts.parts();
        expect(drawn.problems!.count).toBe(problems.length);
        expect(drawn.problems!.first).toBe(problems[0]);
        expect([...drawn.problems!.diagnoses()]).toEqual(problems.map((c) => c.diagnosis));
        // Pieces read back are bytes valid until the next one is read: each is looked at as it comes.
        const texts = (pieces: Iterable<string | Buffer>) => Array.from(pieces, (p) => p.toString());
        if (format === 'markdown') expect(texts(drawn.problems!.sections())[0]).toBe(markdownSection(problems[0]!));
        expect(drawn.cleanRows!.count).toBe(report.connections.length - problems.length);
        if (format === 'markdown') expect(texts(drawn.cleanRows!.rows())[0]).toContain(`| ${clean.id} |`);
        const lines = new CollectedLines();
        write({ report: { ...report, connections: [] } }, lines, drawn);
        expect(lines.text()).toBe(render({ report }));
      } finally {
        parts.dispose();
      }
    }
    // The text report keeps clean connections as they come (its table lists at most TABLE_ROW_LIMIT of them).
    const text = new SpooledParts('text', { style: PLAIN, verbose: false });
    try {
      expect(text.offer(clean)).toBe(clean);
      expect(text.offer(problems[0]!)).toBeNull();
    } finally {
      text.dispose();
    }
  });
});
