import { setFlagsFromString } from 'node:v8';

/** How far V8 lets the old generation grow past what survived the last full collection, in percent. Left to itself V8
 * grows it by up to 4× when a program allocates fast, as ours does (each connection's dialogue is promoted, then dies
 * when the connection is diagnosed): peak RSS then rose with the length of the capture (100 MB: 158 MB, 1 GB: 264–288
 * MB) though what is alive stays the same (~30 MB of JS heap and ~40 MB of buffers for ~1 200 open connections).
 * Measured on the 1 GB bench capture, one thread: 10 % → 193 MB, 25 % → 201 MB, 50 % → 198–211 MB, V8's own choice →
 * 264–288 MB, at about the same CPU time (within the noise of a loaded machine). */
export const HEAP_GROWING_PERCENT = 25;

/** Applies the garbage-collector settings the CLI runs with (process-wide: worker threads made later share them). */
export function tuneGarbageCollector(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Node options the CLI starts with, which cannot be set once Node runs:
 * - a young generation of 4 MB semi-spaces (V8's default grows them to 16 MB). Garbage here is mostly per-packet and
 *   per-line objects that die at once, so small semi-spaces cost little, and they are resident memory. Measured on the
 *   1 GB bench capture, one thread, with the heap growth above: 16 MB → 183–187 MB peak RSS in 2.9–3.4 s, 4 MB →
 *   147–149 MB in 3.0–3.4 s; 100 MB: 132–135 → 106–109 MB.
 * - one thread for V8's background work (the optimising compiler's jobs and the collector's parallel and concurrent
 *   tasks) instead of Node's default four. On two cores, four such threads beside the main thread left it waiting:
 *   for a scavenge's parallel helpers to be scheduled, and for hot functions whose optimised code sat in the
 *   compiler's queue (a cold run compiles ~1.5 s of code). Interleaved cold runs, medians of 8: 1 GB 2.68 → 2.51 s,
 *   CPU 3.75 → 3.58 s; 100 MB 0.71 → 0.55 s; peak RSS 2–4 MB lower. The main thread's own CPU time is the same: what
 *   is gained is waiting. Unmeasured on four or more cores, where --jobs starts workers that share this thread.
 * The CLI's shebang (src/cli.ts) and `npm start` carry these flags (a test holds them equal to this list); the bench
 * runs its analysis and the CLI with them. */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--v8-pool-size=1'];

/** Environment the CLI starts with, read by the C library's allocator when the process starts (not settable later):
 * glibc keeps memory freed at the top of its heap up to a trim threshold that grows with the largest block freed, and
 * zlib hands each megabyte it inflates over in a new buffer, so a gzip-compressed capture left ~8 MB of freed blocks
 * resident. A fixed threshold (which also keeps large blocks in their own mappings, unmapped when freed) returns them.
 * Measured with the CLI on the 1 GB bench capture gzip-compressed, 3 interleaved runs: peak RSS 147–150 → 141–142
 * MB; uncompressed, from a file or piped in: no change. Other C libraries ignore the variable. The shebang and
 * `npm start` carry it with NODE_FLAGS (test/node-flags.test.ts). */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_TRIM_THRESHOLD_: '131072' };

/** ALLOCATOR_ENV as `NAME=value` words, as the shebang and `npm start` write them. */
export function allocatorEnvWords(): string[] {
  return Object.entries(ALLOCATOR_ENV).map(([k, v]) => `${k}=${v}`);
}
