import { describe, expect, it } from 'vitest';
import { SYN } from '../src/decode/packet.js';
import type { PacketFact } from '../src/tcp/facts.js';
import { HalfStream } from '../src/tcp/half-stream.js';
import { clientPacket } from './helpers/tcp-packet.js';
import { PacketLog } from '../src/tcp/packet-log.js';

// The ACK columns share one pooled block (offsets, then the ACKing packet's index): across many growth steps every
// first acknowledgement must come back with its own offset and packet.

const ISN = 0xffff_ff00; // wraps
const LIMITS = { maxBufferedBytes: 1 << 20, maxPacketFacts: 1000 };

const packet = clientPacket;

function fact(at: number): PacketFact {
  return { at, frame: at, input: 0, kind: 'ack', ttl: 64, ipId: 1, dontFragment: true, window: 1, tsVal: null, optionLayout: '', offset: 0, length: 0, ackOffset: null };
}

describe('HalfStream ACK columns', () => {
  it('keeps every first acknowledgement across growth, from the log or as a fact', () => {
    const half = new HalfStream({ data() {}, gap() {} }, LIMITS);
    half.sent(packet(ISN, Buffer.alloc(0), SYN), 0);
    const peerLog = new PacketLog(150); // the peer's log keeps 150 packets; later ACKs are facts
    for (let i = 1; i <= 300; i++) half.sent(packet((ISN + 1 + (i - 1) * 10) >>> 0, Buffer.alloc(10, i)), i);
    for (let i = 1; i <= 300; i++) {
      const index = peerLog.add(1000 + i, 1000 + i, 0, 3, 64, i, true, 100, false, 0, 0, 0);
      half.acknowledgedBy((ISN + 1 + i * 10) >>> 0, peerLog, index, index < 0 ? fact(1000 + i) : null);
      half.acknowledgedBy((ISN + 1 + i * 10 - 5) >>> 0, peerLog, -1, fact(9)); // not an advance: ignored
    }
    expect(half.ackCount).toBe(300);
    const acks = half.acks;
    for (let i = 1; i <= 300; i++) {
      expect(acks[i - 1]!.offset).toBe(i * 10);
      expect(acks[i - 1]!.packet.at).toBe(1000 + i);
    }
    expect(half.firstAckCovering(1234)!.offset).toBe(1240);
    expect(half.firstAckCovering(3001)).toBeNull();
    half.release();
    expect(half.ackCount).toBe(0);
  });
});
