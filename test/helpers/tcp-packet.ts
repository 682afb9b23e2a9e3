// A TCP packet made by hand for tests that drive a HalfStream directly (client 198.18.0.1:40000 → server :25), and the
// facts of an ACK packet from the peer.
import { ACK, PSH, type TcpPacket } from '../../src/decode/packet.js';
import type { PacketFact } from '../../src/tcp/facts.js';

export function clientPacket(seq: number, payload: Buffer, flags = ACK | PSH): TcpPacket {
  return {
    input: 0, frame: 0, sec: 0, nsec: 0, ipVersion: 4, src: '198.18.0.1', dst: '198.18.0.2', ttl: 64, ipId: 1,
    dontFragment: true, srcPort: 40000, dstPort: 25, seq, ack: 0, flags, window: 1000,
    options: Buffer.alloc(0), payload, payloadLength: payload.length,
  };
}

/** The facts of a pure ACK seen at `at`, for HalfStream.acknowledged. */
export function ackFact(at: number): PacketFact {
  return { at, frame: 0, input: 0, kind: 'ack', ttl: 64, ipId: 1, dontFragment: true, window: 1, tsVal: null, optionLayout: '', offset: 0, length: 0, ackOffset: null };
}
