import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadAhead } from '../src/capture/read-ahead.js';
import { dropFromPageCache, residentBytes } from '../src/bench/page-cache.js';

const MB = 1 << 20;

// A capture that is not in the page cache (copied in a while ago) is read from the disk; reading it ahead on libuv's
// threads keeps the disk's latency out of the analysis. These tests watch the page cache itself (util-linux fincore).
describe('reading a capture ahead of the parser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'read-ahead-'));
  const file = join(dir, 'capture.bin');
  const size = 48 * MB;
  let why = '';

  beforeAll(() => {
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(MB, 0x5a);
    for (let i = 0; i < size / MB; i++) writeSync(fd, block);
    closeSync(fd);
    const drop = dropFromPageCache(file);
    if (drop === 'unavailable') why = 'GNU dd and util-linux fincore are needed to drop a file from the page cache and look';
    else if (drop === 'not-dropped') why = `${tmpdir()} keeps files in memory (tmpfs?): a file there cannot leave the page cache`;
    if (why) console.warn(`skipping read-ahead page-cache tests: ${why}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const openFds = () => readdirSync('/proc/self/fd').length;

  it('a file read slowly is read ahead a bounded window past the parser, and closed afterwards', async (t) => {
    if (why) t.skip();
    dropFromPageCache(file);
    const fdsBefore = openFds();
    const ahead = new ReadAhead(file, size);
    // The parser's first three 1 MB reads came from the disk (3 ms each).
    for (let k = 1; k <= 3; k++) ahead.afterRead(k * MB, MB, 3);
    expect(ahead.active).toBe(true);
    ahead.finish();
    const deadline = Date.now() + 10_000;
    while (ahead.active && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(ahead.active).toBe(false);
    expect(openFds()).toBe(fdsBefore);
    // From the parser's position (3 MB) 24 MB on, and not the whole file (the kernel's own read-ahead of sequential
    // reads adds a few MB past the window).
    expect(ahead.requests).toBe(24);
    const resident = residentBytes(file)!;
    expect(resident).toBeGreaterThanOrEqual(24 * MB);
    expect(resident).toBeLessThan(size);
  });

  it('a file in the page cache is never read ahead', () => {
    const ahead = new ReadAhead(file, size);
    for (let k = 1; k <= 48; k++) ahead.afterRead(k * MB, MB, 0.08);
    ahead.finish();
    expect(ahead.requests).toBe(0);
    expect(ahead.active).toBe(false);
  });

  it('one slow read (a preempted thread) starts nothing; three among the last eight do', () => {
    const ahead = new ReadAhead(file, size);
    const times = [0.1, 5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 3];
    times.forEach((ms, k) => ahead.afterRead((k + 1) * MB, MB, ms));
    // The slow reads at 2, 10 and 18 MB are never three within eight reads.
    expect(ahead.requests).toBe(0);
    ahead.afterRead(19 * MB, MB, 4);
    ahead.afterRead(20 * MB, MB, 4);
    // Now 18, 19 and 20 MB: reading ahead starts at 20 MB, up to the end of the 48 MB file.
    expect(ahead.requests).toBe(24);
    // The parser moves on 1 MB: one more request keeps the window 24 MB ahead; past the end of the file, none.
    ahead.afterRead(21 * MB, MB, 0.1);
    expect(ahead.requests).toBe(25);
    for (let k = 22; k <= 48; k++) ahead.afterRead(k * MB, MB, 0.1);
    expect(ahead.requests).toBe(28);
    ahead.finish();
  });
});
