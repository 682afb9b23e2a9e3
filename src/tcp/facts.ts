/** Times are nanoseconds since the capture's first second (`Capture.baseSec`), as plain numbers: exact to the
 * nanosecond for 104 days after that, which covers any one connection. */
export type Instant = number;

export type PacketKind = 'syn' | 'syn-ack' | 'data' | 'ack' | 'fin' | 'rst';

/** What one packet tells about its sender: the fingerprint facts compared across a side's packets. */
export interface PacketFact {
  at: Instant;
  frame: number;
  input: number;
  kind: PacketKind;
  ttl: number;
  ipId: number | null;
  dontFragment: boolean;
  window: number;
  tsVal: number | null;
  optionLayout: string;
  /** Stream offset of the first byte (data, FIN) and payload length on the wire. */
  offset: number;
  length: number;
  /** For packets with ACK set: the offset in the *other* side's stream this packet acknowledges up to. */
  ackOffset: number | null;
}

/** A byte range of one side's stream, as first seen on the wire. */
export interface SentRange {
  start: number;
  end: number;
  firstSentAt: Instant;
  firstFrame: number;
  retransmissions: number;
  lastSentAt: Instant;
  flight: number;
}

/** The receiver acknowledged this side's stream up to `offset` (exclusive) for the first time. */
export interface AckAdvance {
  offset: number;
  packet: PacketFact;
}

export type GapReason = 'not-captured' | 'snaplen' | 'buffer-limit' | 'before-capture';

/** Bytes of a side's stream that the capture does not hold. */
export interface Gap {
  start: number;
  end: number;
  reason: GapReason;
  /** Whether the receiver acknowledged them (then the network delivered them: the capture missed them). */
  acked: boolean;
}

/** A run of bytes a side sent together before waiting for the peer (a new flight starts after the peer sends data or
 * after an idle pause). */
export interface Flight {
  index: number;
  start: number;
  end: number;
  firstAt: Instant;
  lastAt: Instant;
  segments: number;
}
