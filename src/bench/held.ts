// Memory against connections held at once. A relay's bad day is exactly when connections pile up: every session a
// blackholing middlebox stalls stays open until its client gives up (minutes), and the analysis holds each one's state
// until then. The size bench cannot show this (its captures hold 1 500–2 200 at once, most closed and lingering), so
// these captures are nothing but stalled sessions, arriving every 0.5 ms on average and giving up after 20–120 s: all
// of them are open at the same moment. Peak RSS over the number held gives the cost of one held connection, and the
// largest default is the connection table's own limit (DEFAULT_TRACKER_OPTIONS.maxOpenConnections). A last capture
// spreads 50 000 of them over 14 hours: few open at once, the CLI's memory must not follow the number of problems; and
// the first tenth of it alone (5 000 sessions, the same arrival rate, as many open at once): memory must not follow the
// length of the capture either (issue 7's "the same at 100 MB and 1 GB", with the connections held at once kept equal).
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TRACKER_OPTIONS } from '../tcp/tracker.js';
import { measureCli, measureInChild, type Measurement } from './child-runs.js';
import { generateCapture } from './generate.js';
import { median } from './median.js';

export const HELD_DEFAULT: readonly number[] = [2_000, DEFAULT_TRACKER_OPTIONS.maxOpenConnections];
const MEAN_ARRIVAL_NS = 500_000;
/** The spread capture: as many stalled sessions, one a second on average, so that only the last 20–120 s of them are
 * open at once. The report must not grow with them: it draws each problem connection as it is diagnosed. */
const SPREAD_SESSIONS = 50_000;
/** The short spread capture: the same arrival rate, a tenth of the sessions. */
const SHORT_SPREAD_SESSIONS = 5_000;
const SPREAD_ARRIVAL_NS = 1e9;
const RSS_GOAL_MB = 150;

interface HeldResult {
  label: string;
  sessions: number;
  bytes: number;
  held: number;
  analyzeMs: number;
  analyzeRssMB: number;
  cliMs: number;
  cliRssMB: number;
}

export function measureHeld(counts: readonly number[], o: { runs: number; dir: string; keep: boolean; seed: number }): void {
  const results = counts.map((n) => measureStalls(`held-${n}`, n, MEAN_ARRIVAL_NS, o));
  const spread = measureStalls('spread', SPREAD_SESSIONS, SPREAD_ARRIVAL_NS, o);
  const shortSpread = measureStalls('spread-short', SHORT_SPREAD_SESSIONS, SPREAD_ARRIVAL_NS, o);
  printHeld(results, spread, shortSpread);
  mkdirSync('bench-out', { recursive: true });
  for (const r of [...results, spread, shortSpread]) appendFileSync(join('bench-out', 'results.jsonl'), JSON.stringify({ at: new Date().toISOString(), runs: o.runs, ...r }) + '\n');
}

/** A capture of `n` stalled sessions arriving every `arrivalNs` on average: the analysis and the CLI on it. */
function measureStalls(label: string, n: number, arrivalNs: number, o: { runs: number; dir: string; keep: boolean; seed: number }): HeldResult {
  const path = join(o.dir, `smtp-bench-${label}-${o.seed}.pcap`);
  process.stderr.write(`generating a capture of ${n} stalled sessions at ${path} …\n`);
  const g = generateCapture(path, { targetBytes: Infinity, sessions: n, kind: 'server-stall', meanArrivalNs: arrivalNs, seed: o.seed });
  try {
    const analyses: Measurement[] = [];
    const clis: Measurement[] = [];
    for (let r = 0; r < o.runs; r++) {
      analyses.push(measureInChild('analyze-1', path));
      clis.push(measureCli(path));
      process.stderr.write(`  ${label} run ${r + 1}/${o.runs}: analysis ${mbOf(analyses[r]!.maxRssKB)} MB, CLI ${mbOf(clis[r]!.maxRssKB)} MB\n`);
    }
    return {
      label,
      sessions: n,
      bytes: g.bytes,
      held: analyses[0]!.peakOpen ?? 0,
      analyzeMs: median(analyses.map((m) => m.ms)),
      analyzeRssMB: median(analyses.map((m) => mbOf(m.maxRssKB))),
      cliMs: median(clis.map((m) => m.wallMs)),
      cliRssMB: median(clis.map((m) => mbOf(m.maxRssKB))),
    };
  } finally {
    if (!o.keep) rmSync(path, { force: true });
  }
}

function mbOf(kb: number): number {
  return Math.round(kb / 1024);
}

function printHeld(results: HeldResult[], spread: HeldResult, shortSpread: HeldResult): void {
  console.log('\nConnections held at once (stalled sessions, medians; one thread, and the CLI with its text report):');
  console.log('held'.padEnd(8) + 'MB'.padStart(6) + 'analysis'.padStart(10) + 'RSS'.padStart(8) + 'CLI'.padStart(9) + 'RSS'.padStart(8));
  for (const r of results) {
    console.log(
      String(r.held).padEnd(8) + (r.bytes / 1e6).toFixed(0).padStart(6) + `${(r.analyzeMs / 1000).toFixed(2)} s`.padStart(10) +
        `${r.analyzeRssMB} MB`.padStart(8) + `${(r.cliMs / 1000).toFixed(2)} s`.padStart(9) + `${r.cliRssMB} MB`.padStart(8),
    );
  }
  console.log(
    `  ${spread.sessions} stalled sessions spread over the capture (${(spread.bytes / 1e6).toFixed(0)} MB, at most ${spread.held} open at once): ` +
      `analysis ${(spread.analyzeMs / 1000).toFixed(2)} s, ${spread.analyzeRssMB} MB; CLI ${(spread.cliMs / 1000).toFixed(2)} s, ${spread.cliRssMB} MB ` +
      `(the report draws each problem as it is diagnosed: it keeps no row per problem)`,
  );
  console.log(
    `  flat: its first ${shortSpread.sessions} sessions alone (${(shortSpread.bytes / 1e6).toFixed(0)} MB, at most ${shortSpread.held} open at once): ` +
      `analysis ${shortSpread.analyzeRssMB} MB against ${spread.analyzeRssMB} MB for ten times the capture; CLI ${shortSpread.cliRssMB} against ${spread.cliRssMB} MB`,
  );
  if (results.length < 2) return;
  const [few, most] = [results[0]!, results[results.length - 1]!];
  const perHeld = ((most.analyzeRssMB - few.analyzeRssMB) * 1024) / Math.max(1, most.held - few.held);
  console.log(`  memory per held connection: ${perHeld.toFixed(1)} KB of peak RSS (analysis, ${few.held} → ${most.held} held)`);
  const limit = DEFAULT_TRACKER_OPTIONS.maxOpenConnections;
  if (most.held >= limit) {
    const peak = Math.max(most.analyzeRssMB, most.cliRssMB);
    console.log(`  at the table's limit of ${limit} open connections: ${peak} MB   (goal ≤ ${RSS_GOAL_MB} MB)  ${peak <= RSS_GOAL_MB ? 'ok' : 'MISSED'}`);
  }
}
