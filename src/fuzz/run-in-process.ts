import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../analysis/analyzer.js';
import { TOOL_NAME } from '../analysis/version.js';
import { CaptureError } from '../capture/errors.js';
import { renderJson } from '../report/json.js';
import { PLAIN } from '../report/style.js';
import { renderText } from '../report/text.js';
import type { FuzzCase } from './cases.js';
import type { Outcome } from './invariant.js';

/** Runs one case through the library as the CLI does (analyze, then both renderers), without a process per case:
 * fast enough for the test suite. Anything thrown that is not a CaptureError becomes an "internal error" line. */
export async function runInProcessCase(c: FuzzCase, workDir: string): Promise<Outcome> {
  const dir = join(workDir, `case-${c.index}`);
  mkdirSync(dir, { recursive: true });
  const paths = c.files.map((b, i) => {
    const p = join(dir, `input-${i}.pcap`);
    writeFileSync(p, b);
    return p;
  });
  try {
    const { report, errors } = await analyze(paths);
    const stderr = errors.map((e) => `${TOOL_NAME}: ${e instanceof CaptureError ? e.message : `internal error: ${String(e)}`}\n`).join('');
    renderText(report, { style: PLAIN, verbose: true, width: 100 });
    return { exitCode: 0, signal: null, timedOut: false, stdout: renderJson(report), stderr, inputs: c.files.length, json: true };
  } catch (e) {
    const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    return { exitCode: 70, signal: null, timedOut: false, stdout: '', stderr: `${TOOL_NAME}: internal error: ${text}\n`, inputs: c.files.length, json: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
