import type { Seed } from './corpus.js';
import { gzipped, pickMutation } from './mutations.js';
import { Random } from './random.js';

/** One fuzz input: one or more capture files (or stdin), and how they were made. */
export interface FuzzCase {
  index: number;
  seed: string;
  labels: string[];
  files: Buffer[];
  viaStdin: boolean;
}

/** Case `index` of the run with `runSeed`: the same pair always gives the same bytes. */
export function makeCase(corpus: Seed[], runSeed: number, index: number): FuzzCase {
  const rng = new Random((runSeed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
  const seed = rng.pick(corpus);
  const other = () => rng.pick(corpus).bytes;
  const labels: string[] = [];
  let bytes = seed.bytes;
  const rounds = rng.pick([1, 1, 1, 2, 2, 3]);
  for (let i = 0; i < rounds; i++) {
    const r = pickMutation(rng)(rng, bytes, other);
    bytes = r.bytes;
    labels.push(r.label);
  }
  if (rng.chance(0.08)) {
    const r = gzipped(rng, bytes, other);
    bytes = r.bytes;
    labels.push(r.label);
  }
  const files = [bytes];
  if (rng.chance(0.08)) {
    // Several inputs are one capture cut in pieces: add a second (mutated) file to merge in time order.
    const r = pickMutation(rng)(rng, other(), other);
    files.push(r.bytes);
    labels.push(`second input: ${r.label}`);
  }
  const viaStdin = files.length === 1 && rng.chance(0.08);
  return { index, seed: seed.name, labels, files, viaStdin };
}
