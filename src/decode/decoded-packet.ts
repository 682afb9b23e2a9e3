import type { TcpPacket } from './packet.js';

/** Shared by every packet without options or payload (a view of nothing; never written to). */
const EMPTY = Buffer.alloc(0);

/** A TcpPacket as the decoder fills it: every field set on each decode (one object shape), and the option and payload
 * bytes kept as ranges of the frame's buffer, `bytes`, turned into Buffer views only when someone reads `options` or
 * `payload` (a pure ACK then costs no view at all). The decoder refills one of these for every frame of a parser's
 * reused RecordFrame, so the same rule holds: valid only during the call it is handed to; copy what you keep. */
export class DecodedPacket implements TcpPacket {
  input = 0;
  frame = 0;
  sec = 0;
  nsec = 0;
  ipVersion: 4 | 6 = 4;
  src = '';
  dst = '';
  ttl = 0;
  ipId: number | null = null;
  dontFragment = false;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  payloadLength = 0;
  flowKey = '';
  /** The buffer holding the packet's headers and captured payload. */
  bytes: Buffer = EMPTY;
  optionsStart = 0;
  optionsEnd = 0;
  payloadStart = 0;
  payloadEnd = 0;
  private optionsView: Buffer | null = null;
  private payloadView: Buffer | null = null;

  get options(): Buffer {
    return (this.optionsView ??= this.optionsEnd > this.optionsStart ? this.bytes.subarray(this.optionsStart, this.optionsEnd) : EMPTY);
  }

  get payload(): Buffer {
    return (this.payloadView ??= this.payloadEnd > this.payloadStart ? this.bytes.subarray(this.payloadStart, this.payloadEnd) : EMPTY);
  }

  /** Points the packet at new bytes: the option range is bytes[optionsStart..payloadStart), the payload
   * bytes[payloadStart..payloadEnd). */
  setBytes(bytes: Buffer, optionsStart: number, payloadStart: number, payloadEnd: number): void {
    this.bytes = bytes;
    this.optionsStart = optionsStart;
    this.optionsEnd = payloadStart;
    this.payloadStart = payloadStart;
    this.payloadEnd = payloadEnd;
    this.optionsView = null;
    this.payloadView = null;
  }
}
