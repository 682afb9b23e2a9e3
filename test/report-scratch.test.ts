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
  it('a table row per detailed connection, nothing per clean one in Markdown and HTML; sections read back whole', async () => {
    const { analyze } = await import('../src/analysis/analyzer.js');
    const { SpooledParts } = await import('../src/report/spooled-parts.js');
    const { markdownSection } = await import('../src/report/markdown.js');
    const { PLAIN } = await import('../src/report/style.js');
    const { report } = await analyze([fixturePath('lab/incident-513-client.pcap'), fixturePath('spine/postfix-pipelined-3rcpt.pcap')]);
    const problem = report.connections.find((c) => c.diagnosis !== 'none')!;
    const clean = report.connections.find((c) => c.diagnosis === 'none')!;
    expect(problem.commands.length).toBeGreaterThan(3);
    const parts = new SpooledParts('markdown', { style: PLAIN, verbose: false });
    try {
      const row = parts.offer(problem)!;
      expect(row.commands).toEqual([]);
      expect(row.findings).toEqual([]);
      expect({ ...row, commands: problem.commands, findings: problem.findings, flights: problem.flights, transactions: problem.transactions, anomalies: problem.anomalies, tcp: problem.tcp }).toEqual(problem);
      expect(parts.offer(clean)).toBeNull();
      const drawn = parts.parts();
      expect(drawn.sections!(row)).toBe(markdownSection(problem));
      expect(drawn.cleanRows!.count).toBe(1);
      expect([...drawn.cleanRows!.rows()][0]).toContain(`| ${clean.id} |`);
    } finally {
      parts.dispose();
    }
    // The text report keeps clean connections as they come (its table lists at most TABLE_ROW_LIMIT of them).
    const text = new SpooledParts('text', { style: PLAIN, verbose: false });
    try {
      expect(text.offer(clean)).toBe(clean);
    } finally {
      text.dispose();
    }
  });
});
