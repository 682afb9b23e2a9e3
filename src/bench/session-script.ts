import { Conversation } from '../synth/index.js';
import type { BodyText } from './body-text.js';
import type { Prng } from './prng.js';

/** The kinds of SMTP sessions in the benchmark capture, with their share of all sessions. Most mail goes through;
 * a few sessions show each problem the tool diagnoses. */
export const SESSION_MIX = [
  ['pipelined', 0.5],
  ['plain', 0.12],
  ['two-messages', 0.08],
  ['rejected-rcpt', 0.06],
  ['bdat', 0.06],
  ['starttls', 0.12],
  ['slow-server', 0.03],
  ['server-stall', 0.015],
  ['forged-ack', 0.015],
] as const;

export type SessionKind = (typeof SESSION_MIX)[number][0];

export interface SessionPlan {
  id: number;
  kind: SessionKind;
  startNs: bigint;
  clientIp: string;
  serverIp: string;
  clientPort: number;
}

const MS = 1_000_000;
const US = 1_000;
/** Body segments are sent this many at a time before the receiver's ACK (delayed ACK: every second segment). */
const SEGMENTS_PER_ACK = 2;
const MSS = 1448;

export function pickKind(rng: Prng): SessionKind {
  let x = rng.next();
  for (const [kind, share] of SESSION_MIX) {
    if (x < share) return kind;
    x -= share;
  }
  return 'pipelined';
}

/** Message size: log-normal around 12 KB with a long tail (a few MB), as on a typical relay. */
function messageBytes(rng: Prng): number {
  const normal = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.min(6_000_000, Math.max(300, Math.round(12_000 * Math.exp(1.5 * normal))));
}

/** Scripts one whole SMTP session (handshake to close) as a Conversation. */
export function scriptSession(plan: SessionPlan, rng: Prng, text: BodyText): Conversation {
  const rttNs = rng.int(2, 80) * MS;
  const c = new Conversation({
    client: { ip: plan.clientIp, port: plan.clientPort, isn: rng.int(0, 0xffffffff), ipIdStart: rng.int(0, 0xffff), mss: MSS },
    server: { ip: plan.serverIp, port: 25, ttl: 52, isn: rng.int(0, 0xffffffff), ipIdStart: rng.int(0, 0xffff), mss: MSS },
    startNs: plan.startNs,
  });
  const s = new SessionSteps(c, rng, text, rttNs, plan);
  s.handshakeAndBanner();
  switch (plan.kind) {
    case 'pipelined':
      s.ehlo();
      s.pipelinedMessage();
      s.quit();
      break;
    case 'plain':
      s.ehlo('HELO');
      s.plainMessage();
      s.quit();
      break;
    case 'two-messages':
      s.ehlo();
      s.pipelinedMessage();
      s.pipelinedMessage();
      s.quit();
      break;
    case 'rejected-rcpt':
      s.ehlo();
      s.pipelinedMessage({ rejectRcpt: true });
      s.quit();
      break;
    case 'bdat':
      s.ehlo();
      s.bdatMessage();
      s.quit();
      break;
    case 'starttls':
      s.ehlo();
      s.startTls();
      break;
    case 'slow-server':
      s.ehlo();
      s.pipelinedMessage({ replyDelayNs: rng.int(3_000, 20_000) * MS });
      s.quit();
      break;
    case 'server-stall':
      s.ehlo();
      s.stalledEnvelope(false);
      break;
    case 'forged-ack':
      s.ehlo();
      s.stalledEnvelope(true);
      break;
  }
  return c;
}

class SessionSteps {
  private messages = 0;

  constructor(
    private readonly c: Conversation,
    private readonly rng: Prng,
    private readonly text: BodyText,
    private readonly rttNs: number,
    private readonly plan: SessionPlan,
  ) {}

  /** Client-side vantage: a reply arrives one RTT plus the server's think time after the request. */
  private replyAfter(thinkNs = this.rng.int(200, 3_000) * US): number {
    return this.rttNs + thinkNs;
  }

  private server(line: string | Buffer, afterNs = this.replyAfter()): void {
    this.c.serverSends(line, { afterNs });
  }

  private client(line: string | Buffer, afterNs = this.rng.int(50, 400) * US): void {
    this.c.clientSends(line, { afterNs });
  }

  handshakeAndBanner(): void {
    this.c.handshake({ rttNs: this.rttNs });
    this.server('220 mx.server.example ESMTP Postfix\r\n', this.rttNs / 2 + this.rng.int(1, 30) * MS);
    this.c.clientAcks({ afterNs: 40 * US });
  }

  ehlo(verb = 'EHLO'): void {
    this.client(`${verb} client${this.plan.id % 311}.client.example\r\n`);
    this.server(
      verb === 'HELO'
        ? '250 mx.server.example\r\n'
        : '250-mx.server.example\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n' +
            '250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n',
    );
  }

  private envelope(rcpts: number): string[] {
    const id = this.plan.id;
    const lines = [`MAIL FROM:<sender${id % 997}@client.example> SIZE=${this.rng.int(1000, 900000)}\r\n`];
    for (let i = 0; i < rcpts; i++) lines.push(`RCPT TO:<user${(id * 7 + i) % 4999}@server.example>\r\n`);
    return lines;
  }

  /** MAIL, RCPT×n and DATA in one segment; the replies come back together (RFC 2920). */
  pipelinedMessage(o: { rejectRcpt?: boolean; replyDelayNs?: number } = {}): void {
    const rcpts = this.rng.chance(0.7) ? 1 : this.rng.int(2, 12);
    const envelope = this.envelope(rcpts);
    this.client(envelope.join('') + 'DATA\r\n');
    const rejected = o.rejectRcpt ? this.rng.int(1, rcpts) : -1;
    const replies = ['250 2.1.0 Ok\r\n'];
    for (let i = 1; i <= rcpts; i++) replies.push(i === rejected ? '550 5.1.1 <user@server.example>: Recipient address rejected: User unknown\r\n' : '250 2.1.5 Ok\r\n');
    const accepted = rcpts > 1 || rejected < 0;
    replies.push(accepted ? '354 End data with <CR><LF>.<CR><LF>\r\n' : '554 5.5.1 Error: no valid recipients\r\n');
    this.server(replies.join(''), this.replyAfter(o.replyDelayNs));
    if (!accepted) return;
    this.body(this.text.message(this.plan.id * 4 + this.messages++, messageBytes(this.rng), this.rng));
    this.server(`250 2.0.0 Ok: queued as ${(this.plan.id * 31 + this.messages).toString(16).toUpperCase()}\r\n`, this.replyAfter(o.replyDelayNs));
  }

  /** One command, one reply: no PIPELINING. */
  plainMessage(): void {
    const envelope = this.envelope(this.rng.int(1, 3));
    for (const line of envelope) {
      this.client(line);
      this.server(line.startsWith('MAIL') ? '250 2.1.0 Ok\r\n' : '250 2.1.5 Ok\r\n');
    }
    this.client('DATA\r\n');
    this.server('354 End data with <CR><LF>.<CR><LF>\r\n');
    this.body(this.text.message(this.plan.id * 4 + this.messages++, messageBytes(this.rng), this.rng));
    this.server('250 2.0.0 Ok: queued\r\n');
  }

  /** CHUNKING (RFC 3030): BDAT with the whole message as one LAST chunk, pipelined after the envelope. */
  bdatMessage(): void {
    const message = this.text.message(this.plan.id * 4 + this.messages++, messageBytes(this.rng), this.rng);
    message.pop(); // no "." terminator with BDAT
    const size = message.reduce((n, b) => n + b.length, 0);
    const envelope = this.envelope(this.rng.int(1, 4));
    this.client(envelope.join('') + `BDAT ${size} LAST\r\n`);
    this.body(message);
    this.server(envelope.map((l) => (l.startsWith('MAIL') ? '250 2.1.0 Ok\r\n' : '250 2.1.5 Ok\r\n')).join('') + '250 2.0.0 Ok: queued\r\n');
  }

  startTls(): void {
    this.client('STARTTLS\r\n');
    this.server('220 2.0.0 Ready to start TLS\r\n');
    // Handshake and the encrypted rest of the dialogue: opaque records both ways.
    this.client(this.text.opaque(512, this.rng, 'handshake'));
    this.server(this.text.opaque(this.rng.int(2_000, 5_000), this.rng, 'handshake'));
    this.body([this.text.opaque(messageBytes(this.rng), this.rng)]);
    this.server(this.text.opaque(this.rng.int(100, 400), this.rng));
    this.close();
  }

  /** The envelope is ACKed (by the server's kernel, or forged by a middlebox) and never answered; the client gives up. */
  stalledEnvelope(forged: boolean): void {
    const envelope = this.envelope(forged ? this.rng.int(12, 20) : this.rng.int(1, 5));
    this.client(envelope.join('') + 'DATA\r\n');
    if (forged) this.c.serverAcks({ afterNs: this.rng.int(100, 500) * US, ttl: 255, ipId: 0, timestamps: false });
    else this.c.serverAcks({ afterNs: this.rttNs });
    const timeout = BigInt(this.rng.int(20, 120)) * 1_000_000_000n;
    if (forged) this.c.rst('client', { afterNs: timeout });
    else {
      this.c.fin('client', { afterNs: timeout });
      this.c.serverAcks({ afterNs: this.rttNs });
    }
  }

  /** Bulk client data (a message body): MSS segments back to back, a server ACK every second segment. */
  private body(parts: Buffer[]): void {
    const chunkBytes = MSS * SEGMENTS_PER_ACK;
    let first = true;
    for (const part of parts) {
      for (let o = 0; o < part.length; o += chunkBytes) {
        const chunk = part.subarray(o, Math.min(part.length, o + chunkBytes));
        this.c.clientSends(chunk, { afterNs: first ? this.rng.int(50, 300) * US : 12 * US, gapNs: 12 * US });
        first = false;
        // An occasional retransmission of the segment just sent (lost past the capture point).
        if (this.rng.chance(0.002)) {
          const end = this.c.streamLength('client');
          this.c.retransmit('client', end - chunk.length, chunk.length, chunk, { afterNs: 3 * this.rttNs });
        }
        this.c.serverAcks({ afterNs: 30 * US });
      }
    }
  }

  quit(): void {
    this.client('QUIT\r\n');
    this.server('221 2.0.0 Bye\r\n');
    this.close();
  }

  private close(): void {
    this.c.fin('server', { afterNs: 30 * US });
    this.c.fin('client', { afterNs: this.rttNs / 2 });
    this.c.serverAcks({ afterNs: this.rttNs });
  }
}
