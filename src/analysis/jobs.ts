import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** Below this much input a worker thread's start-up (it loads the analyser anew, ~0.1 s) costs more than it saves. */
export const AUTO_JOBS_MIN_BYTES = 32 << 20;
/** Each worker reads the whole input and holds its own heap: past a few, reading and memory grow faster than speed. */
export const AUTO_JOBS_MAX = 4;
/** Workers only where this many cores are idle. Each worker reads, frames and hashes every record of the input (~0.8 s
 * of CPU per GB) and keeps its own heap, and one thread already keeps a second core busy with garbage collection: on
 * the 2-core development VM, 1 GB took 3.15–3.44 s on one thread (CPU 4.4–4.8 s, 270 MB) and 3.39–3.59 s with two
 * workers (CPU 6.6–6.9 s, 381 MB). With four idle cores or more, each of up to four workers does a quarter of the
 * analysis besides its reading; that gain is expected, not measured here (no such machine). */
export const AUTO_JOBS_MIN_IDLE_CORES = 4;

/** Worker threads for `--jobs auto`: one per idle core (at most AUTO_JOBS_MAX) when at least AUTO_JOBS_MIN_IDLE_CORES
 * are idle and the input is AUTO_JOBS_MIN_BYTES or more; else one thread (also for standard input). Idle cores are the
 * cores less the one-minute load average: on a busy mail host, workers that must share cores with the MTA are slower
 * than one thread (100 MB at load 4.9 on 2 cores: 2.60 s with two workers, 1.71 s on one thread). */
export function autoJobs(paths: string[], cores = availableParallelism(), load = loadavg()[0]): number {
  const total = inputBytes(paths);
  if (total === null || total < AUTO_JOBS_MIN_BYTES) return 1;
  const idle = Math.round(cores - load);
  return idle >= AUTO_JOBS_MIN_IDLE_CORES ? Math.min(idle, cores, AUTO_JOBS_MAX) : 1;
}

/** Bytes in the inputs, or null when that cannot be known: standard input, or a path that cannot be read (the reader
 * reports it). Also the progress bar's total. */
export function inputBytes(paths: string[]): number | null {
  let total = 0;
  for (const p of paths) {
    if (p === '-') return null;
    try {
      total += statSync(p).size;
    } catch {
      return null;
    }
  }
  return total;
}
