import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV, NODE_FLAGS } from '../analysis/gc-tuning.js';
import type { Stage } from './stages.js';

/** analyze: as the CLI runs by default (--jobs auto); analyze-1: the same on one thread; stage-*: the analysis cut
 * short after one stage (stages.ts); floor: the per-packet floor (packet-floor.ts). */
export type Task = 'walk' | 'pcap-parser' | 'reader' | 'floor' | 'analyze' | 'analyze-1' | `stage-${Stage}`;

export interface Measurement {
  /** Time inside the process (file open to result), ms. */
  ms: number;
  /** CPU time (user + system, GC threads included) inside the process, ms: less disturbed by a busy machine. */
  cpuMs?: number;
  /** Wall time of the whole process, start-up included, ms. */
  wallMs: number;
  packets: number;
  maxRssKB: number;
  connections?: number | null;
  diagnosed?: Record<string, number> | null;
  /** Worker threads the analysis used. */
  jobs?: number | null;
  /** Most connections held at once (the analysis's stats): what its memory follows. */
  peakOpen?: number | null;
  /** CPU time of the whole process, start-up included (under /usr/bin/time), ms: what tshark's CPU time is. */
  processCpuMs?: number;
}

/** The measuring child as bundled by the build (scripts/bundle.mjs): the analysis starts as the installed command does,
 * without the module loader's ~50 ms for our modules one by one. */
const CHILD = fileURLToPath(new URL('../bundle/measure-child.js', import.meta.url));

/** Runs one task in a fresh Node process, so that its peak RSS is its own. */
export function measureInChild(task: Task, file: string): Measurement {
  const args = task === 'analyze-1' ? ['analyze', file, '1'] : [task, file];
  // The analysis and its stages run with the Node options and environment the CLI starts with (gc-tuning.ts); the
  // references without.
  const asCli = task === 'analyze' || task === 'analyze-1' || task.startsWith('stage-');
  const run = underTime(process.execPath, [...(asCli ? NODE_FLAGS : []), CHILD, ...args], 'pipe', asCli ? ALLOCATOR_ENV : {});
  if (run.status !== 0) throw new Error(`${task} failed: ${run.stderr}`);
  const line = JSON.parse(run.stdout.trim().split('\n').pop()!) as Omit<Measurement, 'wallMs'>;
  return { ...line, wallMs: run.wallMs, processCpuMs: run.processCpuMs };
}

export const TSHARK_ARGS = ['-Y', 'smtp', '-T', 'fields', '-e', 'tcp.stream', '-e', 'smtp.req.command', '-e', 'smtp.response.code'];

export function tsharkAvailable(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The CLI as a user runs it (`smtp-pcap-diagnose F`, text report, default --jobs), under /usr/bin/time; output
 * discarded. Exit code 1 (problems found) is success here. */
export function measureCli(file: string): Measurement {
  const cli = fileURLToPath(new URL('../bundle/cli.js', import.meta.url));
  return timed(process.execPath, [...NODE_FLAGS, cli, '--no-progress', file], [0, 1], ALLOCATOR_ENV);
}

/** `tshark -r F -Y smtp -T fields …` under /usr/bin/time (for its peak RSS); output discarded. */
export function measureTshark(file: string): Measurement {
  return timed('tshark', ['-r', file, ...TSHARK_ARGS], [0]);
}

function timed(command: string, commandArgs: string[], okCodes: number[], env: Readonly<Record<string, string>> = {}): Measurement {
  const run = underTime(command, commandArgs, 'ignore', env);
  if (!okCodes.includes(run.status)) throw new Error(`${command} failed: ${run.stderr}`);
  return { ms: run.wallMs, wallMs: run.wallMs, processCpuMs: run.processCpuMs, packets: 0, maxRssKB: run.maxRssKB };
}

/** Runs a command under /usr/bin/time where there is one: its wall time, and its peak RSS and CPU time (user +
 * system, every thread, start-up included). */
function underTime(command: string, args: string[], stdout: 'pipe' | 'ignore', extraEnv: Readonly<Record<string, string>> = {}) {
  const env = { ...process.env, ...extraEnv };
  const timeFile = join(tmpdir(), `bench-time-${process.pid}.txt`);
  const useTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], { stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20, env })
    : spawnSync(command, args, { stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20, env });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let maxRssKB = 0;
  let processCpuMs: number | undefined;
  if (useTime && existsSync(timeFile)) {
    const [rss, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    maxRssKB = rss!;
    processCpuMs = (user! + system!) * 1000;
    rmSync(timeFile, { force: true });
  }
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr || r.error?.message || '', wallMs, maxRssKB, processCpuMs };
}
