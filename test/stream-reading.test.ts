// Inputs that cannot be read in place (standard input, pipes, FIFOs, gzip files) are read into two buffers used in
// turn (src/capture/fd-chunks.ts): a new buffer per read made a gigabyte piped in a gigabyte of allocations outside the
// JS heap, which V8 answered with three times the full collections and 11 MB more at peak. What must hold: no buffer
// per read, every byte in order, a stopped reader neither crashes nor closes a file under a read, and a fault on
// standard input is reported while the writer still holds the pipe open.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunks } from '../src/capture/fd-chunks.js';
import { CLI, fixturePath, runCli } from './helpers/cli.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stream-reading-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `n` bytes whose every byte says where it is (low byte of its offset, mixed with a second pattern). */
function patterned(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i ^ (i >>> 8) ^ (i >>> 16)) & 0xff;
  return b;
}

describe('readChunks', () => {
  it('reads every byte in order into the same two buffers, however many reads it takes', async () => {
    const file = join(dir, 'many-reads.bin');
    const bytes = patterned(1_000_003);
    writeFileSync(file, bytes);
    const fd = openSync(file, 'r');
    const seen: Buffer[] = [];
    const backing = new Set<ArrayBufferLike>();
    let reads = 0;
    try {
      for await (const chunk of readChunks(fd, 4096)) {
        reads++;
        backing.add(chunk.buffer);
        seen.push(Buffer.from(chunk)); // a copy: the view is read into again two chunks on
      }
    } finally {
      closeSync(fd);
    }
    expect(reads).toBe(Math.ceil(bytes.length / 4096));
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
    expect(backing.size).toBe(2);
  });

  it('stopped early, it waits for the read under way before its owner may close the descriptor', async () => {
    if (!hasMkfifo()) return;
    const fifo = join(dir, 'stalled.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A writer that sends one chunk, then stalls with the FIFO open: the reader's next read waits on it.
    const writer = spawn(process.execPath, ['-e', `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(fifo)}, 'w'); fs.writeSync(fd, Buffer.alloc(1000, 7)); process.stdin.on('end', () => fs.closeSync(fd)).resume();`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const fd = openSync(fifo, 'r');
      const chunks = readChunks(fd, 1024, true);
      const first = await chunks.next();
      expect(first.value!.length).toBe(1000);
      let stopped = false;
      const stopping = chunks.return(undefined).then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 200));
      expect(stopped).toBe(false); // the second read is still waiting for the writer: the descriptor is in use
      writer.stdin.end(); // the writer closes the FIFO: the read returns, the reader stops
      await stopping;
      closeSync(fd);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      writer.kill();
    }
  });
});

function hasMkfifo(): boolean {
  if (!spawnSync('mkfifo', ['--version']).error) return true;
  console.warn('mkfifo not found: FIFO inputs not tested');
  return false;
}

/** Runs the CLI without blocking this process (a FIFO's writer runs beside it), killed after 20 s. */
function runCliAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('stream inputs through the CLI', () => {
  const capture = fixturePath('lab/incident-513-client.pcap');

  it('a FIFO, plain and gzip-compressed, reads as the file itself', async () => {
    if (!hasMkfifo()) return;
    const expected = runCli(['-f', 'json', capture]);
    for (const [name, bytes] of [['plain', readFileSync(capture)], ['gzip', gzipSync(readFileSync(capture))]] as const) {
      const fifo = join(dir, `capture-${name}.fifo`);
      const source = join(dir, `capture-${name}.bin`);
      writeFileSync(source, bytes);
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      // The writer runs beside the CLI: opening a FIFO waits for both ends.
      const writer = spawn('sh', ['-c', `cat '${source}' > '${fifo}'`], { stdio: 'ignore' });
      const run = await runCliAsync(['-f', 'json', fifo]);
      writer.kill();
      expect(run.code, `${name}: ${run.stderr}`).toBe(expected.code);
      const strip = (s: string) => JSON.parse(s.replace(/"file":\s*"[^"]*"/g, '"file":""').replace(/"compressed":\s*(true|false)/g, '"compressed":false'));
      expect(strip(run.stdout), name).toEqual(strip(expected.stdout));
    }
  }, 60_000);

  it('a fault on standard input is reported while the writer still holds the pipe open; the exit follows its close', async () => {
    const bad = readFileSync(fixturePath('crafted/huge-record-length.pcap'));
    const child = spawn(process.execPath, [CLI, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(bad); // and the pipe stays open
    const deadline = Date.now() + 10_000;
    while (!stderr.includes('byte 498') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toMatch(/\(stdin\): byte 498: record 6 claims 4294967280 captured bytes.*analysed 5 packets before it/);
    child.stdin.end();
    expect(await exited).toBe(2);
  });
});
