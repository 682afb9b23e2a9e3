import type { CaptureError } from '../capture/errors.js';
import { correlateFlights, FlightSizeLog, type FlightSummary } from '../diagnose/rules/flight-size-threshold.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from '../smtp/session.js';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from '../tcp/tracker.js';
import { LimitLog } from './limit-log.js';
import type { ConnectionJson, InputJson, ReportJson } from './report-model.js';
import { runCapture, type RunOptions, type RunResult, type RunSink } from './run-capture.js';
import { runSharded, shardable } from './sharded.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export interface AnalyzeOptions {
  tracker?: Partial<TrackerOptions>;
  session?: Partial<SessionLimits>;
  /** Ports treated as SMTP even before the dialogue shows it (default 25, 465, 587, 2525). */
  smtpPorts?: number[];
  /** Streaming: each connection's JSON is handed here as soon as it is diagnosed, and what it returns is what the
   * report keeps (null: nothing). Memory then stays bounded by the connections open at once, not by the file. */
  onConnection?: (c: ConnectionJson) => ConnectionJson | null;
  /** 'summary': connections diagnosed 'none' reach onConnection and the report reduced to their summary row (no
   * commands, flights, transactions, findings): what the human formats show of them, made where the connection is
   * diagnosed. Default 'full'. */
  healthy?: 'full' | 'summary';
  /** Called with bytes read so far (for a progress bar). */
  onProgress?: (bytesRead: number) => void;
  /** Worker threads (default 1). Above 1, each worker reads the whole input and rebuilds the connections whose
   * 4-tuple hashes to it; the report is the same, byte for byte, as a single-threaded run's (see sharded.ts).
   * Standard input is always read by one thread. */
  jobs?: number;
}

export interface AnalysisResult {
  report: ReportJson;
  /** Faults met while reading (each already describes file and offset). The report covers what was read before. */
  errors: CaptureError[];
  /** How the run went, beside what it found (not part of the report). */
  stats: {
    /** Most connections held at once (open, or closed and lingering for stray packets), sampled every few thousand
     * frames; memory follows it. With worker threads, the sum of each worker's peak. */
    peakOpenConnections: number;
  };
}

/** Reads the captures (one capture, possibly cut into several files), rebuilds every TCP connection and SMTP dialogue,
 * and diagnoses each. Memory is bounded by the connections open at once: each is diagnosed when it finishes. */
export async function analyze(paths: string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const smtpPorts = new Set(options.smtpPorts ?? [...DEFAULT_TRACKER_OPTIONS.serverPorts]);
  const run: RunOptions = {
    tracker: { ...DEFAULT_TRACKER_OPTIONS, serverPorts: smtpPorts, ...options.tracker },
    session: { ...DEFAULT_SESSION_LIMITS, ...options.session },
    smtpPorts,
    healthy: options.healthy ?? 'full',
  };
  const connections: ConnectionJson[] = [];
  /** Just what the cross-connection rule needs, kept for every connection even when the report streams. */
  const pipelinedFlights = new FlightSizeLog();
  const limitLog = new LimitLog();
  const collect = {
    connection(json: ConnectionJson, flights: FlightSummary): void {
      pipelinedFlights.add(flights);
      const kept = options.onConnection ? options.onConnection(json) : json;
      if (kept) connections.push(kept);
    },
    limits: limitLog.note.bind(limitLog),
  };

  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  let result: RunResult;
  if (jobs > 1 && shardable(paths)) {
    result = await runSharded(paths, run, jobs, collect, options.onProgress);
  } else {
    const sink: RunSink = {
      connection: (json, _openedAt, flights) => collect.connection(json, flights),
      limits: (id, _openedAt, smtp, hits) => collect.limits(id, smtp, hits),
      frameDone: options.onProgress ? (_frames, bytes) => options.onProgress!(bytes) : undefined,
    };
    result = await runCapture(paths, run, sink);
  }

  connections.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id));
  const limits: string[] = [];
  if (result.evicted) {
    const halfOpen = result.evicted - result.evictedWithData;
    limits.push(
      `max-connections reached: ${result.evicted} connections were finished early because more than ${run.tracker.maxOpenConnections} were open at once` +
        ` (${halfOpen} of them had carried no data: half-open or empty, as in a SYN flood or scan; ${result.evictedWithData} had data and are reported as cut short) (raise with --max-connections)`,
    );
  }
  limits.push(...limitLog.lines());
  const inputs: InputJson[] = result.inputs;
  return {
    report: {
      schemaVersion: 1,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      inputs,
      connections,
      capture: { findings: correlateFlights(pipelinedFlights), otherTcpConnections: result.otherTcp, limits },
    },
    errors: result.errors,
    stats: { peakOpenConnections: result.peakOpenConnections },
  };
}
