import type { Prng } from './prng.js';

const LINE_CHARS = 76; // base64 and quoted-printable bodies wrap here (RFC 2045 §6.8)
const LINE_BYTES = LINE_CHARS + 2;
const POOL_LINES = 65_536; // 5 MB of distinct lines to cut bodies from

const MAX_TLS_RECORD = 16_384;
const CIPHER_POOL_BYTES = 256 * 1024;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Message bodies of any size, cut from one pool of base64-looking lines (no line starts with "." so no body ends
 * early). Bodies are views into the pool plus a small header block: making one costs no copy of its text. */
export class BodyText {
  private readonly pool: Buffer;
  /** Random bytes standing in for ciphertext. */
  private readonly cipher: Buffer;

  constructor(rng: Prng) {
    this.cipher = Buffer.allocUnsafe(CIPHER_POOL_BYTES);
    for (let i = 0; i < CIPHER_POOL_BYTES; i++) this.cipher[i] = rng.int(0, 255);
    this.pool = Buffer.allocUnsafe(POOL_LINES * LINE_BYTES);
    for (let l = 0; l < POOL_LINES; l++) {
      const o = l * LINE_BYTES;
      for (let i = 0; i < LINE_CHARS; i++) this.pool[o + i] = ALPHABET.charCodeAt(rng.int(0, 63));
      this.pool[o + LINE_CHARS] = 13;
      this.pool[o + LINE_CHARS + 1] = 10;
    }
  }

  /** The header block of message `id`, then about `bytes` bytes of body lines, then the "." terminator line. */
  message(id: number, bytes: number, rng: Prng): Buffer[] {
    const head = Buffer.from(
      `Message-ID: <bench.${id}@client.example>\r\nFrom: <sender${id % 997}@client.example>\r\n` +
        `To: <user${id % 4999}@server.example>\r\nSubject: benchmark message ${id}\r\n` +
        'MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      'latin1',
    );
    return [head, ...this.lines(bytes, rng), Buffer.from('.\r\n', 'latin1')];
  }

  /** About `bytes` bytes of whole lines (at least one), as views into the pool. */
  lines(bytes: number, rng: Prng): Buffer[] {
    const out: Buffer[] = [];
    let left = Math.max(1, Math.ceil(bytes / LINE_BYTES));
    while (left > 0) {
      const take = Math.min(left, POOL_LINES);
      const first = rng.int(0, POOL_LINES - take);
      out.push(this.pool.subarray(first * LINE_BYTES, (first + take) * LINE_BYTES));
      left -= take;
    }
    return out;
  }

  /** About `bytes` bytes of TLS 1.2 records (RFC 5246 §6.2: type, version 3.3, length, then ciphertext — here random
   * bytes), as after STARTTLS: `handshake` records (22) for the hello flights, application data (23) after. */
  opaque(bytes: number, rng: Prng, kind: 'handshake' | 'application' = 'application'): Buffer {
    const out = Buffer.allocUnsafe(bytes + 5 * Math.ceil(bytes / MAX_TLS_RECORD) + 5);
    let o = 0;
    let left = Math.max(1, bytes);
    while (left > 0) {
      const n = Math.min(left, MAX_TLS_RECORD);
      out[o] = kind === 'handshake' ? 22 : 23;
      out[o + 1] = 3;
      out[o + 2] = 3;
      out.writeUInt16BE(n, o + 3);
      const from = rng.int(0, this.cipher.length - n);
      this.cipher.copy(out, o + 5, from, from + n);
      o += 5 + n;
      left -= n;
    }
    return out.subarray(0, o);
  }
}
