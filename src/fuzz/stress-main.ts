#!/usr/bin/env node
// node dist/fuzz/stress-main.js [--syn 300000] [--huge-mb 200]: generates the two hostile captures and prints the peak
// RSS and wall time of the CLI on each (GNU time's maximum resident set size).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHugeConnection, writeSynFlood } from './stress.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const cli = fileURLToPath(new URL('../bundle/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'smtp-pcap-stress-'));
const extra = process.argv.slice(process.argv.indexOf('--') + 1).filter(() => process.argv.includes('--'));
try {
  const flood = join(dir, 'syn-flood.pcap');
  writeSynFlood(flood, arg('syn', 300_000));
  measure('SYN flood', flood);
  const huge = join(dir, 'huge.pcap');
  writeHugeConnection(huge, arg('huge-mb', 200) * 1e6);
  measure('one huge connection', huge);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function measure(what: string, path: string): void {
  const size = statSync(path).size;
  const useTime = existsSync('/usr/bin/time');
  const cmd = useTime ? '/usr/bin/time' : process.execPath;
  const args = useTime ? ['-f', 'maxrss_kb=%M wall_s=%e', process.execPath, cli, '--format', 'json', ...extra, path] : [cli, '--format', 'json', path];
  const started = Date.now();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  const wall = (Date.now() - started) / 1000;
  const m = /maxrss_kb=(\d+)/.exec(r.stderr ?? '');
  const rss = m ? `${(Number(m[1]) / 1024).toFixed(0)} MB peak RSS` : 'peak RSS unknown';
  let limits = '';
  try {
    limits = (JSON.parse(r.stdout) as { capture: { limits: string[] } }).capture.limits.join(' | ');
  } catch {
    limits = `(no JSON; stderr: ${(r.stderr ?? '').split('\n')[0]})`;
  }
  process.stdout.write(`${what}: ${(size / 1e6).toFixed(1)} MB, exit ${r.status}, ${rss}, ${wall.toFixed(1)} s; limits: ${limits || 'none'}\n`);
}
