import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/fuzz/corpus.js';
import { makeCase } from '../src/fuzz/cases.js';
import { violations } from '../src/fuzz/invariant.js';
import { fuzz } from '../src/fuzz/runner.js';
import { analyze } from '../src/analysis/analyzer.js';

// Mutated real captures (bit flips, insertions, deletions, cuts at every header boundary, length fields set to
// 0 / huge / off by one, shuffled and repeated records, concatenated files, pcapng blocks of unknown types or with bad
// lengths, garbage, gzip) must never crash, hang, print a stack trace or lose a packet from the accounting.
// The long run is `npm run fuzz -- --runs 10000`.

const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = loadCorpus([join(root, 'fixtures'), '/work/shared/captures']);
const cli = join(root, 'dist', 'cli.js');

describe('fuzzing', () => {
  it('has real captures to mutate', () => {
    expect(corpus.length).toBeGreaterThan(20);
  });

  it('is deterministic: the same seed and index give the same bytes', () => {
    const a = makeCase(corpus, 42, 17);
    const b = makeCase(corpus, 42, 17);
    expect(Buffer.concat(a.files).equals(Buffer.concat(b.files))).toBe(true);
    expect(a.labels).toEqual(b.labels);
  });

  it('the invariant check catches a stack trace, a stray exit code and lost packets', () => {
    const base = { exitCode: 0, signal: null, timedOut: false, stdout: '', stderr: '', inputs: 1, json: true };
    expect(violations({ ...base, exitCode: 3 })).toHaveLength(1);
    expect(violations({ ...base, stderr: 'TypeError: x\n    at foo (file.js:1:2)\n' }).join()).toMatch(/stack trace/);
    expect(violations({ ...base, stdout: JSON.stringify({ inputs: [{ file: 'a', packets: 3, accounting: { tcp: 2 } }] }) }).join()).toMatch(/accounting/);
    expect(violations({ ...base, timedOut: true }).join()).toMatch(/time bound/);
  });

  it('300 mutated captures through the library: no exception, every packet accounted for', async () => {
    const s = await fuzz({ cliPath: cli, corpus, runs: 300, seed: 20240601, jobs: 1, mode: 'in-process', failuresDir: null });
    expect(s.failures).toEqual([]);
    expect(s.runs).toBe(300);
  }, 120_000);

  it.skipIf(!existsSync(cli))('40 mutated captures through the CLI process: exit 0/1/2, one stderr line per problem', async () => {
    const s = await fuzz({ cliPath: cli, corpus, runs: 40, seed: 7, jobs: 2, mode: 'cli', failuresDir: null });
    expect(s.failures).toEqual([]);
    // The mutations do reach the error paths, not only harmless bytes.
    expect(s.exitCodes['2'] ?? 0).toBeGreaterThan(0);
  }, 180_000);

  it('60 mutated captures: worker threads (--jobs 2 and 3) report exactly what one thread reports', async () => {
    // Broken headers, fragments and cut records are where a worker's quick look at the header bytes could disagree
    // with the decoder about whose frame it is; the reports must still be identical.
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-jobs-'));
    try {
      for (let i = 0; i < 60; i++) {
        const c = makeCase(corpus, 99, i);
        const paths = c.files.map((bytes, n) => {
          const p = join(dir, `case-${i}-${n}.pcap`);
          writeFileSync(p, bytes);
          return p;
        });
        const one = await analyze(paths, { jobs: 1 });
        const many = await analyze(paths, { jobs: 2 + (i % 2) });
        expect(many.report, `case ${i}: ${c.labels.join(', ')}`).toEqual(one.report);
        expect(many.errors.map((e) => e.message), `case ${i}`).toEqual(one.errors.map((e) => e.message));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
