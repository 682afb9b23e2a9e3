import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCase, type FuzzCase } from './cases.js';
import type { Seed } from './corpus.js';
import { violations } from './invariant.js';
import { runCliCase } from './run-cli.js';
import { runInProcessCase } from './run-in-process.js';

export interface FuzzOptions {
  cliPath: string;
  corpus: Seed[];
  runs: number;
  seed: number;
  /** Cases run at once (one CLI process each). */
  jobs: number;
  /** 'cli': a CLI process per case (the real promise); 'in-process': the library in this process (fast). */
  mode: 'cli' | 'in-process';
  /** Where failing cases are written for reproduction; null = keep none. */
  failuresDir: string | null;
  onCase?: (done: number, failed: number) => void;
}

export interface FuzzFailure {
  index: number;
  seed: string;
  labels: string[];
  problems: string[];
  stderr: string;
  exitCode: number | null;
}

export interface FuzzSummary {
  runs: number;
  failures: FuzzFailure[];
  exitCodes: Record<string, number>;
  wallMs: number;
}

/** Runs `runs` cases through the real CLI and checks the invariant on each. */
export async function fuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'smtp-pcap-fuzz-'));
  const failures: FuzzFailure[] = [];
  const exitCodes: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < o.runs) {
      const c = makeCase(o.corpus, o.seed, next++);
      const outcome = o.mode === 'cli' ? await runCliCase(o.cliPath, c, work) : await runInProcessCase(c, work);
      const key = outcome.timedOut ? 'timeout' : String(outcome.exitCode ?? outcome.signal);
      exitCodes[key] = (exitCodes[key] ?? 0) + 1;
      const problems = violations(outcome);
      if (problems.length) {
        const f: FuzzFailure = { index: c.index, seed: c.seed, labels: c.labels, problems, stderr: outcome.stderr.slice(0, 2000), exitCode: outcome.exitCode };
        failures.push(f);
        if (o.failuresDir) save(o.failuresDir, c, f);
      }
      o.onCase?.(++done, failures.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  failures.sort((a, b) => a.index - b.index);
  return { runs: o.runs, failures, exitCodes, wallMs: Date.now() - started };
}

function save(dir: string, c: FuzzCase, f: FuzzFailure): void {
  mkdirSync(dir, { recursive: true });
  c.files.forEach((b, i) => writeFileSync(join(dir, `case-${c.index}-input-${i}${c.viaStdin ? '-stdin' : ''}.pcap`), b));
  writeFileSync(join(dir, `case-${c.index}.json`), JSON.stringify(f, null, 2));
}
