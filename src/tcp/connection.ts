import type { Instant } from './facts.js';
import type { BytesOrigin } from './bytes-origin.js';
import { HalfStream, type ReassemblyLimits, type StreamSink } from './half-stream.js';

export interface Endpoint {
  ip: string;
  port: number;
}

export function endpointText(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** How the client/server roles were decided: from the handshake, or guessed from ports for a capture that starts
 * mid-connection. */
export type RoleSource = 'syn' | 'syn-ack' | 'port';

export interface Handshake {
  synAt: Instant | null;
  synRetransmissions: number;
  synAckAt: Instant | null;
  /** The client's first ACK of the SYN/ACK. */
  ackAt: Instant | null;
}

/** What the layer above attaches to a connection: one sink per direction, told when the connection is finished. */
export interface ConnectionListener {
  client: StreamSink;
  server: StreamSink;
}

/** Both halves of one TCP connection, keyed by its 4-tuple, with the facts of its handshake and close. */
export class Connection {
  // Each half is made when first needed: a SYN flood's half-open connections never make the server's.
  private client_: HalfStream | null = null;
  private server_: HalfStream | null = null;
  readonly handshake: Handshake = { synAt: null, synRetransmissions: 0, synAckAt: null, ackAt: null };
  lastAt: Instant;
  closedAt: Instant | null = null;
  listener!: ConnectionListener;
  /** The tracker's table key (so that a sweep can iterate connections alone, without a [key, value] pair each). */
  tableKey = '';
  /** The tracker's list of open connections in order of last activity: the one active just before this, and after. */
  lessRecent: Connection | null = null;
  moreRecent: Connection | null = null;
  /** When the tracker last moved it to the most recent end of that list (a count of moves): orders two connections
   * of the list without walking it. */
  touch = 0;
  /** Finished by the tracker (it may still be listed among the closed ones a sweep looks at). */
  finished = false;

  constructor(
    readonly id: number,
    readonly client: Endpoint,
    readonly server: Endpoint,
    readonly roleSource: RoleSource,
    readonly firstAt: Instant,
    private readonly limits: ReassemblyLimits,
    listenerFor: (c: Connection) => ConnectionListener,
    /** Where the capture's bytes can be read back (see HalfStream). */
    private readonly origin: BytesOrigin | null = null,
  ) {
    this.lastAt = firstAt;
    this.listener = listenerFor(this);
  }

  get clientHalf(): HalfStream {
    return (this.client_ ??= HalfStream.obtain(this.listener.client, this.limits, this.origin));
  }

  get serverHalf(): HalfStream {
    return (this.server_ ??= HalfStream.obtain(this.listener.server, this.limits, this.origin));
  }

  /** The client's half if it was made (a half that was never made has sent nothing and learned nothing). */
  clientHalfIfMade(): HalfStream | null {
    return this.client_;
  }

  serverHalfIfMade(): HalfStream | null {
    return this.server_;
  }

  /** Whether either side has sent payload (without making a half that does not exist yet). */
  carriedData(): boolean {
    return (this.client_?.dataPackets ?? 0) > 0 || (this.server_?.dataPackets ?? 0) > 0;
  }

  /** Whether the given side has sent a FIN (without making its half). */
  finSent(side: 'client' | 'server'): boolean {
    const h = side === 'client' ? this.client_ : this.server_;
    return h !== null && h.finOffset !== null;
  }

  /** Handshake RTT as seen from the capture point: SYN → SYN/ACK → ACK. */
  handshakeRtt(): { total: number; toServer: number; toClient: number } | null {
    const h = this.handshake;
    if (h.synAt === null || h.synAckAt === null || h.ackAt === null) return null;
    return { total: h.ackAt - h.synAt, toServer: h.synAckAt - h.synAt, toClient: h.ackAt - h.synAckAt };
  }

  /** Gives the halves (their columns, and the objects themselves) back for reuse: call only once nothing reads this
   * connection any more. */
  release(): void {
    this.client_?.recycle();
    this.server_?.recycle();
    this.client_ = this.server_ = null;
  }

  isClosed(): boolean {
    return this.closedAt !== null;
  }
}
