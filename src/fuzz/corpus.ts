import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Seed {
  name: string;
  bytes: Buffer;
}

const CAPTURE_FILE = /\.(pcap|pcapng|cap)(\.gz)?$/i;
/** Seeds above this size slow every case down without finding more. */
const MAX_SEED_BYTES = 512 * 1024;

/** Real captures to mutate: the fixtures, and the shared real-world captures when present. */
export function loadCorpus(dirs: string[]): Seed[] {
  const seeds: Seed[] = [];
  for (const dir of dirs) if (existsSync(dir)) walk(dir, seeds);
  seeds.sort((a, b) => (a.name < b.name ? -1 : 1));
  return seeds;
}

function walk(dir: string, out: Seed[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    if (s.isDirectory()) walk(path, out);
    else if (CAPTURE_FILE.test(name) && s.size > 0 && s.size <= MAX_SEED_BYTES) out.push({ name: path, bytes: readFileSync(path) });
  }
}
