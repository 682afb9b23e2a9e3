import { describe, expect, it } from 'vitest';
import { ACK, FIN, SYN } from '../src/decode/packet.js';
import { HalfStream } from '../src/tcp/half-stream.js';
import { ackFact, clientPacket } from './helpers/tcp-packet.js';

// The copy of the last bytes sent, kept to compare retransmissions with the first copy, is given back once the peer
// has acknowledged everything the side sent, FIN included: a connection that lingers after its close then holds no
// ring. Until then a retransmission is compared as always.

const ISN = 1000;
const LIMITS = { maxBufferedBytes: 1 << 20, maxPacketFacts: 1000 };

const packet = clientPacket;

function stream(): { half: HalfStream; delivered: Buffer[] } {
  const delivered: Buffer[] = [];
  const half = new HalfStream({ data: (b, start, end) => delivered.push(Buffer.from(b.subarray(start, end))), gap() {} }, LIMITS);
  half.sent(packet(ISN, Buffer.alloc(0), SYN), 0);
  return { half, delivered };
}

const first = Buffer.from('MAIL FROM:<a@example.org>\r\n');
const forged = Buffer.from('MAIL FROM:<z@example.org>\r\n');

describe('retransmission copy', () => {
  it('compares a retransmission sent before the FIN is acknowledged, even after the FIN', () => {
    const { half, delivered } = stream();
    half.sent(packet(ISN + 1, first), 1);
    half.sent(packet(ISN + 1 + first.length, Buffer.alloc(0), ACK | FIN), 2);
    half.acknowledged(ISN + 1 + first.length, ackFact(3)); // the data, not the FIN
    expect(half.retransmitCopyBytes).toBeGreaterThan(0);
    half.sent(packet(ISN + 1, forged), 4);
    expect(half.inconsistentRetransmissions).toBe(1);
    expect(half.firstInconsistency).toEqual({ offset: 11, at: 4 });
    expect(Buffer.concat(delivered).toString()).toBe(first.toString()); // the first copy stands
  });

  it('gives the copy back once the FIN is acknowledged; later bytes are delivered and remembered afresh', () => {
    const { half, delivered } = stream();
    half.sent(packet(ISN + 1, first), 1);
    half.sent(packet(ISN + 1 + first.length, Buffer.alloc(0), ACK | FIN), 2);
    expect(half.retransmitCopyBytes).toBeGreaterThan(0);
    half.acknowledged(ISN + 2 + first.length, ackFact(3)); // FIN included
    expect(half.retransmitCopyBytes).toBe(0);
    // A retransmission of acknowledged bytes after that: the first copy still stands, nothing breaks.
    half.sent(packet(ISN + 1, first), 4);
    expect(half.retransmittedSegments).toBe(1);
    expect(half.inconsistentRetransmissions).toBe(0);
    expect(Buffer.concat(delivered).toString()).toBe(first.toString());
    half.finish();
    expect(half.retransmitCopyBytes).toBe(0);
  });

  it('keeps the copy while only data (not the FIN) is acknowledged', () => {
    const { half } = stream();
    half.sent(packet(ISN + 1, first), 1);
    half.acknowledged(ISN + 1 + first.length, ackFact(2));
    expect(half.retransmitCopyBytes).toBeGreaterThan(0);
    half.finish();
    expect(half.retransmitCopyBytes).toBe(0);
  });
});
