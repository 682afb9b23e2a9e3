import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzCase } from './cases.js';
import type { Outcome } from './invariant.js';

/** Generous hang guard: a base for process start-up plus time proportional to the input size. */
export function timeBoundMs(totalBytes: number): number {
  return 20_000 + (totalBytes / 1e6) * 10_000;
}

/** Runs the built CLI on one case, as a user would (files on disk, or the bytes piped to stdin). */
export async function runCliCase(cliPath: string, c: FuzzCase, workDir: string): Promise<Outcome> {
  const dir = join(workDir, `case-${c.index}`);
  mkdirSync(dir, { recursive: true });
  const json = c.index % 4 !== 3; // every fourth case renders text, to exercise the text renderer on junk too
  const args = [cliPath, '--format', json ? 'json' : 'text', '--no-color'];
  if (c.viaStdin) args.push('-');
  else
    c.files.forEach((b, i) => {
      const p = join(dir, `input-${i}.pcap`);
      writeFileSync(p, b);
      args.push(p);
    });
  const total = c.files.reduce((n, b) => n + b.length, 0);
  try {
    return await new Promise<Outcome>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '' } });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeBoundMs(total));
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdin.on('error', () => {}); // the CLI may stop reading early (EPIPE is fine)
      if (c.viaStdin) child.stdin.end(c.files[0]);
      else child.stdin.end();
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          exitCode: code,
          signal: timedOut ? null : signal,
          timedOut,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          inputs: c.files.length,
          json,
        });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
