import { CaptureInput } from '../capture/input.js';
import { readFrames } from '../capture/merge.js';
import type { CaptureError } from '../capture/errors.js';
import type { Frame } from '../capture/frame.js';
import { decodeFrame } from '../decode/ip-tcp.js';
import { IpReassembler } from '../decode/ip-reassembly.js';
import { computeFacts } from '../diagnose/facts.js';
import { diagnoseConnection } from '../diagnose/engine.js';
import { correlateFlights, flightSummary, type FlightSummary } from '../diagnose/rules/flight-size-threshold.js';
import { SmtpSession, DEFAULT_SESSION_LIMITS, type SessionLimits } from '../smtp/session.js';
import type { Connection } from '../tcp/connection.js';
import type { StreamSink } from '../tcp/half-stream.js';
import { ConnectionTracker, DEFAULT_TRACKER_OPTIONS, SWEEP_EVERY_FRAMES, type TrackerOptions } from '../tcp/tracker.js';
import { limitFindings, limitHits, retransmissionMismatchFindings } from '../diagnose/rules/limits.js';
import { buildConnectionJson } from './connection-json.js';
import { LimitLog } from './limit-log.js';
import { Clock } from './clock.js';
import type { ConnectionJson, InputJson, ReportJson } from './report-model.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export interface AnalyzeOptions {
  tracker?: Partial<TrackerOptions>;
  session?: Partial<SessionLimits>;
  /** Ports treated as SMTP even before the dialogue shows it (default 25, 465, 587, 2525). */
  smtpPorts?: number[];
  /** Streaming: each connection's JSON is handed here as soon as it is diagnosed, and what it returns is what the
   * report keeps (null: nothing). Memory then stays bounded by the connections open at once, not by the file. */
  onConnection?: (c: ConnectionJson) => ConnectionJson | null;
  /** Called with bytes read so far (for a progress bar). */
  onProgress?: (bytesRead: number) => void;
}

export interface AnalysisResult {
  report: ReportJson;
  /** Faults met while reading (each already describes file and offset). The report covers what was read before. */
  errors: CaptureError[];
}

/** Reads the captures (one capture, possibly cut into several files), rebuilds every TCP connection and SMTP dialogue,
 * and diagnoses each. Memory is bounded by the connections open at once: each is diagnosed when it finishes. */
export async function analyze(paths: string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const smtpPorts = new Set(options.smtpPorts ?? [...DEFAULT_TRACKER_OPTIONS.serverPorts]);
  const trackerOptions: TrackerOptions = { ...DEFAULT_TRACKER_OPTIONS, serverPorts: smtpPorts, ...options.tracker };
  const sessionLimits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...options.session };
  const inputs = paths.map((p, i) => new CaptureInput(p, i));
  const accounting = inputs.map(() => ({ tcp: 0 }) as Record<string, number>);
  const sessions = new Map<Connection, SmtpSession>();
  const connections: ConnectionJson[] = [];
  /** Just what the cross-connection rule needs, kept for every connection even when the report streams. */
  const flightSummaries: FlightSummary[] = [];
  let otherTcp = 0;
  const limitLog = new LimitLog();
  let clock: Clock | null = null;

  const tracker = new ConnectionTracker(
    {
      listenerFor(c) {
        // The SMTP session is made on the first byte of payload, not at the SYN: a SYN flood's half-open connections
        // then cost only their TCP state. Once made, the session's own sinks take over (no extra hop per delivery).
        const client: StreamSink = { data: (b, o, t) => open().client.data(b, o, t), gap: (o, n, r) => open().client.gap(o, n, r) };
        const server: StreamSink = { data: (b, o, t) => open().server.data(b, o, t), gap: (o, n, r) => open().server.gap(o, n, r) };
        const open = (): SmtpSession => {
          const s = new SmtpSession(c.roleSource !== 'port', sessionLimits);
          sessions.set(c, s);
          Object.assign(client, s.client);
          Object.assign(server, s.server);
          return s;
        };
        return { client, server };
      },
      finished(c, why) {
        const session = sessions.get(c) ?? new SmtpSession(c.roleSource !== 'port', sessionLimits);
        sessions.delete(c);
        session.finish();
        const onSmtpPort = smtpPorts.has(c.server.port);
        const hits = limitHits(c, session, why, trackerOptions, sessionLimits);
        if (!session.looksLikeSmtp() && !(onSmtpPort && (c.clientHalf.dataPackets > 0 || c.serverHalf.dataPackets > 0))) {
          limitLog.note(c.id, false, hits);
          otherTcp++;
          return;
        }
        limitLog.note(c.id, true, hits);
        const facts = computeFacts(c, session);
        const verdict = diagnoseConnection(facts, why, clock);
        verdict.findings.push(...retransmissionMismatchFindings(c), ...limitFindings(hits));
        const json = buildConnectionJson(facts, verdict, clock!);
        flightSummaries.push(flightSummary(json));
        const kept = options.onConnection ? options.onConnection(json) : json;
        if (kept) connections.push(kept);
      },
    },
    trackerOptions,
  );

  const fragments = new IpReassembler((input, fate, n) => {
    const acc = accounting[input]!;
    acc[fate] = (acc[fate] ?? 0) + n;
  });
  let bytesSeen = 0;
  let frames = 0;
  const errors = await readFrames(inputs, (frame) => {
    analyseFrame(frame);
    if (++frames % SWEEP_EVERY_FRAMES === 0) tracker.sweep((frame.sec - clock!.baseSec) * 1e9 + frame.nsec);
  });
  function analyseFrame(frame: Frame): void {
    if (!clock) clock = new Clock(frame.sec, inputs.some((i) => i.info.precision === 'ns') ? 'ns' : 'us');
    let decoded = decodeFrame(frame);
    const acc = accounting[frame.input]!;
    const atNs = (frame.sec - clock.baseSec) * 1e9 + frame.nsec;
    if (decoded === 'ip-fragment') {
      // Fragment frames are accounted by the reassembler once their datagram's fate is known.
      const whole = fragments.offer(frame, atNs);
      if (!whole) return;
      decoded = decodeFrame(whole);
      if (typeof decoded === 'string') return;
    } else if (typeof decoded === 'string') {
      acc[decoded] = (acc[decoded] ?? 0) + 1;
      return;
    } else acc.tcp!++;
    tracker.packet(decoded, atNs);
    if (options.onProgress && (bytesSeen += frame.data.length + 16) > 0) options.onProgress(bytesSeen);
  }
  fragments.finish();
  tracker.finishAll();

  connections.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id));
  const inputJson: InputJson[] = inputs.map((i, n) => ({
    file: i.info.file,
    format: i.info.format,
    compressed: i.info.compressed,
    precision: i.info.precision,
    snaplen: i.info.snaplen,
    linkTypes: i.info.linkTypes,
    packets: i.info.packets,
    accounting: accounting[n]!,
    truncated: i.info.truncated,
  }));
  const limits: string[] = [];
  if (tracker.evicted) {
    const halfOpen = tracker.evicted - tracker.evictedWithData;
    limits.push(
      `max-connections reached: ${tracker.evicted} connections were finished early because more than ${trackerOptions.maxOpenConnections} were open at once` +
        ` (${halfOpen} of them had carried no data: half-open or empty, as in a SYN flood or scan; ${tracker.evictedWithData} had data and are reported as cut short) (raise with --max-connections)`,
    );
  }
  limits.push(...limitLog.lines());
  return {
    report: {
      schemaVersion: 1,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      inputs: inputJson,
      connections,
      capture: { findings: correlateFlights(flightSummaries), otherTcpConnections: otherTcp, limits },
    },
    errors,
  };
}
