import { SmtpSession, type SessionLimits } from '../smtp/session.js';
import type { ConnectionListener } from '../tcp/connection.js';
import type { GapReason, Instant } from '../tcp/facts.js';
import type { StreamSink } from '../tcp/half-stream.js';

/** What the analysis attaches to each connection: its SMTP session, made on the first byte of payload (a SYN flood's
 * half-open connections then cost only their TCP state), and the ordinal of the frame that opened it. Held by the
 * connection itself (its listener), so finishing one needs no lookup, and made of fields rather than closures. */
export class SessionSlot implements ConnectionListener {
  session: SmtpSession | null = null;
  /** Ordinal of the opening frame over the whole input (see RunSink). */
  openedAt = 0;
  readonly client: StreamSink;
  readonly server: StreamSink;

  constructor(
    private readonly startSeen: boolean,
    private readonly limits: SessionLimits,
  ) {
    this.client = new LazySink(this, true);
    this.server = new LazySink(this, false);
  }

  /** Makes the session on the first delivery. From then on its own sinks take over: their own properties (`data`,
   * `gap` and the `session` they call) are copied over the stand-ins' methods, so no extra hop per delivery. */
  open(): SmtpSession {
    const s = new SmtpSession(this.startSeen, this.limits);
    this.session = s;
    Object.assign(this.client, s.client);
    Object.assign(this.server, s.server);
    return s;
  }

  /** The session, or an empty one for a connection that never carried payload. */
  finalSession(): SmtpSession {
    return this.session ?? new SmtpSession(this.startSeen, this.limits);
  }
}

/** A direction's sink until the session exists: the first delivery makes it. */
class LazySink implements StreamSink {
  constructor(
    private readonly slot: SessionSlot,
    private readonly isClient: boolean,
  ) {}

  data(bytes: Buffer, start: number, end: number, offset: number, at: Instant): void {
    const s = this.slot.open();
    (this.isClient ? s.client : s.server).data(bytes, start, end, offset, at);
  }

  gap(offset: number, length: number, reason: GapReason): void {
    const s = this.slot.open();
    (this.isClient ? s.client : s.server).gap(offset, length, reason);
  }
}
