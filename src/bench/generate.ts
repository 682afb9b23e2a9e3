import { PcapWriter } from '../synth/index.js';
import { BodyText } from './body-text.js';
import { FileSink } from './file-sink.js';
import { FrameHeap } from './frame-heap.js';
import { Prng } from './prng.js';
import { pickKind, scriptSession, type SessionKind } from './session-script.js';

export interface GenerateOptions {
  /** Stop starting new sessions once the file holds this many bytes (the open ones still finish). */
  targetBytes: number;
  seed?: number;
  /** Mean time between session starts: with sessions of a few hundred ms, dozens are open at once. */
  meanArrivalNs?: number;
  /** Stop starting new sessions after this many (as well as at targetBytes). */
  sessions?: number;
  /** Every session of this kind, instead of the mix (SESSION_MIX). */
  kind?: SessionKind;
}

export interface GeneratedCapture {
  path: string;
  bytes: number;
  packets: number;
  sessions: number;
  kinds: Partial<Record<SessionKind, number>>;
  /** Most sessions interleaved at one moment. */
  maxConcurrent: number;
}

const START_NS = 1_710_234_847_000_000_000n;

/** Writes a deterministic capture of many interleaved SMTP sessions (clients 198.18.0.0/16 → servers 198.19.0.0/16)
 * to `path`, streaming: only the sessions open at a moment are in memory. */
export function generateCapture(path: string, o: GenerateOptions): GeneratedCapture {
  const rng = new Prng(o.seed ?? 0x5eed);
  const text = new BodyText(rng);
  const sink = new FileSink(path);
  const writer = new PcapWriter({ linkType: 1, sink: (b) => sink.write(b) });
  const heap = new FrameHeap();
  const kinds: Partial<Record<SessionKind, number>> = {};
  const meanArrival = o.meanArrivalNs ?? 4_000_000;
  let nextStart = START_NS;
  let sessions = 0;
  let maxConcurrent = 0;

  const startSession = () => {
    const id = sessions++;
    const kind = o.kind ?? pickKind(rng);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const plan = {
      id,
      kind,
      startNs: nextStart,
      clientIp: `198.18.${(id >> 8) & 0xff}.${(id & 0xff) || 1}`,
      serverIp: `198.19.${rng.int(0, 3)}.${rng.int(1, 40)}`,
      clientPort: 32768 + ((id * 7919) % 28000),
    };
    const frames = scriptSession(plan, rng, text).frames();
    const first = frames.next();
    if (!first.done) heap.push({ head: first.value, rest: frames, order: id });
    nextStart += BigInt(Math.max(1, Math.round(rng.exponential(meanArrival))));
    if (heap.size > maxConcurrent) maxConcurrent = heap.size;
  };

  for (;;) {
    const top = heap.peek();
    const starting = sink.written < o.targetBytes && sessions < (o.sessions ?? Infinity);
    if (starting && (!top || nextStart <= top.head.tsNs)) {
      startSession();
      continue;
    }
    if (!top) break;
    const f = heap.take();
    writer.addPacket(f.tsNs, f.data);
  }
  sink.close();
  return { path, bytes: sink.written, packets: writer.packets, sessions, kinds, maxConcurrent };
}
