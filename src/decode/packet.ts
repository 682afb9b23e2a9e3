/** TCP flag bits (RFC 9293 §3.1). */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** One decoded IP+TCP packet: the facts every later stage reads. Payload is a view into the frame: copy to keep. */
export interface TcpPacket {
  input: number;
  frame: number;
  sec: number;
  nsec: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  /** TTL (IPv4) or hop limit (IPv6). */
  ttl: number;
  /** IPv4 identification; null for IPv6 (no such field outside fragments). */
  ipId: number | null;
  dontFragment: boolean;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** Raw TCP option bytes (view). */
  options: Buffer;
  /** Captured payload bytes (may be shorter than payloadLength when the snaplen cut the frame). */
  payload: Buffer;
  /** Payload length according to the IP header: what was on the wire. */
  payloadLength: number;
  /** The connection-table key: the same for both directions of one 4-tuple (see flow-key.ts). Set by the decoder;
   * packets made by hand may leave it out. */
  flowKey?: string;
}

/** Why a frame did not become a TcpPacket; counted per input so that nothing vanishes unaccounted. */
export type SkipReason =
  | 'not-ip'
  | 'not-tcp'
  | 'unsupported-link'
  | 'malformed'
  | 'ip-fragment'
  | 'snaplen-headers';
