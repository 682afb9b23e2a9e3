import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACK, FIN, PSH, RST, SYN, type TcpPacket } from '../src/decode/packet.js';
import type { StreamSink } from '../src/tcp/half-stream.js';
import { ConnectionTracker, DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from '../src/tcp/tracker.js';

// While packet times only grow, a sweep looks at the idle head of the activity list and at the closed connections that
// have lingered, not at every open connection. It must finish the same connections, for the same reasons, in the
// same order as the plain walk of every connection (which the tracker falls back to once a packet goes back in time).

const OPTIONS: TrackerOptions = { ...DEFAULT_TRACKER_OPTIONS, idleTimeoutNs: 400, emptyTimeoutNs: 150, lingerNs: 60, maxOpenConnections: 8 };
const nothing: StreamSink = { data() {}, gap() {} };
const payload = Buffer.from('MAIL FROM:<a@b>\r\n');

const step = fc.record({
  client: fc.nat(11),
  fromServer: fc.boolean(),
  kind: fc.constantFrom('syn', 'syn-ack', 'data', 'ack', 'fin', 'rst'),
  wait: fc.oneof(fc.nat(5), fc.nat(200)),
  sweep: fc.boolean(),
});

function packet(client: number, fromServer: boolean, kind: string, seq: number): TcpPacket {
  const flags = { syn: SYN, 'syn-ack': SYN | ACK, data: ACK | PSH, ack: ACK, fin: FIN | ACK, rst: RST }[kind]!;
  const data = kind === 'data' ? payload : Buffer.alloc(0);
  const c = { ip: `198.18.0.${client + 1}`, port: 40000 };
  const s = { ip: '198.19.0.1', port: 25 };
  const [src, dst] = fromServer ? [s, c] : [c, s];
  return {
    input: 0, frame: 0, sec: 0, nsec: 0, ipVersion: 4, src: src.ip, dst: dst.ip, ttl: 64, ipId: 1, dontFragment: true,
    srcPort: src.port, dstPort: dst.port, seq, ack: 5000, flags, window: 1000, options: Buffer.alloc(0), payload: data,
    payloadLength: data.length,
  };
}

function run(steps: { client: number; fromServer: boolean; kind: string; wait: number; sweep: boolean }[], plainWalk: boolean): string[] {
  const finished: string[] = [];
  const tracker = new ConnectionTracker({ listenerFor: () => ({ client: nothing, server: nothing }), finished: (c, why) => finished.push(`${c.id}:${why}`) }, OPTIONS);
  if (plainWalk) (tracker as unknown as { timesInOrder: boolean }).timesInOrder = false;
  let at = 0;
  steps.forEach((s, n) => {
    at += s.wait;
    tracker.packet(packet(s.client, s.fromServer, s.kind, 1000 + n * 20), at);
    if (s.sweep) tracker.sweep(at);
  });
  tracker.sweep(at + 100);
  tracker.finishAll();
  return finished;
}

describe('sweep', () => {
  it('finishes what the plain walk of every connection finishes, in its order', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        expect(run(steps, false)).toEqual(run(steps, true));
      }),
      { numRuns: 500 },
    );
  });
});
