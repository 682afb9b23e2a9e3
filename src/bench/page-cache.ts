import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync } from 'node:fs';

/** What dropping a file from the page cache achieved. */
export type CacheDrop = 'dropped' | 'not-dropped' | 'unavailable';

/** Asks the kernel to drop `file`'s pages from the page cache (GNU dd's `iflag=nocache count=0`, which calls
 * posix_fadvise DONTNEED on the whole file: no privileges needed), and checks with util-linux `fincore` that they are
 * gone. A file on tmpfs cannot be dropped: its pages are its storage. */
export function dropFromPageCache(file: string): CacheDrop {
  // Pages not yet written back (a capture just generated) are not dropped: write them out first.
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dd = spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' });
  if (dd.status !== 0) return 'unavailable';
  const resident = residentBytes(file);
  if (resident === null) return 'unavailable';
  return resident < 1 << 20 ? 'dropped' : 'not-dropped';
}

/** Bytes of `file` in the page cache (util-linux `fincore`), or null when it cannot be told. */
export function residentBytes(file: string): number | null {
  const f = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' });
  if (f.status !== 0) return null;
  const n = Number(f.stdout.trim());
  return Number.isFinite(n) ? n : null;
}
