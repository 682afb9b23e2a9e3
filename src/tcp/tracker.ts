import { ACK, FIN, RST, SYN, type TcpPacket } from '../decode/packet.js';
import { DecodedPacket } from '../decode/decoded-packet.js';
import { readTcpOptions, type OptionFacts } from '../decode/tcp-options.js';
import { Connection, type ConnectionListener, type Endpoint, type RoleSource } from './connection.js';
import type { Instant, PacketFact, PacketKind } from './facts.js';
import type { ReassemblyLimits } from './half-stream.js';
import type { BytesOrigin } from './bytes-origin.js';
import { KIND_ACK, KIND_DATA, KIND_FIN, KIND_RST, KIND_SYN, KIND_SYN_ACK, LAYOUT_NONE, LAYOUT_NOP_NOP_TS, layoutId, layoutName } from './packet-log.js';

export interface TrackerOptions extends ReassemblyLimits {
  /** A connection with no packet for this long is finished (longer than every RFC 5321 timeout: a client may wait 10
   * minutes for a reply, and that wait is exactly what we must see). */
  idleTimeoutNs: number;
  /** A connection that never carried data is finished sooner (SYN scans and floods). */
  emptyTimeoutNs: number;
  /** After FIN from both sides or an RST, how long stray packets still join the connection. */
  lingerNs: number;
  /** Most connections open at once; beyond it the least recently active is finished early (and counted). */
  maxOpenConnections: number;
  /** Ports whose side is the server when a capture starts mid-connection. */
  serverPorts: ReadonlySet<number>;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  idleTimeoutNs: 30 * 60e9,
  emptyTimeoutNs: 120e9,
  // Long enough for the stragglers that tell an injected reset from a real one (Weaver et al. pair RSTs within 2 s,
  // anchors §4.1), short enough that closed connections do not pile up in a busy capture.
  lingerNs: 5e9,
  maxOpenConnections: 20_000,
  maxBufferedBytes: 4 << 20,
  maxPacketFacts: 50_000,
  serverPorts: new Set([25, 465, 587, 2525]),
};

/** Frames between sweeps for idle and closed connections. Counted in frames of the whole input, not in packets of one
 * connection table, so that every worker of a sharded run (analysis/sharded.ts) sweeps at the same frames and
 * finishes each connection for the same reason as a single-threaded run. */
export const SWEEP_EVERY_FRAMES = 8192;

export interface TrackerEvents {
  listenerFor(c: Connection): ConnectionListener;
  finished(c: Connection, why: 'closed' | 'idle' | 'evicted' | 'end-of-capture'): void;
  /** A connection was opened (its id is fixed from here). */
  opened?(c: Connection): void;
}

/** The connection table: routes each TCP packet to its connection and direction, opens and finishes connections. */
export class ConnectionTracker {
  private table = new Map<string, Connection>();
  // The open connections in order of last activity, linked through the connections themselves: moving one to the end
  // costs two pointer updates, where keeping the Map itself in that order cost a delete and a re-insert per packet.
  private leastRecent: Connection | null = null;
  private mostRecent: Connection | null = null;
  private nextId = 1;
  private touches = 0;
  // While packet times never go back, the activity list is also in order of last activity *time*, and connections
  // close in time order: a sweep then looks only at the idle head of the list and at the closed connections that have
  // lingered, in `closedInOrder`, instead of at every open connection. One packet back in time ends that for the run.
  private timesInOrder = true;
  private latestAt = -Infinity;
  /** Closed connections in closing order from closedHead on (slots before it are emptied: a finished connection must
   * not be kept alive by this list). */
  private closedInOrder: (Connection | null)[] = [];
  private closedHead = 0;
  /** Made once, not as a new closure for every connection opened. */
  private readonly listenerFor = (c: Connection): ConnectionListener => this.events.listenerFor(c);
  evicted = 0;
  /** Evicted connections that had carried data (the others were half-open or empty: a scan or a SYN flood). */
  evictedWithData = 0;

  constructor(
    private readonly events: TrackerEvents,
    private readonly options: TrackerOptions = DEFAULT_TRACKER_OPTIONS,
    /** Where the capture's bytes can be read back: retransmissions are then compared without copying (HalfStream). */
    private readonly origin: BytesOrigin | null = null,
  ) {}

  get openCount(): number {
    return this.table.size;
  }

  packet(p: TcpPacket, at: Instant): void {
    if (at >= this.latestAt) this.latestAt = at;
    else if (this.timesInOrder) this.timesOutOfOrder();
    const key = p.flowKey ?? flowKeyOf(p);
    let c = this.table.get(key);
    const flags = p.flags;
    const isSyn = (flags & SYN) !== 0 && (flags & ACK) === 0;
    if (c && isSyn && this.isNewIncarnation(c, p)) {
      this.finish(key, c, 'closed');
      c = undefined;
    }
    if (!c) {
      // Mid-stream, with no SMTP port to tell the roles, wait for a packet with payload: its first words say who is
      // the server (a reply code) and who the client (a command). Pure ACKs before it are not attached to anything.
      if (!(flags & SYN) && p.payloadLength === 0 && this.portsAmbiguous(p)) return;
      c = this.open(p, at);
      c.tableKey = key;
      this.table.set(key, c);
      this.append(c);
    } else if (c !== this.mostRecent) {
      // Keep the list in order of last activity: the least recently active connection is then the first one, and
      // evicting it under a SYN flood costs O(1), not a scan of the table.
      this.unlink(c);
      this.append(c);
    }
    const fromClient = p.src === c.client.ip && p.srcPort === c.client.port;
    this.apply(c, p, at, fromClient);
  }

  /** Finish everything still open (end of input). */
  finishAll(): void {
    for (let c = this.leastRecent; c !== null; ) {
      const next = c.moreRecent;
      this.finish(c.tableKey, c, 'end-of-capture');
      c = next;
    }
    this.closedInOrder = [];
    this.closedHead = 0;
  }

  private append(c: Connection): void {
    c.touch = ++this.touches;
    c.lessRecent = this.mostRecent;
    c.moreRecent = null;
    if (this.mostRecent) this.mostRecent.moreRecent = c;
    else this.leastRecent = c;
    this.mostRecent = c;
  }

  private unlink(c: Connection): void {
    const before = c.lessRecent;
    const after = c.moreRecent;
    if (before) before.moreRecent = after;
    else this.leastRecent = after;
    if (after) after.lessRecent = before;
    else this.mostRecent = before;
    c.lessRecent = c.moreRecent = null;
  }

  private isNewIncarnation(c: Connection, p: TcpPacket): boolean {
    const sameClient = p.src === c.client.ip && p.srcPort === c.client.port;
    if (!sameClient) return true;
    if (c.isClosed()) return true;
    // A SYN retransmission carries the same ISN; a different one is a new connection on reused ports.
    const base = c.clientHalfIfMade()?.baseSeq ?? null;
    return base !== null && ((p.seq + 1) >>> 0) !== base;
  }

  private open(p: TcpPacket, at: Instant): Connection {
    const src: Endpoint = { ip: p.src, port: p.srcPort };
    const dst: Endpoint = { ip: p.dst, port: p.dstPort };
    let client = src;
    let server = dst;
    let role: RoleSource;
    if (p.flags & SYN) {
      role = p.flags & ACK ? 'syn-ack' : 'syn';
      if (p.flags & ACK) [client, server] = [dst, src];
    } else {
      role = 'port';
      const said = this.portsAmbiguous(p) ? senderRoleFromPayload(p.payload) : null;
      if (said ? said === 'server' : this.looksLikeServer(src, dst)) [client, server] = [dst, src];
    }
    if (this.table.size >= this.options.maxOpenConnections) this.evictOne();
    const c = new Connection(this.nextId++, client, server, role, at, this.options, this.listenerFor, this.origin);
    this.events.opened?.(c);
    return c;
  }

  private portsAmbiguous(p: TcpPacket): boolean {
    const s = this.options.serverPorts;
    return s.has(p.srcPort) === s.has(p.dstPort);
  }

  /** Mid-stream: the side on a well-known SMTP port is the server; else the lower port (ephemeral ports are high). */
  private looksLikeServer(src: Endpoint, dst: Endpoint): boolean {
    const s = this.options.serverPorts;
    if (s.has(src.port) !== s.has(dst.port)) return s.has(src.port);
    return src.port < dst.port;
  }

  private apply(c: Connection, p: TcpPacket, at: Instant, fromClient: boolean): void {
    const sender = fromClient ? c.clientHalf : c.serverHalf;
    const flags = p.flags;
    const length = p.payloadLength;
    // The packet's facts go straight into the sender's columns: no object per packet.
    // The option bytes are o[os..oe): read in the frame's buffer when the decoder made the packet (no view).
    let o: Buffer;
    let os = 0;
    let oe: number;
    if (p instanceof DecodedPacket) {
      o = p.bytes;
      os = p.optionsStart;
      oe = p.optionsEnd;
    } else {
      o = p.options;
      oe = o.length;
    }
    // The TSval as its 32 bits in an int32 (see PacketLog.add), and whether there is one.
    let hasTs = false;
    let tsBits = 0;
    let layout = LAYOUT_NONE;
    let layoutText = '';
    if (oe - os === 12 && o[os] === 1 && o[os + 1] === 1 && o[os + 2] === 8 && o[os + 3] === 10) {
      // Nearly every packet after the handshake carries exactly NOP NOP TS (Linux, BSD): read it without the walk.
      hasTs = true;
      tsBits = (o[os + 4]! << 24) | (o[os + 5]! << 16) | (o[os + 6]! << 8) | o[os + 7]!;
      layout = LAYOUT_NOP_NOP_TS;
    } else if (oe > os) {
      const opts = OPTION_FACTS;
      readTcpOptions(o, os, oe, opts);
      hasTs = opts.hasTs;
      tsBits = opts.tsBits;
      layoutText = opts.layout;
      layout = layoutId(layoutText);
    }
    const log = sender.packets;
    const kind = kindOf(flags, length);
    const index = log.add(at, p.frame, p.input, kind, p.ttl, p.ipId, p.dontFragment, p.window, hasTs, tsBits, layout, length);
    if (index >= 0 && layout < 0) log.setLayoutText(index, layoutText);
    this.handshake(c, flags, at, fromClient);
    // The ACK first: it may prove a hole in the other direction lost, releasing bytes that came before this
    // packet's own payload (a reply must not overtake the command it answers).
    let fact: PacketFact | null = null;
    if (flags & ACK) {
      if (index < 0) {
        // Past the log's limit: the packet is only counted, but an ACK that advances still needs its facts.
        fact = {
          at, frame: p.frame, input: p.input, kind: KIND_NAMES[kind]!, ttl: p.ttl, ipId: p.ipId, dontFragment: p.dontFragment, window: p.window,
          tsVal: hasTs ? tsBits >>> 0 : null, optionLayout: layout < 0 ? layoutText : layoutName(layout), offset: 0, length, ackOffset: null,
        };
      }
      // A peer half not made yet has no sequence base: its answer is null, and making it here would only make garbage.
      const peer = fromClient ? c.serverHalfIfMade() : c.clientHalfIfMade();
      // (The ACK number as an int32: the same modulo 2^32, and a small integer, where a number above 2^31 passed on is a
      // heap object per packet.)
      const ackOffset = peer ? peer.acknowledgedBy(p.ack | 0, log, index, fact) : null;
      if (index >= 0) log.setAckOffset(index, ackOffset);
      else fact!.ackOffset = ackOffset;
    }
    const offset = sender.sent(p, at) ?? 0;
    if (index >= 0) log.setOffset(index, offset);
    else if (fact) fact.offset = offset;
    // (A half made later starts as if the peer had spoken.)
    if (length > 0) (fromClient ? c.serverHalfIfMade() : c.clientHalfIfMade())?.peerSentData();
    sender.countPacket();
    c.lastAt = at;
    if (c.closedAt === null && ((flags & RST) || (c.finSent('client') && c.finSent('server')))) {
      c.closedAt = at;
      if (this.timesInOrder) this.closedInOrder.push(c);
    }
  }

  private handshake(c: Connection, flags: number, at: Instant, fromClient: boolean): void {
    const h = c.handshake;
    if (flags & SYN) {
      if (fromClient && !(flags & ACK)) {
        if (h.synAt === null) h.synAt = at;
        else if (h.synAckAt === null) h.synRetransmissions++;
      } else if (!fromClient && flags & ACK && h.synAckAt === null) h.synAckAt = at;
    } else if (fromClient && flags & ACK && h.synAckAt !== null && h.ackAt === null) h.ackAt = at;
  }

  /** Finishes the connections that closed (and lingered) or went idle by `now`. The caller calls it every
   * SWEEP_EVERY_FRAMES frames. */
  sweep(now: Instant): void {
    if (!this.timesInOrder || now < this.latestAt) {
      for (let c = this.leastRecent; c !== null; ) {
        const next = c.moreRecent;
        this.sweepOne(c, now);
        c = next;
      }
      return;
    }
    // The same connections in the same order as the walk above: the head of the list, as long as a connection has
    // been idle for the shorter timeout (every one after it has been idle for less), and after it the closed ones that
    // have lingered, in list order.
    const o = this.options;
    const idleFor = Math.min(o.idleTimeoutNs, o.emptyTimeoutNs);
    let c = this.leastRecent;
    while (c !== null && now - c.lastAt > idleFor) {
      const next = c.moreRecent;
      this.sweepOne(c, now);
      c = next;
    }
    const stop = c === null ? Infinity : c.touch; // connections touched before this one were all looked at
    const lingered: Connection[] = [];
    const closed = this.closedInOrder;
    let i = this.closedHead;
    for (; i < closed.length; i++) {
      const x = closed[i]!;
      if (!x.finished) {
        if (!(now - x.closedAt! > o.lingerNs)) break;
        if (x.touch >= stop) lingered.push(x);
      }
      closed[i] = null;
    }
    // Keep the ones not lingered yet; drop the list's front once it is half the list.
    this.closedHead = i;
    if (i > 1024 && i * 2 > closed.length) {
      this.closedInOrder = closed.slice(i);
      this.closedHead = 0;
    }
    if (lingered.length > 1) lingered.sort((a, b) => a.touch - b.touch);
    for (const x of lingered) this.finish(x.tableKey, x, 'closed');
  }

  /** Finishes `c` if it closed and lingered, or went idle, by `now`. */
  private sweepOne(c: Connection, now: Instant): void {
    const o = this.options;
    const idle = now - c.lastAt;
    if (c.closedAt !== null && now - c.closedAt > o.lingerNs) this.finish(c.tableKey, c, 'closed');
    else if (idle > o.idleTimeoutNs) this.finish(c.tableKey, c, 'idle');
    else if (idle > o.emptyTimeoutNs && !c.carriedData()) this.finish(c.tableKey, c, 'idle');
  }

  /** A packet went back in time: sweeps walk every connection from now on. */
  private timesOutOfOrder(): void {
    this.timesInOrder = false;
    this.closedInOrder = [];
    this.closedHead = 0;
  }

  /** Finishes the least recently active connection: the first in the activity list. */
  private evictOne(): void {
    const c = this.leastRecent;
    if (c === null) return;
    const key = c.tableKey;
    this.evicted++;
    if (c.carriedData()) this.evictedWithData++;
    this.finish(key, c, 'evicted');
  }

  private finish(key: string, c: Connection, why: 'closed' | 'idle' | 'evicted' | 'end-of-capture'): void {
    c.finished = true;
    this.table.delete(key);
    this.unlink(c);
    c.clientHalfIfMade()?.finish();
    c.serverHalfIfMade()?.finish();
    this.events.finished(c, why);
    // The listener has diagnosed and rendered the connection: its columns can serve the next ones.
    c.release();
  }
}

function kindOf(flags: number, payloadLength: number): number {
  if (flags & SYN) return flags & ACK ? KIND_SYN_ACK : KIND_SYN;
  if (flags & RST) return KIND_RST;
  if (payloadLength > 0) return KIND_DATA;
  if (flags & FIN) return KIND_FIN;
  return KIND_ACK;
}

/** Filled by readTcpOptions for each packet whose options are not the usual NOP NOP TS (one for the run). */
const OPTION_FACTS: OptionFacts = { layout: '', hasTs: false, tsBits: 0 };

const KIND_NAMES: readonly PacketKind[] = ['syn', 'syn-ack', 'data', 'ack', 'fin', 'rst'];

/** Who speaks first words like these: a server reply ("220 ", "250-") or a client command ("EHLO ", "MAIL FROM")? */
function senderRoleFromPayload(payload: Buffer): 'server' | 'client' | null {
  const head = payload.subarray(0, 12).toString('latin1');
  if (/^[2-5]\d\d[ \-\r]/.test(head)) return 'server';
  if (/^(EHLO|HELO|LHLO|MAIL|RCPT|DATA|BDAT|RSET|NOOP|QUIT|STARTTLS|AUTH|VRFY|EXPN)\b/i.test(head)) return 'client';
  return null;
}

/** The table key of a packet the decoder did not key (one made by hand): both endpoints as text, in a fixed order. */
function flowKeyOf(p: TcpPacket): string {
  const a = `${p.src}|${p.srcPort}`;
  const b = `${p.dst}|${p.dstPort}`;
  return a < b ? `${a}>${b}` : `${b}>${a}`;
}
