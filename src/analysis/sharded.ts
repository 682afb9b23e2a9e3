import { Worker } from 'node:worker_threads';
import { CaptureError } from '../capture/errors.js';
import type { FlightSummary } from '../diagnose/rules/flight-size-threshold.js';
import type { LimitHit } from '../diagnose/rules/limits.js';
import type { ConnectionJson } from './report-model.js';
import type { RunOptions, RunResult } from './run-capture.js';
import { ConnectionNumbering } from './connection-numbering.js';
import type { ShardMessage, ShardWorkerData } from './shard-worker.js';

// A sharded run: N worker threads each read the whole input (reading is cheap next to analysis) and rebuild only the
// connections whose 4-tuple hashes to them. Every worker sees every frame in the same order, so they sweep idle
// connections at the same frames and each connection is finished, diagnosed and worded exactly as in a
// single-threaded run. What differs is only the order connections come back in, and their number, which this thread
// assigns: a connection's id is its rank among all connections by the frame that opened it.

/** Standard input can be read only once: it is always analysed by one thread. */
export function shardable(paths: string[]): boolean {
  return paths.length > 0 && !paths.includes('-');
}

export interface ShardedCollector {
  connection(json: ConnectionJson, flights: FlightSummary): void;
  limits(id: number, smtp: boolean, hits: LimitHit[]): void;
}

const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/analysis/shard-worker.js', import.meta.url) // tests run the TypeScript sources: use the build
  : new URL('./shard-worker.js', import.meta.url);

export function runSharded(paths: string[], run: RunOptions, jobs: number, collect: ShardedCollector, onProgress?: (bytes: number) => void): Promise<RunResult> {
  // The connection limit is shared out: each worker holds its part of the table.
  const perWorker: RunOptions = { ...run, tracker: { ...run.tracker, maxOpenConnections: Math.max(1, Math.ceil(run.tracker.maxOpenConnections / jobs)) } };
  const numbering = new ConnectionNumbering(jobs);
  const results: (RunResult | null)[] = new Array(jobs).fill(null);
  const workers: Worker[] = [];
  const progress = new SharedArrayBuffer(4 * jobs);

  return new Promise<RunResult>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const deliver = (m: Extract<ShardMessage, { kind: 'batch' }>, worker: number) => {
      numbering.progress(worker, m.opens, m.watermark);
      const connections: [ConnectionJson, FlightSummary][] = m.connections ? JSON.parse(m.connections) : [];
      for (let i = 0; i < connections.length; i++) {
        const [json, flights] = connections[i]!;
        numbering.whenNumbered(m.connectionOpenedAt[i]!, (id) => {
          json.id = id;
          flights.id = id;
          collect.connection(json, flights);
        });
      }
      for (const l of m.limits) numbering.whenNumbered(l.openedAt, (id) => collect.limits(id, l.smtp, l.hits));
      numbering.release();
      if (worker === 0 && onProgress && m.bytesRead > 0) onProgress(m.bytesRead);
    };
    for (let index = 0; index < jobs; index++) {
      const data: ShardWorkerData = { paths, run: perWorker, shard: { index, count: jobs }, progress };
      const w = new Worker(WORKER_URL, { workerData: data });
      workers.push(w);
      w.on('message', (m: ShardMessage) => {
        if (failed) return;
        try {
          if (m.kind === 'batch') deliver(m, index);
          else {
            results[index] = { ...m.result, errors: m.result.errors.map((e) => new CaptureError(e.file, e.offset, e.reason)) };
            if (results.every((r) => r !== null)) resolve(merge(results as RunResult[]));
          }
        } catch (e) {
          fail(e);
        }
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (results[index] === null) fail(new Error(`analysis worker ${index + 1} of ${jobs} stopped (exit code ${code}) before finishing`));
      });
    }
  });
}

/** One result from the workers' parts: the input facts and faults are the same in each (every worker read every
 * frame; shard 0 alone counted the frames that are not TCP), the counts add up. */
function merge(parts: RunResult[]): RunResult {
  const first = parts[0]!;
  return {
    inputs: first.inputs.map((input, n) => {
      const accounting: Record<string, number> = {};
      for (const part of parts) for (const [k, v] of Object.entries(part.inputs[n]!.accounting)) accounting[k] = (accounting[k] ?? 0) + v;
      return { ...input, accounting: { tcp: accounting.tcp ?? 0, ...accounting } };
    }),
    errors: first.errors,
    otherTcp: parts.reduce((n, p) => n + p.otherTcp, 0),
    evicted: parts.reduce((n, p) => n + p.evicted, 0),
    evictedWithData: parts.reduce((n, p) => n + p.evictedWithData, 0),
    // Each worker's own peak, added: at most what was open at once over all of them.
    peakOpenConnections: parts.reduce((n, p) => n + p.peakOpenConnections, 0),
  };
}
