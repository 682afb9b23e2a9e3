// A scripted TCP conversation: tracks sequence/ack numbers, IP ID counters, TTLs and TCP timestamp
// clocks for both ends, and turns each scripted step into timestamped frames. Any header field can be
// overridden per packet, so a test can forge a packet "from the server" that another box sent.
// Packets are stored as small specs (payloads are views of the caller's buffers) and only encoded
// when frames are asked for, so generating large captures stays cheap.
import { macFromIP, parseIP } from './addresses.js';
import { fragmentedTcpFrames, tcpFrame, type IPSpec } from './frames.js';
import type { IPv6ExtensionHeader } from './ipv6.js';
import { linkForDirection, linkSpecFor, linkTypeOf, type LinkSpec } from './link.js';
import { PcapngWriter, type InterfaceOptions } from './pcapng-writer.js';
import { PcapWriter, type PcapWriterOptions } from './pcap-writer.js';
import { TCP_FLAGS, type TcpOption } from './tcp.js';

export type Side = 'client' | 'server';

export interface EndpointConfig {
  ip: string;
  port: number;
  mac?: string;
  /** IP TTL / IPv6 hop limit as seen at the capture point. Default 64. */
  ttl?: number;
  /** First IP ID used; the counter then increments by one per packet. Default 1. */
  ipIdStart?: number;
  /** 'counter' (default), or 'zero' (IP ID 0 on every packet, as Linux does for some DF packets). */
  ipIdMode?: 'counter' | 'zero';
  /** Don't Fragment bit. Default true. */
  df?: boolean;
  /** Initial sequence number (the SYN's seq). Default 1000000. */
  isn?: number;
  mss?: number;
  /** Window scale shift offered in the SYN; null = option absent. Default 7. */
  wscale?: number | null;
  sackPermitted?: boolean;
  /** TCP timestamps (RFC 7323). Default true; used only if both ends offer them. */
  timestamps?: boolean;
  /** TSval clock rate in Hz (Linux: 1000). */
  tsHz?: number;
  /** TSval at the conversation's start time. */
  tsStart?: number;
  /** Window field in the SYN / SYN-ACK (unscaled). Default 64240. */
  synWindow?: number;
  /** Window field after the handshake (scaled by wscale). Default 502. */
  window?: number;
  /** IPv6 extension headers put on every packet of this end. */
  ipv6ExtensionHeaders?: IPv6ExtensionHeader[];
}

export interface ConversationOptions {
  client: EndpointConfig;
  server: EndpointConfig;
  startNs: bigint;
  /** Link layer; Ethernet by default. MACs / SLL packet types are filled in per direction. */
  link?: LinkSpec;
  /** Shorthand for `link` by LINKTYPE number (1, 0, 108, 101, 228, 229, 113, 276). */
  linkType?: number;
  /** Where the capture was taken; only changes the default handshake timing. Default 'client'. */
  vantage?: 'client' | 'server';
}

/** Per-packet overrides; anything left out follows the endpoint's state. */
export interface PacketOverrides {
  ttl?: number;
  ipId?: number;
  df?: boolean;
  window?: number;
  /** Replaces the TCP options entirely. */
  options?: TcpOption[];
  /** false = no timestamp option; an object overrides TSval and/or TSecr. */
  timestamps?: false | { tsval?: number; tsecr?: number };
  seq?: number;
  ack?: number;
  /** ack = the peer's ISN + 1 + this many bytes of the peer's stream. */
  ackOffset?: number;
  flags?: number;
  tcpChecksum?: number;
  ipChecksum?: number;
  ipOptions?: Buffer;
  ipv6ExtensionHeaders?: IPv6ExtensionHeader[];
  link?: LinkSpec;
  /** Split the IPv4 packet into fragments carrying at most this many bytes of IP payload. */
  fragmentPayload?: number;
}

export interface TimeOptions {
  /** Absolute time in ns since the epoch. */
  at?: bigint;
  /** Time after the previous packet (default 20 µs). */
  afterNs?: number | bigint;
}

export interface SendOptions extends TimeOptions {
  /** Sizes of consecutive segments; the rest is cut at the MSS. */
  segmentSizes?: number[];
  /** Gap between segments of one send (default 10 µs). */
  gapNs?: number | bigint;
  /** Applied to every segment of this send. */
  overrides?: PacketOverrides;
  /** Indices of segments that are sent (state advances) but missing from the capture. */
  omitSegments?: number[];
}

export interface ScriptedPacket {
  tsNs: bigint;
  from: Side;
  seq: number;
  ack: number;
  flags: number;
  payload: Buffer;
  /** Offset of the first payload byte in the sender's stream (0 = first byte after the SYN). */
  offset: number;
  ttl: number;
  ipId: number;
  df: boolean;
  window: number;
  options: TcpOption[];
  /** Not written to capture files (lost before the capture point). */
  omitted: boolean;
  overrides: PacketOverrides;
}

export interface TimedFrame {
  tsNs: bigint;
  data: Buffer;
  packet: ScriptedPacket;
}

interface EndState {
  cfg: EndpointConfig;
  ip: Buffer;
  mac: Buffer;
  isn: number;
  /** Bytes of sequence space used after the SYN (data + FIN). */
  sent: number;
  synSent: boolean;
  ipId: number;
  lastTsvalSent: number | undefined;
  lastTsvalSeen: number | undefined;
  mss: number;
}

const TWO32 = 4294967296;
const DEFAULT_STEP_NS = 20_000n;
const DEFAULT_GAP_NS = 10_000n;

function toBuffer(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
}

export class Conversation {
  readonly packets: ScriptedPacket[] = [];
  readonly link: LinkSpec;
  readonly startNs: bigint;
  private readonly ends: Record<Side, EndState>;
  private readonly vantage: 'client' | 'server';
  private cursor: bigint;
  private tsNegotiated = true;

  constructor(opts: ConversationOptions) {
    this.link = opts.link ?? (opts.linkType !== undefined ? linkSpecFor(opts.linkType) : { type: 'ethernet' });
    this.startNs = opts.startNs;
    this.cursor = opts.startNs;
    this.vantage = opts.vantage ?? 'client';
    this.ends = { client: Conversation.initEnd(opts.client), server: Conversation.initEnd(opts.server) };
    if (this.ends.client.ip.length !== this.ends.server.ip.length) throw new Error('client and server must use the same IP version');
  }

  private static initEnd(cfg: EndpointConfig): EndState {
    const ip = parseIP(cfg.ip);
    return {
      cfg, ip,
      mac: cfg.mac ? Buffer.from(cfg.mac.split(':').map((h) => parseInt(h, 16))) : macFromIP(ip),
      isn: (cfg.isn ?? 1_000_000) >>> 0,
      sent: 0, synSent: false,
      ipId: (cfg.ipIdStart ?? 1) & 0xffff,
      lastTsvalSent: undefined, lastTsvalSeen: undefined,
      mss: cfg.mss ?? 1460,
    };
  }

  // ---- queries ----
  get now(): bigint { return this.cursor; }
  get linkType(): number { return linkTypeOf(this.link); }
  get ipVersion(): 4 | 6 { return this.ends.client.ip.length === 4 ? 4 : 6; }

  /** Absolute sequence number of byte `offset` of a side's stream (wraps at 2^32). */
  seqOf(side: Side, offset: number): number {
    return (this.ends[side].isn + 1 + offset) % TWO32;
  }

  /** Next sequence number a side will send. */
  nextSeq(side: Side): number {
    const e = this.ends[side];
    return e.synSent ? this.seqOf(side, e.sent) : e.isn;
  }

  /** Bytes of stream (data only, FIN included once sent) a side has sent after its SYN. */
  streamLength(side: Side): number { return this.ends[side].sent; }

  /** TSval of a side's clock at a time. */
  tsvalAt(side: Side, tsNs: bigint): number {
    const cfg = this.ends[side].cfg;
    const hz = BigInt(cfg.tsHz ?? 1000);
    return (Number((tsNs - this.startNs) * hz / 1_000_000_000n) + (cfg.tsStart ?? (side === 'client' ? 3_000_000 : 700_000_000))) % TWO32;
  }

  advance(ns: number | bigint): void { this.cursor += BigInt(ns); }

  private other(side: Side): Side { return side === 'client' ? 'server' : 'client'; }

  private timeFor(t: TimeOptions | undefined, defaultStep = DEFAULT_STEP_NS): bigint {
    if (t?.at !== undefined) return t.at;
    if (t?.afterNs === undefined && this.packets.length === 0) return this.cursor; // first packet: the start time
    return this.cursor + (t?.afterNs !== undefined ? BigInt(t.afterNs) : defaultStep);
  }

  // ---- core: record one packet ----
  private record(from: Side, tsNs: bigint, flags: number, payload: Buffer, seqBytes: number, ov: PacketOverrides = {}, omitted = false, synOptions?: TcpOption[]): ScriptedPacket {
    const me = this.ends[from];
    const peer = this.ends[this.other(from)];
    const seq = ov.seq ?? this.nextSeq(from);
    const offset = me.synSent ? me.sent : -1;
    const isAck = ((ov.flags ?? flags) & TCP_FLAGS.ACK) !== 0;
    const ack = ov.ack ?? (ov.ackOffset !== undefined ? this.seqOf(this.other(from), ov.ackOffset) : isAck ? this.nextSeq(this.other(from)) : 0);
    let ipId: number;
    if (ov.ipId !== undefined) ipId = ov.ipId;
    else if (me.cfg.ipIdMode === 'zero') ipId = 0;
    else { ipId = me.ipId; me.ipId = (me.ipId + 1) & 0xffff; }

    let options: TcpOption[];
    let tsvalUsed: number | undefined;
    if (ov.options) options = ov.options;
    else {
      const tsOn = (flags & TCP_FLAGS.SYN ? me.cfg.timestamps !== false : this.tsNegotiated) && ov.timestamps !== false && (flags & TCP_FLAGS.RST) === 0;
      const ts = tsOn ? {
        kind: 'timestamps' as const,
        tsval: (ov.timestamps && ov.timestamps.tsval !== undefined) ? ov.timestamps.tsval : this.tsvalAt(from, tsNs),
        tsecr: (ov.timestamps && ov.timestamps.tsecr !== undefined) ? ov.timestamps.tsecr : (flags & TCP_FLAGS.ACK ? me.lastTsvalSeen ?? 0 : 0),
      } : undefined;
      if (synOptions) options = synOptions.map((o) => (o.kind === 'timestamps' ? ts : o)).filter((o): o is TcpOption => o !== undefined);
      else options = ts ? [{ kind: 'nop' }, { kind: 'nop' }, ts] : [];
    }
    const tsOpt = options.find((o) => o.kind === 'timestamps');
    if (tsOpt && tsOpt.kind === 'timestamps') tsvalUsed = tsOpt.tsval;
    const p: ScriptedPacket = {
      tsNs, from, seq, ack, flags: ov.flags ?? flags, payload, offset,
      ttl: ov.ttl ?? me.cfg.ttl ?? 64,
      ipId, df: ov.df ?? me.cfg.df ?? true,
      window: ov.window ?? (flags & TCP_FLAGS.SYN ? me.cfg.synWindow ?? 64240 : me.cfg.window ?? 502),
      options, omitted, overrides: { ...ov },
    };
    this.packets.push(p);
    if (tsvalUsed !== undefined) {
      me.lastTsvalSent = tsvalUsed;
      // a real stack echoes the most recent TSval it received; forged packets count as received too
      peer.lastTsvalSeen = tsvalUsed;
    }
    if (ov.seq === undefined) {
      if (!me.synSent && (flags & TCP_FLAGS.SYN)) me.synSent = true;
      else me.sent += seqBytes;
    }
    if (tsNs > this.cursor) this.cursor = tsNs;
    return p;
  }

  // ---- scripted steps ----
  /** SYN, SYN/ACK, ACK. At the client the SYN/ACK comes one RTT after the SYN; at the server the ACK does. */
  handshake(opts: { rttNs: number | bigint; at?: bigint; localDelayNs?: number | bigint; syn?: PacketOverrides; synAck?: PacketOverrides; ack?: PacketOverrides } = { rttNs: 40_000_000 }): ScriptedPacket[] {
    const c = this.ends.client.cfg;
    const s = this.ends.server.cfg;
    this.tsNegotiated = c.timestamps !== false && s.timestamps !== false;
    const rtt = BigInt(opts.rttNs);
    const local = BigInt(opts.localDelayNs ?? 60_000);
    const t0 = this.timeFor({ at: opts.at });
    const [tSynAck, tAck] = this.vantage === 'client' ? [t0 + rtt, t0 + rtt + local] : [t0 + local, t0 + local + rtt];
    const synOpts = (cfg: EndpointConfig, isSynAck: boolean): TcpOption[] => {
      // Linux order: MSS, SACK_PERM, TS, NOP, WS (NOP NOP pads when TS is absent)
      const o: TcpOption[] = [{ kind: 'mss', value: cfg.mss ?? 1460 }];
      const sack = cfg.sackPermitted !== false;
      const ts = cfg.timestamps !== false && (isSynAck ? this.tsNegotiated : true);
      if (sack && ts) o.push({ kind: 'sackPermitted' }, { kind: 'timestamps', tsval: 0, tsecr: 0 });
      else if (sack) o.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sackPermitted' });
      else if (ts) o.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval: 0, tsecr: 0 });
      if (cfg.wscale !== null && (!isSynAck || c.wscale !== null)) o.push({ kind: 'nop' }, { kind: 'wscale', shift: cfg.wscale ?? 7 });
      return o;
    };
    const syn = this.record('client', t0, TCP_FLAGS.SYN, Buffer.alloc(0), 1, opts.syn, false, synOpts(c, false));
    const synAck = this.record('server', tSynAck, TCP_FLAGS.SYN | TCP_FLAGS.ACK, Buffer.alloc(0), 1, opts.synAck, false,
      synOpts({ ...s, sackPermitted: s.sackPermitted !== false && c.sackPermitted !== false }, true));
    const ack = this.record('client', tAck, TCP_FLAGS.ACK, Buffer.alloc(0), 0, opts.ack);
    return [syn, synAck, ack];
  }

  /** Sends data from a side, cut into segments; returns the segments in order. */
  send(side: Side, data: Buffer | string, opts: SendOptions = {}): ScriptedPacket[] {
    const buf = toBuffer(data);
    const out: ScriptedPacket[] = [];
    let t = this.timeFor(opts);
    const gap = BigInt(opts.gapNs ?? DEFAULT_GAP_NS);
    const mss = this.ends[side].mss;
    const sizes = opts.segmentSizes ?? [];
    let pos = 0;
    let i = 0;
    while (pos < buf.length) {
      const n = Math.min(sizes[i] ?? mss, buf.length - pos);
      if (n <= 0) throw new Error('segment sizes must be positive');
      const last = pos + n >= buf.length;
      const flags = TCP_FLAGS.ACK | (last ? TCP_FLAGS.PSH : 0);
      out.push(this.record(side, t, flags, buf.subarray(pos, pos + n), n, opts.overrides, opts.omitSegments?.includes(i) ?? false));
      pos += n;
      i++;
      t += gap;
    }
    return out;
  }

  clientSends(data: Buffer | string, opts?: SendOptions): ScriptedPacket[] { return this.send('client', data, opts); }
  serverSends(data: Buffer | string, opts?: SendOptions): ScriptedPacket[] { return this.send('server', data, opts); }

  /** Re-sends bytes [offset, offset+length) of a side's stream (a retransmission; state unchanged). */
  retransmit(side: Side, offset: number, length: number, source: Buffer | string, opts: TimeOptions & { overrides?: PacketOverrides } = {}): ScriptedPacket {
    const payload = toBuffer(source).subarray(0, length);
    return this.record(side, this.timeFor(opts), TCP_FLAGS.ACK | TCP_FLAGS.PSH, payload, 0, { ...opts.overrides, seq: this.seqOf(side, offset) });
  }

  /** A pure ACK from a side, acknowledging everything the peer has sent (unless overridden). */
  ack(side: Side, opts: TimeOptions & PacketOverrides = {}): ScriptedPacket {
    const { at, afterNs, ...ov } = opts;
    return this.record(side, this.timeFor({ at, afterNs }), TCP_FLAGS.ACK, Buffer.alloc(0), 0, ov);
  }

  clientAcks(opts?: TimeOptions & PacketOverrides): ScriptedPacket { return this.ack('client', opts); }
  serverAcks(opts?: TimeOptions & PacketOverrides): ScriptedPacket { return this.ack('server', opts); }

  fin(side: Side, opts: TimeOptions & PacketOverrides = {}): ScriptedPacket {
    const { at, afterNs, ...ov } = opts;
    return this.record(side, this.timeFor({ at, afterNs }), TCP_FLAGS.FIN | TCP_FLAGS.ACK, Buffer.alloc(0), 1, ov);
  }

  /** RST|ACK at the side's next sequence number (no options, like a stack's abort). */
  rst(side: Side, opts: TimeOptions & PacketOverrides = {}): ScriptedPacket {
    const { at, afterNs, ...ov } = opts;
    return this.record(side, this.timeFor({ at, afterNs }), TCP_FLAGS.RST | TCP_FLAGS.ACK, Buffer.alloc(0), 0, ov);
  }

  // ---- encoding ----
  /** Encodes one scripted packet (several frames when IP-fragmented). */
  encode(p: ScriptedPacket): Buffer[] {
    const me = this.ends[p.from];
    const peer = this.ends[this.other(p.from)];
    const ov = p.overrides;
    const outgoing = (p.from === 'client') === (this.vantage === 'client');
    const link = linkForDirection(ov.link ?? this.link, me.mac, peer.mac, outgoing);
    const ip: IPSpec = me.ip.length === 4
      ? { version: 4, src: me.ip, dst: peer.ip, ttl: p.ttl, id: p.ipId, df: p.df, options: ov.ipOptions, checksum: ov.ipChecksum }
      : { version: 6, src: me.ip, dst: peer.ip, hopLimit: p.ttl, extensionHeaders: ov.ipv6ExtensionHeaders ?? me.cfg.ipv6ExtensionHeaders };
    const spec = {
      link, ip, payload: p.payload,
      tcp: {
        srcPort: me.cfg.port, dstPort: peer.cfg.port, seq: p.seq, ack: p.ack, flags: p.flags,
        window: p.window, options: p.options, checksum: ov.tcpChecksum,
      },
    };
    return ov.fragmentPayload !== undefined ? fragmentedTcpFrames(spec, ov.fragmentPayload) : [tcpFrame(spec)];
  }

  /** Frames in script order (or time order), skipping omitted packets. */
  *frames(opts: { sortByTime?: boolean } = {}): Generator<TimedFrame> {
    const list = opts.sortByTime ? [...this.packets].sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0)) : this.packets;
    for (const p of list) {
      if (p.omitted) continue;
      for (const data of this.encode(p)) yield { tsNs: p.tsNs, data, packet: p };
    }
  }

  toPcap(opts: Partial<PcapWriterOptions> & { sortByTime?: boolean } = {}): Buffer {
    const w = new PcapWriter({ linkType: this.linkType, ...opts });
    for (const f of this.frames(opts)) w.addPacket(f.tsNs, f.data);
    return w.toBuffer();
  }

  toPcapng(opts: { bigEndian?: boolean; interface?: Partial<InterfaceOptions>; sortByTime?: boolean; userAppl?: string } = {}): Buffer {
    const w = new PcapngWriter();
    w.section({ bigEndian: opts.bigEndian, userAppl: opts.userAppl ?? 'smtp-pcap-diagnose synth' });
    const id = w.addInterface({ linkType: this.linkType, snaplen: 262144, ...opts.interface });
    for (const f of this.frames(opts)) w.epb(id, f.tsNs, f.data);
    return w.toBuffer();
  }
}

/** Merges several frame sequences into one, ordered by timestamp (stable). */
export function mergeFrames(...sources: Iterable<TimedFrame>[]): TimedFrame[] {
  const all: TimedFrame[] = [];
  for (const s of sources) for (const f of s) all.push(f);
  return all.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
}
