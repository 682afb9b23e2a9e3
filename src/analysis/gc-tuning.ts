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

/** Environment the CLI starts with, read by the C library's allocator when the process starts (not settable later).
 * zlib hands each megabyte it inflates over in a new 1 MB buffer. Left to itself, glibc raises its mmap threshold
 * past 1 MB after the first such buffer is freed, and from then on serves them from its heap, where up to ~8 MB of
 * freed blocks stayed resident. Fixed thresholds keep 1 MB blocks in mappings of their own, returned when freed, and
 * let the heap keep at most 2 MB free at its top. Measured with the CLI on the 1 GB bench capture, interleaved runs:
 * gzip-compressed, peak RSS 150–152 → 141–146 MB; from a file, analysis time and RSS unchanged (medians of 6 pairs,
 * 2.28 against 2.28 s). A trim threshold of 128 KB alone gave 140–141 MB on gzip but cost a file ~3 % (the heap trimmed
 * and regrown over and over); an mmap threshold alone, 5 %. Other C libraries ignore these variables. The shebang and
 * `npm start` carry them with NODE_FLAGS (test/node-flags.test.ts). */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '1048576', MALLOC_TRIM_THRESHOLD_: '2097152' };

/** ALLOCATOR_ENV as `NAME=value` words, as the shebang and `npm start` write them. */
export function allocatorEnvWords(): string[] {
  return Object.entries(ALLOCATOR_ENV).map(([k, v]) => `${k}=${v}`);
}
