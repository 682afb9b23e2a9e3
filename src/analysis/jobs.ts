import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Below this much input a worker thread's start-up (it loads the analyser anew, ~0.1 s) costs more than it saves. */
export const AUTO_JOBS_MIN_BYTES = 32 << 20;
/** Each worker reads the whole input and holds its own heap: past a few, reading and memory grow faster than speed. */
export const AUTO_JOBS_MAX = 4;

/** Worker threads for `--jobs auto`: one per core (at most AUTO_JOBS_MAX) for inputs of AUTO_JOBS_MIN_BYTES or more,
 * one thread for small captures and for standard input. */
export function autoJobs(paths: string[]): number {
  let total = 0;
  for (const p of paths) {
    if (p === '-') return 1;
    try {
      total += statSync(p).size;
    } catch {
      return 1; // the reader reports the missing file itself
    }
  }
  return total >= AUTO_JOBS_MIN_BYTES ? Math.max(1, Math.min(availableParallelism(), AUTO_JOBS_MAX)) : 1;
}
