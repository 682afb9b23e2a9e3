import type { Instant } from '../tcp/facts.js';
import type { StreamSink } from '../tcp/half-stream.js';
import { AnomalyLog } from './anomaly-log.js';
import { BodyScanner } from './body-scanner.js';
import { isKnownVerb, parseCommandLine, pathArgument } from './commands.js';
import { LineFramer, type Line, type LineReader } from './line-framer.js';
import type { Command, Reply, SmtpAnomaly, Transaction } from './model.js';
import { ReplyAssembler, type ReplyListener } from './reply-assembler.js';
import { settleOutcome } from './transaction-outcome.js';
import { looksLikeSocks5Greeting, Socks5Side } from './socks5.js';

export interface SessionLimits {
  /** Characters of a line kept (RFC 5321 §4.5.3.1: command lines 512, text lines 1000); longer lines are cut. */
  maxLineChars: number;
  /** Commands awaiting a reply before the queue is declared runaway (Zeek uses 1000). */
  maxPendingCommands: number;
  /** Client bytes held while waiting for the reply to DATA/STARTTLS/AUTH. */
  maxHeldBytes: number;
  /** Commands kept per connection; later ones are counted only. */
  maxCommands: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxLineChars: 4096,
  maxPendingCommands: 1000,
  maxHeldBytes: 1 << 20,
  maxCommands: 100_000,
};

type ClientMode = 'command' | 'body' | 'bdat' | 'auth-response' | 'tls-pending' | 'encrypted';

interface Held {
  bytes: Buffer | null;
  offset: number;
  length: number;
  at: Instant;
}

/** One SMTP dialogue rebuilt from the two reassembled streams. Replies are matched to commands by order (RFC 2920:
 * the server answers pipelined commands in the order sent); the client side pauses after DATA, STARTTLS and AUTH until
 * their reply says how the next bytes are to be read (354: body; 5xx: commands again; 220 to STARTTLS: TLS). */
export class SmtpSession {
  banner: Reply | null = null;
  readonly commands: Command[] = [];
  /** Made on the first MAIL with exactly that one (a first push into [] reserves 17 slots; most sessions have one). */
  transactions: Transaction[] = NO_TRANSACTIONS;
  /** Bounded per kind (see AnomalyLog): a hostile dialogue cannot grow it without limit. */
  readonly anomalies: AnomalyLog = new AnomalyLog();
  /** Replies that arrived when no command was waiting (e.g. a 421 before closing). */
  readonly unsolicited: Reply[] = [];
  /** Set when STARTTLS succeeded (at the 220) or the connection opened with a TLS handshake (implicit TLS). */
  tls: { at: Instant; implicit: boolean } | null = null;
  commandsDropped = 0;
  /** Times the queue of commands awaiting replies passed maxPendingCommands and was cleared. */
  pendingOverflows = 0;

  /** The client stream's bytes and gaps go here, and its framer hands its lines back here. */
  readonly client: StreamSink & LineReader;
  /** The server stream's bytes and gaps go here, and the reply assembler hands its replies and anomalies back here. */
  readonly server: StreamSink & ReplyListener;

  private readonly awaiting: Command[] = [];
  private mode: ClientMode = 'command';
  private pausedFor: Command | null = null;
  private held: Held[] = [];
  private heldBytes = 0;
  private readonly clientLines: LineFramer;
  private readonly replies: ReplyAssembler;
  private body: BodyScanner | null = null;
  private bdatLeft = 0;
  private current: Transaction | null = null;
  private sawServerData = false;
  private sawClientData = false;
  private bannerSettled: boolean;
  private knownVerbs = 0;
  /** Whether client lines are known to be commands (false mid-stream and after a gap, until a verb resynchronises). */
  private synchronized: boolean;
  /** Client lines skipped while not synchronised (probably body text). */
  unsynchronizedLines = 0;

  constructor(
    private readonly connectionStartSeen: boolean,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {
    this.bannerSettled = false;
    this.synchronized = connectionStartSeen;
    this.clientLines = new LineFramer(limits.maxLineChars);
    this.client = new SmtpSession.ClientSide(this);
    this.server = new SmtpSession.ServerSide(this);
    this.replies = new ReplyAssembler(limits.maxLineChars, this.server);
  }

  // The two sides as small objects, not as literals of closures: a session lives as long as its connection, and six
  // closures with their context were a good part of what it cost. `data` and `gap` are own properties holding shared
  // functions (not prototype methods): run-capture copies a session's sinks onto its lazy stand-ins with Object.assign,
  // which copies own properties only, `session` with them. Declared inside the class, so they may call its private
  // methods.
  private static readonly ClientSide = class implements StreamSink, LineReader {
    readonly data = SmtpSession.clientSideData;
    readonly gap = SmtpSession.clientSideGap;
    constructor(readonly session: SmtpSession) {}
    line(l: Line): boolean {
      return this.session.clientLine(l);
    }
  };

  private static clientSideData(this: { session: SmtpSession }, bytes: Buffer, start: number, end: number, offset: number, at: Instant): void {
    this.session.clientData(bytes, start, end, offset, at);
  }

  private static clientSideGap(this: { session: SmtpSession }, offset: number, length: number): void {
    this.session.clientGap(offset, length);
  }

  private static readonly ServerSide = class implements StreamSink, ReplyListener {
    readonly data = SmtpSession.serverSideData;
    readonly gap = SmtpSession.serverSideGap;
    constructor(readonly session: SmtpSession) {}
    reply(r: Reply): void {
      this.session.dispatch(r);
    }
    anomaly(a: SmtpAnomaly): void {
      this.session.anomalies.push(a);
    }
  };

  private static serverSideData(this: { session: SmtpSession }, bytes: Buffer, start: number, end: number, offset: number, at: Instant): void {
    this.session.serverData(bytes, start, end, offset, at);
  }

  private static serverSideGap(this: { session: SmtpSession }, offset: number, length: number): void {
    this.session.serverGap(offset, length);
  }

  /** Does this dialogue look like SMTP at all (a greeting, or replies answering known commands)? */
  looksLikeSmtp(): boolean {
    if (this.banner && this.banner.code >= 200 && this.banner.code < 600) return true;
    // Without any reply (one direction lost, or a capture cut before the answers), a run of SMTP verbs still says it.
    return (this.knownVerbs > 0 && this.commands.some((c) => c.reply !== null)) || this.knownVerbs >= 2;
  }

  /** A line the client left unfinished when the capture ended (e.g. a command cut by a middlebox). */
  unterminatedClientLine(): { offset: number; length: number; at: Instant; text: string } | null {
    if (!this.clientLines.hasPartial() || this.mode !== 'command') return null;
    return {
      offset: this.clientLines.partialOffset(),
      length: this.clientLines.partialLength(),
      at: this.clientLines.partialAt(),
      text: this.clientLines.partialText(),
    };
  }

  /** Lines longer than maxLineChars on each side (their text was cut to the limit; their length is still right). */
  overlongLines(): { client: number; server: number } {
    return { client: this.clientLines.overlongLines, server: this.replies.overlongLines };
  }

  /** Whether any line was longer than maxLineChars (overlongLines() without making its answer). */
  hasOverlongLines(): boolean {
    return this.clientLines.overlongLines + this.replies.overlongLines > 0;
  }

  /** Commands still waiting for a reply. */
  unanswered(): Command[] {
    return this.awaiting.slice();
  }

  finish(): void {
    // Bytes still held behind an unanswered DATA/STARTTLS/AUTH: a live server would read them as commands.
    if (this.pausedFor) {
      const waiting = this.pausedFor;
      const held = this.held;
      this.pausedFor = null;
      this.held = [];
      this.heldBytes = 0;
      // Unless they hold a whole message body ending in a lone "." (the 354 was not captured, or the client did not
      // wait for it): then they are that body.
      if (waiting.verb === 'DATA' && holdsBodyEnd(held)) this.startBody();
      for (const h of held) this.replay(h);
    }
    this.replies.flush();
    if (this.mode === 'tls-pending') this.tls = { at: this.tlsPendingAt, implicit: false };
    for (const t of this.transactions) settleOutcome(t);
    if (this.body && this.current) this.current.dataBytes = this.body.bytes;
  }

  // ---- client side ----

  // The TCP layer hands each delivery as bytes[start, end) of the frame's buffer, with `offset` the stream offset of
  // bytes[start]: no view is made for it. Below, `base` is the stream offset of bytes[0] (offset - start), so that
  // position i in the buffer is stream offset base + i, and `end` bounds every read.

  private clientData(bytes: Buffer, start: number, end: number, offset: number, at: Instant): void {
    if (!this.sawClientData) {
      this.sawClientData = true;
      if (looksLikeTlsHandshake(bytes, start, end) && !this.sawServerData) {
        this.tls = { at, implicit: true };
        this.mode = 'encrypted';
      } else if (!this.sawServerData && looksLikeSocks5Greeting(bytes.subarray(start, end))) {
        const shared = { method: 0 };
        this.socks = { client: new Socks5Side('client', shared), server: new Socks5Side('server', shared) };
        this.anomalies.push({ kind: 'socks5', offset, at, detail: 'the dialogue is relayed through a SOCKS5 proxy; its handshake is skipped' });
      }
    }
    let from = start;
    if (this.socks && !this.socks.client.done) from += this.socks.client.take(bytes.subarray(start, end));
    if (from < end) this.process(bytes, end, offset - start, at, from);
  }

  /** A SOCKS5 handshake in front of the dialogue (e.g. SMTP through a proxy on port 1080). */
  private socks: { client: Socks5Side; server: Socks5Side } | null = null;

  /** Reads client bytes[from, end), where bytes[0] is at stream offset `base`. */
  private process(bytes: Buffer, end: number, base: number, at: Instant, from: number): void {
    let pos = from;
    while (pos < end) {
      if (this.mode === 'encrypted') return;
      if (this.mode === 'tls-pending') {
        this.tlsOrPlaintext(bytes.subarray(pos, end), at);
        continue;
      }
      if (this.pausedFor) {
        this.hold({ bytes: Buffer.from(bytes.subarray(pos, end)), offset: base + pos, length: end - pos, at });
        return;
      }
      if (this.mode === 'body') {
        const after = this.body!.scan(bytes, pos, end);
        if (after < 0) return;
        this.endOfBody(base + after - 3, at);
        pos = after;
      } else if (this.mode === 'bdat') {
        const take = Math.min(this.bdatLeft, end - pos);
        this.bdatLeft -= take;
        pos += take;
        if (this.bdatLeft === 0) this.mode = 'command';
      } else {
        pos = this.clientLines.push(bytes, base, at, this.client, pos, end);
      }
    }
  }

  private hold(h: Held): void {
    if (this.heldBytes + h.length > this.limits.maxHeldBytes) {
      // The client keeps sending without waiting (pipelining abuse): stop waiting and read on optimistically.
      this.anomalies.push({ kind: 'held-bytes-limit', offset: h.offset, at: h.at, detail: `more than ${this.limits.maxHeldBytes} bytes sent before the reply to ${this.pausedFor!.verb}; read on as if it had been accepted` });
      const waiting = this.pausedFor!;
      this.pausedFor = null;
      if (waiting.verb === 'DATA') this.startBody();
      const held = this.held;
      this.held = [];
      this.heldBytes = 0;
      for (const x of held) this.replay(x);
      this.replay(h);
      return;
    }
    this.held.push(h);
    this.heldBytes += h.length;
  }

  private replay(h: Held): void {
    if (h.bytes) this.process(h.bytes, h.bytes.length, h.offset, h.at, 0);
    else this.clientGap(h.offset, h.length);
  }

  private resume(): void {
    this.pausedFor = null;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const h of held) {
      if (this.pausedFor) {
        this.held.push(h);
        this.heldBytes += h.length;
      } else this.replay(h);
    }
  }

  /** Returns false when the bytes after this line must not be read as lines (body, chunk, paused). */
  private clientLine(line: Line): boolean {
    if (this.mode === 'auth-response') {
      // An AUTH continuation (RFC 4954 §4): a credential. Only its length is kept, never its text.
      this.mode = 'command';
      const auth = this.awaiting[0];
      if (auth) this.pausedFor = auth;
      return false;
    }
    if (this.looksLikeCredential(line)) {
      // Right after AUTH, a bare base64 line is a credential even where no 334 was seen (reply lost, or the server
      // never answered): never let it through as a "command".
      this.hiddenCredentialLines++;
      return true;
    }
    const { verb, argument } = parseCommandLine(line);
    if (!this.synchronized) {
      // After a gap, or when the capture began mid-connection, we do not know whether these lines are commands or a
      // message body: take only an upper-case SMTP verb as a command, and a lone "." as the end of a body.
      if (line.end - line.start === 1 && line.charAt(0) === 0x2e) {
        this.endOfBody(line.offset, line.at, line.length);
        return true;
      }
      if (!isKnownVerb(verb) || !line.text().startsWith(verb)) {
        this.unsynchronizedLines++;
        return true;
      }
      this.synchronized = true;
    }
    if (isKnownVerb(verb)) this.knownVerbs++;
    const cmd: Command = { kind: 'command', verb, argument, offset: line.offset, length: line.length, at: line.at, reply: null, interim: NO_INTERIM_REPLIES };
    if (verb === 'AUTH') cmd.argument = argument.split(' ')[0] ?? '';
    if (line.bareLf) this.anomalies.push({ kind: 'bare-lf', offset: line.offset, at: line.at, detail: `${verb} line ended with a bare LF` });
    if (line.overlong) this.anomalies.push({ kind: 'overlong-line', offset: line.offset, at: line.at, detail: `client line of ${line.length} bytes (RFC 5321 allows 512)` });
    const kept = this.addCommand(cmd);
    switch (verb) {
      case 'MAIL':
        // Past the command limit, transactions and recipients are counted only (a million RCPTs cost no memory).
        this.current = kept ? newTransaction(cmd) : null;
        if (this.current) {
          if (this.transactions === NO_TRANSACTIONS) this.transactions = [this.current];
          else this.transactions.push(this.current);
        }
        return true;
      case 'RCPT':
        if (kept && this.current) {
          const rcpt = { address: pathArgument(argument), command: cmd };
          // The first recipient makes a list of one (a push into [] would reserve 17 slots for the transaction's life).
          if (this.current.rcpts.length === 0) this.current.rcpts = [rcpt];
          else this.current.rcpts.push(rcpt);
        }
        return true;
      case 'RSET':
        this.current = null;
        return true;
      case 'DATA':
        if (this.current) this.current.data = cmd;
        this.pausedFor = cmd;
        return false;
      case 'BDAT':
        return this.bdat(cmd, argument);
      case 'STARTTLS':
      case 'AUTH':
        this.pausedFor = cmd;
        return false;
      default:
        return true;
    }
  }

  private bdat(cmd: Command, argument: string): boolean {
    const m = /^(\d+)(\s+LAST)?\s*$/i.exec(argument.trim());
    cmd.kind = 'bdat';
    if (!m) {
      this.anomalies.push({ kind: 'invalid-bdat', offset: cmd.offset, at: cmd.at, detail: `BDAT argument "${argument.slice(0, 40)}" is not a size` });
      return true;
    }
    const size = Number(m[1]);
    cmd.bodyBytes = size;
    if (this.current) {
      if (!this.current.data) this.current.data = cmd;
      this.current.dataBytes += size;
      if (m[2]) this.current.end = cmd;
    }
    if (size > 0) {
      this.mode = 'bdat';
      this.bdatLeft = size;
      return false;
    }
    return true;
  }

  /** Returns whether the command was kept (false past maxCommands: counted in commandsDropped). */
  private addCommand(cmd: Command): boolean {
    const kept = this.commands.length < this.limits.maxCommands;
    if (kept) this.commands.push(cmd);
    else this.commandsDropped++;
    if (this.awaiting.length >= this.limits.maxPendingCommands) {
      this.pendingOverflows++;
      this.anomalies.push({ kind: 'excessive-pending-commands', offset: cmd.offset, at: cmd.at, detail: `${this.awaiting.length} commands awaiting replies; the queue was cleared` });
      this.awaiting.length = 0;
    }
    this.awaiting.push(cmd);
    return kept;
  }

  private startBody(): void {
    this.mode = 'body';
    this.body = new BodyScanner();
  }

  private endOfBody(offset: number, at: Instant, length = 3): void {
    const bytes = this.body?.bytes ?? 0;
    const end: Command = { kind: 'end-of-data', verb: '.', argument: '', offset, length, at, reply: null, interim: NO_INTERIM_REPLIES, bodyBytes: bytes };
    if (this.current && this.body) {
      this.current.end = end;
      this.current.dataBytes = bytes;
      const h = this.body.headers();
      this.current.messageId = h.messageId;
      this.current.subject = h.subject;
    }
    this.body?.release();
    this.body = null;
    this.mode = 'command';
    this.addCommand(end);
  }

  private clientGap(offset: number, length: number): void {
    if (this.pausedFor) {
      this.held.push({ bytes: null, offset, length, at: 0 });
      return;
    }
    if (this.mode === 'body') this.body!.gap(length);
    else if (this.mode === 'bdat') {
      const take = Math.min(this.bdatLeft, length);
      this.bdatLeft -= take;
      if (this.bdatLeft === 0) this.mode = 'command';
      if (take < length) this.commandGap(offset + take, length - take);
    } else if (this.mode !== 'encrypted') this.commandGap(offset, length);
  }

  private commandGap(offset: number, length: number): void {
    this.clientLines.reset();
    this.synchronized = false;
    this.anomalies.push({ kind: 'client-gap', offset, at: 0, detail: `${length} bytes of client commands missing from the capture` });
  }

  // ---- server side ----

  private serverData(bytes: Buffer, start: number, end: number, offset: number, at: Instant): void {
    if (!this.sawServerData && this.tls?.implicit && looksLikeReplyStart(bytes.subarray(start, end))) {
      // The client opened with TLS (implicit TLS, port 465) and the server answered in plaintext SMTP.
      this.serverSpeaksPlaintext = true;
      this.anomalies.push({ kind: 'tls-mismatch', offset, at, detail: 'the client opened with a TLS handshake (implicit TLS, as on port 465) but the server answered in plaintext SMTP: one side is configured for the wrong mode' });
    }
    if (this.mode === 'encrypted' && this.tls && !this.serverSpeaksPlaintext) return;
    if (!this.sawServerData) {
      this.sawServerData = true;
      if (looksLikeTlsHandshake(bytes, start, end) && !this.banner) {
        this.tls = { at, implicit: true };
        this.mode = 'encrypted';
        return;
      }
    }
    if (this.socks && !this.socks.server.done) {
      const used = this.socks.server.take(bytes.subarray(start, end));
      if (start + used >= end) return;
      this.replies.push(bytes, offset - start, at, start + used, end);
      return;
    }
    this.replies.push(bytes, offset - start, at, start, end);
  }

  private serverGap(offset: number, length: number): void {
    if (this.tls) return;
    this.replies.gap();
    // Replies to the commands waiting now may be in the missing bytes: we cannot tell which, so none of them is paired
    // with a later reply (as Zeek does after a content gap) and none is called unanswered.
    for (const c of this.awaiting) c.replyLost = true;
    this.awaiting.length = 0;
    if (this.pausedFor) {
      this.synchronized = false;
      this.resume();
    }
    this.anomalies.push({ kind: 'server-gap', offset, at: 0, detail: `${length} bytes of server replies missing from the capture` });
  }

  /** Order-based matching assumes the server saw every command. A reply that only one verb can get says otherwise:
   * skip the commands before that verb (they stay unanswered) and note it. */
  private realign(reply: Reply): void {
    const verb = ONLY_ANSWERS[reply.code];
    if (!verb || !this.awaiting.length || this.awaiting[0]!.verb === verb) return;
    this.skipUntil(verb, reply);
  }

  /** The realignment itself, apart: its closures would otherwise make a context on every reply. */
  private skipUntil(verb: string, reply: Reply): void {
    let idx = this.awaiting.findIndex((c) => c.verb === verb);
    if (idx < 0 && this.pausedFor) {
      // The server answered something after the command we paused on, so it never switched modes: read on as commands.
      this.resume();
      idx = this.awaiting.findIndex((c) => c.verb === verb);
    }
    if (idx <= 0) return;
    const skipped = this.awaiting.splice(0, idx);
    this.skipped.push(...skipped);
    const first = skipped[0]!;
    this.anomalies.push({
      kind: 'commands-skipped-by-reply',
      offset: first.offset,
      at: reply.at,
      detail: `${reply.code} answers ${verb}, so the ${skipped.length} command(s) before it (${skipped.map((c) => c.verb).join(', ')}) got no reply: the server most likely never received them`,
    });
  }

  /** Client lines taken for AUTH credentials without a 334 before them (kept out of every report). */
  hiddenCredentialLines = 0;

  private looksLikeCredential(line: Line): boolean {
    const last = this.commands[this.commands.length - 1];
    if (!last || last.verb !== 'AUTH') return false;
    // RFC 4954 §4: continuations are base64 (or "*" to cancel); a command has a verb and usually a space.
    const text = line.text();
    return text === '*' || (BASE64_LINE.test(text) && !isKnownVerb(text.toUpperCase()));
  }

  /** Set when the client's TLS handshake was answered by a plaintext server (see serverData). */
  serverSpeaksPlaintext = false;
  /** The dialogue went on in plaintext after a 220 to STARTTLS (a decrypted capture). */
  plaintextAfterStarttls = false;
  private tlsPendingAt: Instant = 0;

  /** First client bytes after a 220 to STARTTLS: a TLS record (encrypted from here) or plaintext commands. */
  private tlsOrPlaintext(bytes: Buffer, at: Instant): void {
    if (looksLikeTlsHandshake(bytes, 0, bytes.length)) {
      this.tls = { at: this.tlsPendingAt, implicit: false };
      this.mode = 'encrypted';
      this.held = [];
      return;
    }
    this.mode = 'command';
    this.plaintextAfterStarttls = true;
    this.anomalies.push({ kind: 'plaintext-after-starttls', offset: 0, at, detail: 'after the 220 to STARTTLS the dialogue goes on in plaintext: this capture was decrypted (or written by a TLS-inspecting device)' });
  }

  /** Commands a later reply proved were never answered (see realign). */
  readonly skipped: Command[] = [];

  private dispatch(reply: Reply): void {
    if (this.tls && !this.serverSpeaksPlaintext) return;
    if (!this.bannerSettled) {
      this.bannerSettled = true;
      const head = this.awaiting[0];
      // The first reply is the greeting when the connection's start was seen; mid-stream, only a 220 that is not
      // the answer to a STARTTLS is taken as one.
      if (this.connectionStartSeen || (reply.code === 220 && (!head || head.verb !== 'STARTTLS'))) {
        this.banner = reply;
        return;
      }
    }
    this.realign(reply);
    const head = this.awaiting[0];
    if (!head) {
      if (this.unsolicited.length < MAX_UNSOLICITED_KEPT) this.unsolicited.push(reply);
      this.anomalies.push({ kind: 'unsolicited-reply', offset: reply.offset, at: reply.at, detail: `${reply.code} with no command waiting` });
      return;
    }
    if (head.verb === 'AUTH' && reply.code === 334) {
      if (head.interim === NO_INTERIM_REPLIES) head.interim = [reply];
      else head.interim.push(reply);
      if (this.pausedFor === head) {
        this.pausedFor = null;
        this.mode = 'auth-response';
        this.resume();
      }
      return;
    }
    this.awaiting.shift();
    head.reply = reply;
    if (this.pausedFor !== head) return;
    if (head.verb === 'DATA' && reply.code === 354) this.startBody();
    if (head.verb === 'STARTTLS' && reply.code === 220) {
      // Normally TLS follows; a capture written by a TLS-inspecting device (or decrypted) shows plaintext instead.
      this.mode = 'tls-pending';
      this.tlsPendingAt = reply.at;
    }
    this.resume();
  }
}

/** The transactions of every session that has none: never pushed to. */
const NO_TRANSACTIONS: Transaction[] = [];

/** The interim replies of every command that has none (all but AUTH): shared, never pushed to (see dispatch). Not
 * frozen: measured, a frozen array here made the young objects of every session survive the scavenges (GC time ×2). */
const NO_INTERIM_REPLIES: Reply[] = [];

const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

/** Replies with no command waiting that are kept (the anomaly log still counts every one). */
const MAX_UNSOLICITED_KEPT = 1000;

/** Reply codes that answer only one kind of command (RFC 5321 §4.3.2, RFC 4954 §4): when one arrives and the oldest
 * waiting command cannot take it, the commands before the one that can were never answered — typically because the
 * server never received them. */
const ONLY_ANSWERS: Record<number, string> = { 221: 'QUIT', 354: 'DATA', 334: 'AUTH', 235: 'AUTH', 220: 'STARTTLS' };

function newTransaction(mail: Command): Transaction {
  return { mail, mailFrom: pathArgument(mail.argument), rcpts: [], data: null, end: null, dataBytes: 0, messageId: null, subject: null, outcome: 'incomplete' };
}

/** A TLS record header of type handshake (22) and version 3.x (RFC 8446 §5.1) at b[start, end). */
function looksLikeTlsHandshake(b: Buffer, start: number, end: number): boolean {
  return end - start >= 3 && b[start] === 0x16 && b[start + 1] === 0x03 && b[start + 2]! <= 0x04;
}

function looksLikeReplyStart(b: Buffer): boolean {
  return /^[2-5]\d\d[ \-\r]/.test(b.subarray(0, 4).toString('latin1'));
}

/** Do the held client bytes contain a line holding only "." (the end of a message body)? */
function holdsBodyEnd(held: { bytes: Buffer | null }[]): boolean {
  const text = Buffer.concat(held.map((h) => h.bytes ?? Buffer.alloc(0))).toString('latin1');
  return /(^|\n)\.\r?\n/.test(text);
}
