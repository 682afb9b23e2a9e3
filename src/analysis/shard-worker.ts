// A worker thread of a sharded run (sharded.ts): analyses one shard and posts what it finds in batches.
import { parentPort, workerData } from 'node:worker_threads';
import type { FlightSummary } from '../diagnose/rules/flight-size-threshold.js';
import type { LimitHit } from '../diagnose/rules/limits.js';
import type { ConnectionJson } from './report-model.js';
import { runCapture, type RunOptions, type RunResult } from './run-capture.js';
import type { Shard } from './shard.js';

export interface ShardWorkerData {
  paths: string[];
  run: RunOptions;
  shard: Shard;
  /** Frames read so far by each worker (Int32Array over a SharedArrayBuffer; DONE once finished). */
  progress: SharedArrayBuffer;
}

export const DONE = 0x7fffffff;

export type ShardMessage =
  | {
      kind: 'batch';
      /** Frames at which this worker opened connections since its last batch. */
      opens: number[];
      /** Every frame up to here has been read (Infinity: the input is done). */
      watermark: number;
      /** The finished connections' JSON and flight summaries, as one JSON array text of pairs: cloning a string costs a
       * copy, cloning thousands of small objects (structured clone) cost a tenth of a worker's time. */
      connections: string;
      connectionOpenedAt: number[];
      limits: { openedAt: number; smtp: boolean; hits: LimitHit[] }[];
      bytesRead: number;
    }
  | { kind: 'done'; result: Omit<RunResult, 'errors'> & { errors: { file: string; offset: number; reason: string }[] } };

/** A batch goes out after this many finished connections or frames, whichever comes first: often enough that the
 * main thread can number and hand on connections as they finish, rarely enough that messages cost little. */
const BATCH_CONNECTIONS = 64;
const BATCH_FRAMES = 32768;
/** How far (in frames) a worker may run ahead of the slowest one. The main thread can number a connection only once
 * every worker has read past the frame that opened it, and holds it until then: this bounds what it holds. */
const MAX_LEAD_FRAMES = 65536;
const PROGRESS_EVERY_FRAMES = 4096;

if (parentPort) {
  const port = parentPort;
  const { paths, run, shard, progress: shared } = workerData as ShardWorkerData;
  const progress = new Int32Array(shared);
  const keepPace = (frames: number) => {
    Atomics.store(progress, shard.index, Math.min(frames, DONE - 1));
    Atomics.notify(progress, shard.index);
    for (;;) {
      let slowest = -1;
      for (let w = 0; w < progress.length; w++) if (w !== shard.index && (slowest < 0 || progress[w]! < progress[slowest]!)) slowest = w;
      const theirs = slowest < 0 ? DONE : Atomics.load(progress, slowest);
      if (theirs === DONE || frames - theirs <= MAX_LEAD_FRAMES) return;
      Atomics.wait(progress, slowest, theirs, 100);
    }
  };
  let batch = emptyBatch();
  let finished: [ConnectionJson, FlightSummary][] = [];
  let framesAtLastPost = 0;
  const post = (watermark: number, bytesRead: number) => {
    batch.watermark = watermark;
    batch.bytesRead = bytesRead;
    batch.connections = finished.length ? JSON.stringify(finished) : '';
    finished = [];
    port.postMessage(batch);
    batch = emptyBatch();
  };
  let lastBytes = 0;
  let result: RunResult;
  try {
    result = await runCapture(
    paths,
    run,
    {
      connection(json, openedAt, flights) {
        finished.push([json, flights]);
        batch.connectionOpenedAt.push(openedAt);
      },
      limits(_id, openedAt, smtp, hits) {
        batch.limits.push({ openedAt, smtp, hits });
      },
      opened(openedAt) {
        batch.opens.push(openedAt);
      },
      frameDone(frames, bytesRead) {
        lastBytes = bytesRead;
        if (frames % PROGRESS_EVERY_FRAMES === 0) keepPace(frames);
        if (finished.length >= BATCH_CONNECTIONS || frames - framesAtLastPost >= BATCH_FRAMES) {
          framesAtLastPost = frames;
          post(frames, bytesRead);
        }
      },
    },
    shard,
  );
  } finally {
    // Finished (or failed): nobody waits for this worker any more.
    Atomics.store(progress, shard.index, DONE);
    Atomics.notify(progress, shard.index);
  }
  post(Infinity, lastBytes);
  const done: ShardMessage = {
    kind: 'done',
    result: { ...result, errors: result.errors.map((e) => ({ file: e.file, offset: e.offset, reason: e.reason })) },
  };
  port.postMessage(done);
}

function emptyBatch(): Extract<ShardMessage, { kind: 'batch' }> {
  return { kind: 'batch', opens: [], watermark: 0, connections: '', connectionOpenedAt: [], limits: [], bytesRead: 0 };
}
