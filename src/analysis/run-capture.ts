import type { CaptureError } from '../capture/errors.js';
import type { Frame } from '../capture/frame.js';
import { capturedLength } from '../capture/record-frame.js';
import { CaptureInput } from '../capture/input.js';
import { CaptureFiles } from '../capture/capture-files.js';
import { readFrames } from '../capture/merge.js';
import { decodeFrame } from '../decode/ip-tcp.js';
import { IpReassembler } from '../decode/ip-reassembly.js';
import { computeFacts } from '../diagnose/facts.js';
import { diagnoseConnection } from '../diagnose/engine.js';
import { limitFindings, limitHits, retransmissionMismatchFindings, type LimitHit } from '../diagnose/rules/limits.js';
import type { SessionLimits, SmtpSession } from '../smtp/session.js';
import type { Connection } from '../tcp/connection.js';
import { SessionSlot } from './session-slot.js';
import { releaseIdleBlocks } from '../tcp/column-pool.js';
import { HalfStream } from '../tcp/half-stream.js';
import { ConnectionTracker, SWEEP_EVERY_FRAMES, type TrackerOptions } from '../tcp/tracker.js';
import { Clock } from './clock.js';
import { buildConnectionJson, flightSummaryOfFacts } from './connection-json.js';
import type { ConnectionJson, InputJson } from './report-model.js';
import { shardOfFrame, shardOfPacket, type Shard } from './shard.js';
import type { FlightSummary } from '../diagnose/rules/flight-size-threshold.js';

/** Options after defaults are applied: plain data, so that a worker thread can be handed them. */
export interface RunOptions {
  tracker: TrackerOptions;
  session: SessionLimits;
  smtpPorts: ReadonlySet<number>;
  /** 'summary': a connection diagnosed 'none' is handed on reduced to its summary row (buildConnectionJson's `brief`). */
  healthy: 'full' | 'summary';
}

/** Where a run hands what it finds, as it finds it. `openedAt` is the ordinal (1-based, over every frame of the
 * merged input) of the frame that opened the connection: the same in every worker, so a sharded run can number
 * connections exactly as a single-threaded one does. */
export interface RunSink {
  /** `flights`: what the cross-connection flight-size rule reads, taken before a healthy connection is reduced. */
  connection(json: ConnectionJson, openedAt: number, flights: FlightSummary): void;
  /** Limits a connection hit (SMTP or not); called only when there are some. */
  limits(id: number, openedAt: number, smtp: boolean, hits: LimitHit[]): void;
  /** A connection was opened at frame `openedAt`. */
  opened?(openedAt: number): void;
  /** Called after each frame (frames read so far); a sharded worker posts its batches from here. */
  frameDone?(frames: number, bytesRead: number): void;
}

export interface RunResult {
  inputs: InputJson[];
  errors: CaptureError[];
  otherTcp: number;
  evicted: number;
  evictedWithData: number;
  /** Most connections in the table at once (open, or closed and lingering), sampled at every sweep and at the end:
   * what memory follows. */
  peakOpenConnections: number;
}

/** Whether a finished connection is reported as SMTP (else it is only counted as other TCP): its dialogue looks like
 * SMTP, or it carried data to or from an SMTP port. */
export function carriesSmtp(c: Connection, session: SmtpSession, smtpPorts: ReadonlySet<number>): boolean {
  return session.looksLikeSmtp() || (smtpPorts.has(c.server.port) && c.carriedData());
}

/** Reads the captures (one capture, possibly cut into several files), rebuilds every TCP connection and SMTP dialogue,
 * and diagnoses each as it finishes. With a shard, only the connections whose 4-tuple hashes to it are rebuilt (every
 * frame is still read, and counted only by shard 0). */
export async function runCapture(paths: string[], o: RunOptions, sink: RunSink, shard: Shard | null = null): Promise<RunResult> {
  // Files read in place stay open until the tracker is done: retransmissions are compared by reading them back.
  const files = new CaptureFiles();
  const inputs = paths.map((p, i) => new CaptureInput(p, i, files));
  const accounting = inputs.map(() => ({ tcp: 0 }) as Record<string, number>);
  const countsOthers = !shard || shard.index === 0;
  let otherTcp = 0;
  let clock: Clock | null = null;
  let frames = 0;
  let peakOpen = 0;

  const tracker = new ConnectionTracker(
    {
      listenerFor(c) {
        return new SessionSlot(c.roleSource !== 'port', o.session);
      },
      opened(c) {
        (c.listener as SessionSlot).openedAt = frames + 1;
        sink.opened?.(frames + 1);
      },
      finished(c, why) {
        const slot = c.listener as SessionSlot;
        const session = slot.finalSession();
        const opened = slot.openedAt;
        session.finish();
        const hits = limitHits(c, session, why, o.tracker, o.session);
        if (!carriesSmtp(c, session, o.smtpPorts)) {
          if (hits.length) sink.limits(c.id, opened, false, hits);
          otherTcp++;
          return;
        }
        if (hits.length) sink.limits(c.id, opened, true, hits);
        const facts = computeFacts(c, session);
        const verdict = diagnoseConnection(facts, why, clock);
        // Nearly always both are the shared empty list: a spread would still make its iterators.
        const mismatches = retransmissionMismatchFindings(c);
        if (mismatches.length) verdict.findings.push(...mismatches);
        if (hits.length) verdict.findings.push(...limitFindings(hits));
        // A clean connection in a human report is one table row: rendered brief, its flights summarised from the facts.
        const brief = o.healthy === 'summary' && verdict.diagnosis === 'none';
        sink.connection(buildConnectionJson(facts, verdict, clock!, brief), opened, flightSummaryOfFacts(facts));
      },
    },
    o.tracker,
    files,
  );

  const fragments = new IpReassembler((input, fate, n) => {
    if (!countsOthers) return;
    const acc = accounting[input]!;
    acc[fate] = (acc[fate] ?? 0) + n;
  });
  let bytesRead = 0;
  const analyseFrame = (frame: Frame): void => {
    if (!clock) clock = new Clock(frame.sec, inputs.some((i) => i.info.precision === 'ns') ? 'ns' : 'us');
    // Sharded: a frame whose header bytes name another worker's connection is that worker's, accounting included.
    // Frames the bytes cannot place are decoded by every worker and accounted by shard 0 unless they are TCP.
    let owner = -1;
    if (shard) {
      owner = shardOfFrame(frame, shard.count);
      if (owner >= 0 && owner !== shard.index) return;
    }
    const counts = !shard || owner === shard.index || shard.index === 0;
    let decoded = decodeFrame(frame);
    const acc = accounting[frame.input]!;
    const atNs = clock.instant(frame.sec, frame.nsec);
    if (decoded === 'ip-fragment') {
      // Fragment frames are accounted by the reassembler once their datagram's fate is known.
      const whole = fragments.offer(frame, atNs);
      if (!whole) return;
      decoded = decodeFrame(whole);
      if (typeof decoded === 'string') return;
      if (shard && shardOfPacket(decoded, shard.count) !== shard.index) return;
    } else if (typeof decoded === 'string') {
      if (counts) acc[decoded] = (acc[decoded] ?? 0) + 1;
      return;
    } else {
      if (shard && owner < 0 && shardOfPacket(decoded, shard.count) !== shard.index) return;
      acc.tcp!++;
    }
    tracker.packet(decoded, atNs);
  };
  const errors = await readFrames(inputs, (frame) => {
    analyseFrame(frame);
    frames++;
    if (frames % SWEEP_EVERY_FRAMES === 0) {
      peakOpen = Math.max(peakOpen, tracker.openCount);
      tracker.sweep(clock!.instant(frame.sec, frame.nsec));
    }
    if (sink.frameDone) {
      bytesRead += capturedLength(frame) + 16;
      sink.frameDone(frames, bytesRead);
    }
  });
  fragments.finish();
  peakOpen = Math.max(peakOpen, tracker.openCount);
  try {
    tracker.finishAll();
  } finally {
    files.close();
    // Every connection is finished: what the pools kept for the next ones would only weigh on the report.
    releaseIdleBlocks();
    HalfStream.releaseIdle();
  }

  return {
    inputs: inputs.map((i, n) => ({
      file: i.info.file,
      format: i.info.format,
      compressed: i.info.compressed,
      precision: i.info.precision,
      snaplen: i.info.snaplen,
      linkTypes: i.info.linkTypes,
      packets: i.info.packets,
      accounting: accounting[n]!,
      truncated: i.info.truncated,
    })),
    errors,
    otherTcp,
    evicted: tracker.evicted,
    evictedWithData: tracker.evictedWithData,
    peakOpenConnections: peakOpen,
  };
}
