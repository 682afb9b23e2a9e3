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
