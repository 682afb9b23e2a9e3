import { carriesSmtp } from '../analysis/run-capture.js';
import { instantSince } from '../analysis/clock.js';
import { SessionSlot } from '../analysis/session-slot.js';
import { CaptureFiles } from '../capture/capture-files.js';
import { CaptureInput } from '../capture/input.js';
import { readFrames } from '../capture/merge.js';
import { decodeFrame } from '../decode/ip-tcp.js';
import { DEFAULT_SESSION_LIMITS } from '../smtp/session.js';
import type { StreamSink } from '../tcp/half-stream.js';
import { ConnectionTracker, DEFAULT_TRACKER_OPTIONS, SWEEP_EVERY_FRAMES } from '../tcp/tracker.js';

/** The analysis cut short after one stage, so that the bench can tell what each stage adds to a run (profiles spread
 * the same time over a hundred functions, and a stage's cost includes its share of collection and compilation):
 * - `decode`: every frame decoded to a TCP packet, nothing tracked;
 * - `tcp`: and every packet tracked, reassembled and delivered to a sink that drops the bytes;
 * - `smtp`: and every dialogue parsed into its SMTP session, finished without a diagnosis.
 * The full analysis adds the diagnosis and each connection's report model. Regular IPv4/IPv6 TCP only (fragments are
 * left out: the bench's captures have none). */
export type Stage = 'decode' | 'tcp' | 'smtp';

export const STAGES: readonly Stage[] = ['decode', 'tcp', 'smtp'];

export interface StageCount {
  /** TCP packets decoded (what the analysis accounts as `tcp`). */
  packets: number;
  /** Connections the tracker finished (0 when decoding only). */
  connections: number;
  /** Of those, the dialogues that look like SMTP (the analysis's SMTP connections; 0 before the SMTP stage). */
  smtp: number;
}

/** Runs `file` through the analysis up to `stage`. */
export async function runStage(file: string, stage: Stage): Promise<StageCount> {
  const count: StageCount = { packets: 0, connections: 0, smtp: 0 };
  const files = new CaptureFiles();
  const tracker = new ConnectionTracker(
    stage === 'smtp'
      ? {
          listenerFor: (c) => new SessionSlot(c.roleSource !== 'port', DEFAULT_SESSION_LIMITS),
          finished: (c) => {
            const session = (c.listener as SessionSlot).finalSession();
            session.finish();
            count.connections++;
            if (carriesSmtp(c, session, DEFAULT_TRACKER_OPTIONS.serverPorts)) count.smtp++;
          },
        }
      : { listenerFor: () => DROPPING_LISTENER, finished: () => void count.connections++ },
    DEFAULT_TRACKER_OPTIONS,
    files,
  );
  let baseSec: number | null = null;
  let frames = 0;
  let checksum = 0;
  const errors = await readFrames([new CaptureInput(file, 0, files)], (f) => {
    baseSec ??= f.sec;
    const at = instantSince(baseSec, f.sec, f.nsec);
    const p = decodeFrame(f);
    if (typeof p !== 'string') {
      count.packets++;
      if (stage === 'decode') checksum = (checksum + p.seq) | 0; // reads the packet, as the tracker would
      else tracker.packet(p, at);
    }
    if (++frames % SWEEP_EVERY_FRAMES === 0 && stage !== 'decode') tracker.sweep(at);
  });
  try {
    tracker.finishAll();
  } finally {
    files.close();
  }
  if (errors.length) throw new Error(errors[0]!.message);
  if (checksum === 0.5) count.packets = -1; // (never: keeps the decode stage's reads from being optimised away)
  return count;
}

const DROPPING_SINK: StreamSink = { data() {}, gap() {} };
const DROPPING_LISTENER = { client: DROPPING_SINK, server: DROPPING_SINK };
