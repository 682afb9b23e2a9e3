// Runs the built CLI (dist/bundle/cli.js, what npm installs as the command) as a user would: a child process, real
// files, real exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReportJson } from '../../src/analysis/report-model.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI under test; SMTP_PCAP_DIAGNOSE_CLI points at another build (e.g. a snapshot while the tree is mid-edit). */
export const CLI = process.env.SMTP_PCAP_DIAGNOSE_CLI ?? `${ROOT}dist/bundle/cli.js`;
// The bundle is made from tsc's output (npm run build does both): after `tsc` alone it would be older, and every CLI
// test would run yesterday's code.
if (!process.env.SMTP_PCAP_DIAGNOSE_CLI && existsSync(`${ROOT}dist/cli.js`) && existsSync(CLI) && statSync(CLI).mtimeMs < statSync(`${ROOT}dist/cli.js`).mtimeMs) {
  throw new Error(`${CLI} is older than dist/cli.js: run \`npm run build\` (tsc, then the bundle), or \`npm test\`, which builds`);
}
/** Real third-party captures (../shared/captures); absent on a user's machine, so tests using them skip. */
export const SHARED_CAPTURES = fileURLToPath(new URL('../../../shared/captures/', import.meta.url));
export const hasSharedCaptures = existsSync(SHARED_CAPTURES);

export function fixturePath(rel: string): string {
  return `${ROOT}fixtures/${rel}`;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr split into lines, without the empty tail. */
  errorLines: string[];
}

export function runCli(args: string[], stdin?: Buffer, env: Record<string, string> = {}): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does it)`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: stdin,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, errorLines: r.stderr.split('\n').filter(Boolean) };
}

export interface JsonRun extends CliRun {
  report: ReportJson;
}

/** `--format json` on the given files (or '-' with stdin bytes). */
export function runJson(files: string[], stdin?: Buffer, extra: string[] = []): JsonRun {
  const run = runCli(['--format', 'json', ...extra, ...files], stdin);
  let report: ReportJson;
  try {
    report = JSON.parse(run.stdout) as ReportJson;
  } catch {
    throw new Error(`no JSON on stdout (exit ${run.code}): ${run.stderr || run.stdout.slice(0, 300)}`);
  }
  return { ...run, report };
}

/** The report without `inputs`: what must not depend on how the capture was stored. */
export function withoutInputs(r: ReportJson): Omit<ReportJson, 'inputs'> {
  const { inputs: _inputs, ...rest } = r;
  return rest;
}
