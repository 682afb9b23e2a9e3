// npm run bench -- [--size 100M | --sizes 10M,100M,1G] [--runs 3] [--tshark-runs 1] [--no-tshark] [--keep]
//                  [--file existing.pcap] [--dir DIR] [--seed N] [--held 2000,20000 | --no-held]
// Generates a synthetic multi-session SMTP capture per size, then measures on the same file: a bare readSync record
// walk (the reference), pcap-parser's event stream, the per-packet floor (packet-floor.ts: decoding and TCP tracking in
// flat arrays), our full analysis (diagnosis included) with its peak RSS — as the
// CLI runs by default (--jobs auto), on one thread, and cut short after each stage (what each stage adds) —, the walk
// and the analysis again with the file dropped from the page cache (when GNU dd and fincore can), and tshark when
// installed. Medians of --runs runs; a results line per size goes to bench-out/results.jsonl. Then memory against
// connections held at once (held.ts): captures of stalled sessions, every one open at the same moment.
import { execSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureCli, measureInChild, measureTshark, tsharkAvailable, type Measurement, type Task } from './child-runs.js';
import { generateCapture } from './generate.js';
import { dropFromPageCache } from './page-cache.js';
import { STAGES, type Stage } from './stages.js';
import { median } from './median.js';
import { HELD_DEFAULT, measureHeld } from './held.js';
import { parseSize, sizeLabel } from './size.js';
import { isPcapMagic } from '../capture/pcap.js';

interface BenchArgs {
  sizes: number[];
  runs: number;
  tsharkRuns: number;
  tshark: boolean;
  keep: boolean;
  file: string | null;
  dir: string;
  seed: number;
  /** Stalled sessions per held-connections capture (none: skipped). */
  held: number[];
}

function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = { sizes: [parseSize('100M')], runs: 3, tsharkRuns: 1, tshark: true, keep: false, file: null, dir: tmpdir(), seed: 0x5eed, held: [...HELD_DEFAULT] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--size') a.sizes = [parseSize(value())];
    else if (flag === '--sizes') a.sizes = value().split(',').map(parseSize);
    else if (flag === '--runs') a.runs = Math.max(1, Number(value()));
    else if (flag === '--tshark-runs') a.tsharkRuns = Math.max(0, Number(value()));
    else if (flag === '--no-tshark') a.tshark = false;
    else if (flag === '--keep') a.keep = true;
    else if (flag === '--file') a.file = value();
    else if (flag === '--dir') a.dir = value();
    else if (flag === '--seed') a.seed = Number(value());
    else if (flag === '--held') a.held = value().split(',').map(Number);
    else if (flag === '--no-held') a.held = [];
    else throw new Error(`unknown option ${flag} (see the top of src/bench/run.ts)`);
  }
  return a;
}

interface SizeResult {
  label: string;
  bytes: number;
  packets: number;
  sessions: number | null;
  generateMs: number | null;
  walk: Measurement;
  pcapParser: Measurement;
  reader: Measurement;
  /** The per-packet floor (packet-floor.ts): decoding and TCP tracking with nothing an object. */
  floor: Measurement;
  analyze: Measurement;
  analyzeOneThread: Measurement;
  /** The analysis cut short after each stage (stages.ts): what each stage adds. */
  stages: Record<Stage, Measurement>;
  cli: Measurement;
  /** The bare walk and the analysis with the file dropped from the page cache first (null: it could not be dropped). */
  walkCold: Measurement | null;
  analyzeCold: Measurement | null;
  tshark: Measurement | null;
}

function medianOf(runs: Measurement[]): Measurement {
  return {
    ms: median(runs.map((r) => r.ms)),
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs ?? NaN)),
    packets: runs[0]!.packets,
    maxRssKB: median(runs.map((r) => r.maxRssKB)),
    connections: runs[0]!.connections,
    diagnosed: runs[0]!.diagnosed,
    jobs: runs[0]!.jobs,
    peakOpen: runs[0]!.peakOpen,
    processCpuMs: median(runs.map((r) => r.processCpuMs ?? NaN)),
  };
}

function measureFile(file: string, args: BenchArgs, label: string): Omit<SizeResult, 'sessions' | 'generateMs'> {
  const bytes = statSync(file).size;
  measureInChild('walk', file); // warm the page cache: every contender reads from memory
  const cli: Measurement[] = [];
  const tasks: Task[] = ['walk', 'pcap-parser', 'reader', 'floor', ...STAGES.map((s) => `stage-${s}` as const), 'analyze', 'analyze-1'];
  const runs = Object.fromEntries(tasks.map((t) => [t, [] as Measurement[]])) as Record<Task, Measurement[]>;
  for (let r = 0; r < args.runs; r++) {
    for (const task of tasks) {
      const m = measureInChild(task, file);
      runs[task].push(m);
      process.stderr.write(`  ${label} run ${r + 1}/${args.runs} ${task}: ${(m.ms / 1000).toFixed(2)} s, RSS ${(m.maxRssKB / 1024).toFixed(0)} MB\n`);
    }
    const c = measureCli(file);
    cli.push(c);
    process.stderr.write(`  ${label} run ${r + 1}/${args.runs} cli: ${(c.wallMs / 1000).toFixed(2)} s, RSS ${(c.maxRssKB / 1024).toFixed(0)} MB\n`);
  }
  const cold = measureCold(file, args, label);
  measureInChild('walk', file); // back in the page cache for tshark
  let tshark: Measurement | null = null;
  if (args.tshark && args.tsharkRuns > 0) {
    if (tsharkAvailable()) {
      const t: Measurement[] = [];
      for (let r = 0; r < args.tsharkRuns; r++) {
        t.push(measureTshark(file));
        process.stderr.write(`  ${label} tshark ${r + 1}/${args.tsharkRuns}: ${(t[r]!.wallMs / 1000).toFixed(2)} s, RSS ${(t[r]!.maxRssKB / 1024).toFixed(0)} MB\n`);
      }
      tshark = medianOf(t);
    } else process.stderr.write('  tshark not installed: no tshark ratio\n');
  }
  const analyzeM = medianOf(runs.analyze);
  return {
    label,
    bytes,
    packets: analyzeM.packets,
    walk: medianOf(runs.walk),
    pcapParser: medianOf(runs['pcap-parser']),
    reader: medianOf(runs.reader),
    floor: medianOf(runs.floor),
    analyze: analyzeM,
    analyzeOneThread: medianOf(runs['analyze-1']),
    stages: Object.fromEntries(STAGES.map((s) => [s, medianOf(runs[`stage-${s}`])])) as Record<Stage, Measurement>,
    cli: medianOf(cli),
    ...cold,
    tshark,
  };
}

/** The walk and the analysis on a file that is not in the page cache, as a capture copied in a while ago is: each run
 * drops the file from the cache first. */
function measureCold(file: string, args: BenchArgs, label: string): { walkCold: Measurement | null; analyzeCold: Measurement | null } {
  const walk: Measurement[] = [];
  const analyze: Measurement[] = [];
  for (let r = 0; r < args.runs; r++) {
    for (const [task, into] of [['walk', walk], ['analyze', analyze]] as const) {
      const drop = dropFromPageCache(file);
      if (drop !== 'dropped') {
        process.stderr.write(`  ${label}: cannot drop the file from the page cache (${drop === 'unavailable' ? 'needs GNU dd and util-linux fincore' : 'tmpfs?'}): no cold-cache rows\n`);
        return { walkCold: null, analyzeCold: null };
      }
      const m = measureInChild(task, file);
      into.push(m);
      process.stderr.write(`  ${label} run ${r + 1}/${args.runs} ${task}, not in page cache: ${(m.ms / 1000).toFixed(2)} s\n`);
    }
  }
  return { walkCold: medianOf(walk), analyzeCold: medianOf(analyze) };
}

const mb = (bytes: number) => bytes / 1e6;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rss = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function printResult(r: SizeResult): void {
  const rows: [string, string, string, string, string][] = [];
  const row = (name: string, m: Measurement, wall = false) => {
    const ms = wall ? m.wallMs : m.ms;
    rows.push([name, secs(ms), `${(mb(r.bytes) / (ms / 1000)).toFixed(0)} MB/s`, `${((r.packets / ms) * 1000 / 1e6).toFixed(2)} Mpkt/s`, rss(m.maxRssKB)]);
  };
  row('bare readSync walk', r.walk);
  row('pcap-parser events', r.pcapParser);
  row('our reader (frames only)', r.reader);
  row('per-packet floor (flat arrays)', r.floor);
  row(`smtp-pcap-diagnose, ${r.analyze.jobs ?? 1} thread${(r.analyze.jobs ?? 1) > 1 ? 's' : ''}`, r.analyze);
  if ((r.analyze.jobs ?? 1) > 1) row('smtp-pcap-diagnose, 1 thread', r.analyzeOneThread);
  row('  the CLI, text report (wall)', r.cli, true);
  if (r.walkCold) row('bare walk, file not in page cache', r.walkCold);
  if (r.analyzeCold) row('analysis, file not in page cache', r.analyzeCold);
  if (r.tshark) row('tshark -Y smtp -T fields', r.tshark, true);
  console.log(`\n${r.label}: ${mb(r.bytes).toFixed(0)} MB, ${r.packets} packets, ${r.analyze.connections} SMTP connections` +
    (r.sessions !== null ? ` (${r.sessions} sessions generated in ${secs(r.generateMs!)})` : ''));
  const widths = [34, 10, 12, 14, 10];
  console.log(['', 'time', 'throughput', 'packets/s', 'peak RSS'].map((h, i) => h.padStart(i ? widths[i]! : 0).padEnd(i ? 0 : widths[0]!)).join(''));
  for (const cells of rows) console.log(cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[0]!))).join(''));
  console.log(`  where the time goes:   ${timeByStage(r).map(([name, ms]) => `${name} ${secs(ms)}`).join(', ')}`);
  console.log(`  decoding + TCP:        ${secs(r.stages.tcp.ms - r.reader.ms)} over reading, where the per-packet floor takes ${secs(r.floor.ms - r.walk.ms)} over the walk (the same per-packet work in flat arrays)`);
  const vsWalk = r.analyze.ms / r.walk.ms;
  console.log(`  analysis / bare walk:  ${vsWalk.toFixed(2)}×   (goal ≤ 5×)  ${vsWalk <= 5 ? 'ok' : 'MISSED'}`);
  if (r.tshark) {
    const vsTshark = r.tshark.wallMs / r.analyze.wallMs;
    console.log(`  tshark / analysis:     ${vsTshark.toFixed(1)}×   (goal ≥ 30×, wall times incl. start-up)  ${vsTshark >= 30 ? 'ok' : 'MISSED'}`);
    // CPU times move less than wall times on a shared machine (each counts every thread of its process).
    const ours = r.analyze.processCpuMs;
    const theirs = r.tshark.processCpuMs;
    const cpu = theirs && ours ? theirs / ours : NaN;
    if (Number.isFinite(cpu)) console.log(`  tshark / analysis, CPU: ${cpu.toFixed(1)}×   (whole processes, start-up included: tshark ${secs(theirs!)}, analysis ${secs(ours!)})`);
  }
  console.log(`  analysis CPU time:     ${secs(r.analyze.cpuMs ?? NaN)} (${r.analyze.jobs ?? 1} thread(s); one thread: ${secs(r.analyzeOneThread.cpuMs ?? NaN)}) (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: other work skews wall times)`);
  const peak = r.analyze.maxRssKB / 1024;
  console.log(`  peak RSS:              ${peak.toFixed(0)} MB   (goal ≤ 150 MB)  ${peak <= 150 ? 'ok' : 'MISSED'}`);
  const open = r.analyzeOneThread.peakOpen;
  if (open) console.log(`  connections held at once: up to ${open} (open, or closed and lingering 5 s): memory follows them, not the file`);
  if (r.analyze.diagnosed) console.log(`  diagnoses: ${Object.entries(r.analyze.diagnosed).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

/** What each stage adds to one thread's analysis: the difference between the medians of the runs cut short after it and
 * after the stage before (so each includes its share of collection and compilation). */
function timeByStage(r: SizeResult): [string, number][] {
  const s = r.stages;
  return [
    ['reading', r.reader.ms],
    ['+ decoding', s.decode.ms - r.reader.ms],
    ['+ TCP', s.tcp.ms - s.decode.ms],
    ['+ SMTP', s.smtp.ms - s.tcp.ms],
    ['+ diagnosis and report model', r.analyzeOneThread.ms - s.smtp.ms],
  ];
}

function printLinearity(results: SizeResult[]): void {
  console.log('\nLinearity (analysis, medians):');
  console.log('size'.padEnd(8) + 'MB'.padStart(8) + 'time'.padStart(10) + 'MB/s'.padStart(8) + 'ns/byte'.padStart(9) + '×walk'.padStart(8) + 'RSS'.padStart(9) + 'held'.padStart(8));
  for (const r of results) {
    console.log(
      r.label.padEnd(8) + mb(r.bytes).toFixed(0).padStart(8) + secs(r.analyze.ms).padStart(10) +
        (mb(r.bytes) / (r.analyze.ms / 1000)).toFixed(0).padStart(8) + ((r.analyze.ms * 1e6) / r.bytes).toFixed(2).padStart(9) +
        (r.analyze.ms / r.walk.ms).toFixed(2).padStart(8) + rss(r.analyze.maxRssKB).padStart(9) + String(r.analyzeOneThread.peakOpen ?? '').padStart(8),
    );
  }
}

function gitCommit(): string | null {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function record(r: SizeResult, args: BenchArgs): void {
  mkdirSync('bench-out', { recursive: true });
  const line = {
    at: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    runs: args.runs,
    size: r.label,
    bytes: r.bytes,
    packets: r.packets,
    connections: r.analyze.connections,
    walkMs: Math.round(r.walk.ms),
    pcapParserMs: Math.round(r.pcapParser.ms),
    readerMs: Math.round(r.reader.ms),
    floorMs: Math.round(r.floor.ms),
    stageMs: Object.fromEntries(STAGES.map((st) => [st, Math.round(r.stages[st].ms)])),
    loadAverage: loadavg()[0],
    analyzeMs: Math.round(r.analyze.ms),
    analyzeWallMs: Math.round(r.analyze.wallMs),
    analyzeCpuMs: Math.round(r.analyze.cpuMs ?? NaN),
    analyzeMBps: Math.round(mb(r.bytes) / (r.analyze.ms / 1000)),
    analyzeRssMB: Math.round(r.analyze.maxRssKB / 1024),
    peakOpenConnections: r.analyzeOneThread.peakOpen ?? null,
    analyzeJobs: r.analyze.jobs ?? 1,
    cliWallMs: Math.round(r.cli.wallMs),
    cliRssMB: Math.round(r.cli.maxRssKB / 1024),
    analyzeOneThreadMs: Math.round(r.analyzeOneThread.ms),
    analyzeOneThreadCpuMs: Math.round(r.analyzeOneThread.cpuMs ?? NaN),
    analyzeOneThreadRssMB: Math.round(r.analyzeOneThread.maxRssKB / 1024),
    walkColdMs: r.walkCold ? Math.round(r.walkCold.ms) : null,
    analyzeColdMs: r.analyzeCold ? Math.round(r.analyzeCold.ms) : null,
    analyzeColdCpuMs: r.analyzeCold ? Math.round(r.analyzeCold.cpuMs ?? NaN) : null,
    tsharkMs: r.tshark ? Math.round(r.tshark.wallMs) : null,
    tsharkRssMB: r.tshark ? Math.round(r.tshark.maxRssKB / 1024) : null,
    vsWalk: Number((r.analyze.ms / r.walk.ms).toFixed(2)),
    vsTshark: r.tshark ? Number((r.tshark.wallMs / r.analyze.wallMs).toFixed(1)) : null,
    tsharkCpuMs: r.tshark?.processCpuMs !== undefined ? Math.round(r.tshark.processCpuMs) : null,
    analyzeProcessCpuMs: r.analyze.processCpuMs !== undefined ? Math.round(r.analyze.processCpuMs) : null,
  };
  appendFileSync(join('bench-out', 'results.jsonl'), JSON.stringify(line) + '\n');
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const results: SizeResult[] = [];
  if (args.file) {
    requireClassicPcap(args.file);
    const r = { ...measureFile(args.file, args, args.file), sessions: null, generateMs: null };
    printResult(r);
    record(r, args);
    return;
  }
  for (const size of args.sizes) {
    const label = sizeLabel(size);
    const path = join(args.dir, `smtp-bench-${label}-${args.seed}.pcap`);
    process.stderr.write(`generating ${label} capture at ${path} …\n`);
    const t0 = Date.now();
    const g = generateCapture(path, { targetBytes: size, seed: args.seed });
    const generateMs = Date.now() - t0;
    process.stderr.write(`  ${g.sessions} sessions, ${g.packets} packets, up to ${g.maxConcurrent} open at once, ${secs(generateMs)}\n`);
    try {
      const r = { ...measureFile(path, args, label), sessions: g.sessions, generateMs };
      printResult(r);
      record(r, args);
      results.push(r);
    } finally {
      if (!args.keep) rmSync(path, { force: true });
    }
  }
  if (results.length > 1) printLinearity(results);
  if (args.held.length) measureHeld(args.held, args);
}

/** The references (the bare walk, pcap-parser's events, the per-packet floor) read classic pcap only: refuse anything else
 * before minutes of measuring end in one of them failing. */
function requireClassicPcap(file: string): void {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (!isPcapMagic(head)) throw new Error(`${file}: not a classic pcap file (the bench's references read no other format; convert it with editcap -F pcap)`);
}

try {
  main();
} catch (e) {
  // A mistake on the command line or an unreadable file: one line, no stack trace.
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
