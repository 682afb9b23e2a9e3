import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** Below this much input a worker thread's start-up (it loads the analyser anew, ~0.1 s) costs more than it saves. */
export const AUTO_JOBS_MIN_BYTES = 32 << 20;
/** Each worker reads the whole input and holds its own heap: past a few, reading and memory grow faster than speed. */
export const AUTO_JOBS_MAX = 4;

/** Worker threads for `--jobs auto`: one per idle core (at most AUTO_JOBS_MAX) for inputs of AUTO_JOBS_MIN_BYTES or
 * more, one thread for small captures and for standard input. Idle cores are the cores less the one-minute load
 * average: on a busy mail host, workers that must share cores with the MTA are slower than one thread (each reads the
 * whole input and keeps its own heap), so they are not started. */
export function autoJobs(paths: string[], cores = availableParallelism(), load = loadavg()[0]): number {
  let total = 0;
  for (const p of paths) {
    if (p === '-') return 1;
    try {
      total += statSync(p).size;
    } catch {
      return 1; // the reader reports the missing file itself
    }
  }
  if (total < AUTO_JOBS_MIN_BYTES) return 1;
  const idle = Math.round(cores - load);
  return Math.max(1, Math.min(idle, cores, AUTO_JOBS_MAX));
}
