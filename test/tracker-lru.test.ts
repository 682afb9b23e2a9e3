import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACK, type TcpPacket } from '../src/decode/packet.js';
import type { StreamSink } from '../src/tcp/half-stream.js';
import { ConnectionTracker, DEFAULT_TRACKER_OPTIONS } from '../src/tcp/tracker.js';

// Past --max-connections the tracker finishes the least recently active connection. It no longer re-inserts a
// connection into its table on every packet (it records a touch count and requeues lazily at eviction time), so the
// choice is checked here against the plain rule: the connection whose last packet is the oldest goes first.

function packet(client: number, flags: number): TcpPacket {
  return {
    input: 0, frame: 0, sec: 0, nsec: 0, ipVersion: 4, src: `198.18.0.${client + 1}`, dst: '198.19.0.1', ttl: 64, ipId: 1,
    dontFragment: true, srcPort: 40000, dstPort: 25, seq: 1000, ack: 0, flags, window: 1000,
    options: Buffer.alloc(0), payload: Buffer.alloc(0), payloadLength: 0,
  };
}

const nothing: StreamSink = { data() {}, gap() {} };

describe('eviction past the connection limit', () => {
  it('always finishes the connection whose last packet is the oldest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 11 }), { minLength: 1, maxLength: 300 }), (limit, clients) => {
        const evicted: string[] = [];
        const tracker = new ConnectionTracker(
          {
            listenerFor: () => ({ client: nothing, server: nothing }),
            finished: (c, why) => {
              if (why === 'evicted') evicted.push(c.client.ip);
            },
          },
          { ...DEFAULT_TRACKER_OPTIONS, maxOpenConnections: limit },
        );
        // The rule, plainly: open connections with the packet count of their last packet.
        const open = new Map<string, number>();
        const expected: string[] = [];
        clients.forEach((client, n) => {
          const ip = `198.18.0.${client + 1}`;
          if (!open.has(ip)) {
            if (open.size >= limit) {
              const [oldest] = [...open].sort((a, b) => a[1] - b[1])[0]!;
              open.delete(oldest);
              expected.push(oldest);
            }
          }
          open.set(ip, n);
          tracker.packet(packet(client, ACK), n);
        });
        expect(evicted).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
