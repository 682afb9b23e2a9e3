/** Skips a SOCKS5 handshake (RFC 1928, with RFC 1929 username/password) in front of an SMTP dialogue: SMTP relayed
 * through a SOCKS proxy starts with these binary messages, and only then does the server's 220 come. One instance per
 * direction; `take` returns how many bytes of `bytes` belong to SOCKS (the rest is SMTP). */
export class Socks5Side {
  private buf: Buffer = Buffer.alloc(0);
  private step = 0;
  done = false;
  constructor(
    private readonly role: 'client' | 'server',
    private readonly shared: { method: number },
  ) {}

  take(bytes: Buffer): number {
    if (this.done) return 0;
    const before = this.buf.length;
    this.buf = before ? Buffer.concat([this.buf, bytes]) : bytes;
    let used = 0;
    for (;;) {
      const need = this.messageLength(this.buf.subarray(used));
      if (need === null || this.buf.length - used < need) break;
      this.consume(this.buf.subarray(used, used + need));
      used += need;
      if (this.done) break;
    }
    const fromThisChunk = Math.max(0, used - before);
    this.buf = Buffer.from(this.buf.subarray(used));
    if (this.done) this.buf = Buffer.alloc(0);
    return this.done ? fromThisChunk : bytes.length;
  }

  /** Length of the next SOCKS message in b, or null if more bytes are needed to tell. */
  private messageLength(b: Buffer): number | null {
    const client = this.role === 'client';
    const auth = this.shared.method === 2;
    if (client) {
      if (this.step === 0) return b.length >= 2 ? 2 + b[1]! : null; // VER NMETHODS METHODS
      if (this.step === 1 && auth) return b.length >= 2 && b.length >= 3 + b[1]! ? 3 + b[1]! + b[2 + b[1]!]! : null; // VER ULEN UNAME PLEN PASSWD
      return addressedLength(b); // VER CMD RSV ATYP ADDR PORT
    }
    if (this.step === 0) return 2; // VER METHOD
    if (this.step === 1 && auth) return 2; // VER STATUS
    return addressedLength(b); // VER REP RSV ATYP ADDR PORT
  }

  private consume(msg: Buffer): void {
    if (this.role === 'server' && this.step === 0) this.shared.method = msg[1]!;
    this.step++;
    const last = this.shared.method === 2 ? 2 : 1;
    if (this.step > last) this.done = true;
  }
}

function addressedLength(b: Buffer): number | null {
  if (b.length < 5) return null;
  const atyp = b[3];
  if (atyp === 1) return 10;
  if (atyp === 4) return 22;
  if (atyp === 3) return 7 + b[4]!;
  return 4; // unknown address type: give up on the rest
}

/** A SOCKS5 client greeting: version 5, 1–9 methods. SMTP clients never speak first, so this cannot be SMTP. */
export function looksLikeSocks5Greeting(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x05 && b[1]! >= 1 && b[1]! <= 9 && b.length >= 2 + b[1]! && b.length <= 2 + b[1]! + 64;
}
