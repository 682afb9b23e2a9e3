#!/usr/bin/env node
// npm run fuzz -- --runs 10000 [--seed N] [--jobs N] [--failures DIR] [--mode cli|in-process]
// Mutates the fixtures and the shared real captures and runs the CLI on each case; prints the count, the violations
// and the wall time. Exit 0 when no case broke the invariant, 1 otherwise.
import { cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from './corpus.js';
import { fuzz } from './runner.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const runs = Number(arg('runs', '1000'));
const seed = Number(arg('seed', '1'));
const jobs = Number(arg('jobs', String(availableParallelism())));
const failuresDir = arg('failures', join(tmpdir(), 'smtp-pcap-fuzz-failures'));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || !Number.isInteger(jobs) || jobs < 1) {
  process.stderr.write('fuzz: --runs, --seed and --jobs take positive integers\n');
  process.exit(2);
}
const mode = arg('mode', 'cli') === 'in-process' ? 'in-process' : 'cli';
// Run a snapshot of dist/: a rebuild during a long run (others work in this checkout) must not break cases midway.
// It lives under node_modules/ so that the CLI's own dependencies still resolve.
const cacheDir = join(root, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const snapshot = mkdtempSync(join(cacheDir, 'smtp-pcap-fuzz-'));
cpSync(join(root, 'dist'), join(snapshot, 'dist'), { recursive: true });
const corpus = loadCorpus([join(root, 'fixtures'), join(root, '..', 'shared', 'captures'), '/work/shared/captures']);
const unique = [...new Map(corpus.map((s) => [s.bytes.toString('base64'), s])).values()];
process.stdout.write(`fuzz: ${runs} cases, seed ${seed}, ${jobs} jobs, ${unique.length} seed captures\n`);
const summary = await fuzz({
  cliPath: join(snapshot, 'dist', 'bundle', 'cli.js'),
  mode,
  corpus: unique,
  runs,
  seed,
  jobs,
  failuresDir,
  onCase: (done, failed) => {
    if (done % 500 === 0) process.stdout.write(`  ${done}/${runs} cases, ${failed} violations\n`);
  },
});
for (const f of summary.failures.slice(0, 20)) {
  process.stdout.write(`VIOLATION case ${f.index} (${f.seed}; ${f.labels.join(' + ')}): ${f.problems.join('; ')}\n`);
}
process.stdout.write(
  `fuzz: ${summary.runs} cases, ${summary.failures.length} violations, wall time ${(summary.wallMs / 1000).toFixed(1)} s; exit codes ${JSON.stringify(summary.exitCodes)}` +
    (summary.failures.length ? `; failing cases saved in ${failuresDir}` : '') +
    '\n',
);
rmSync(snapshot, { recursive: true, force: true });
process.exitCode = summary.failures.length ? 1 : 0;
