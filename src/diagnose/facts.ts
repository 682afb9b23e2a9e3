import type { Command } from '../smtp/model.js';
import type { SmtpSession } from '../smtp/session.js';
import type { Connection } from '../tcp/connection.js';
import type { AckAdvance, Flight, Instant, PacketFact } from '../tcp/facts.js';
import type { HalfStream } from '../tcp/half-stream.js';
import { KIND_DATA } from '../tcp/packet-log.js';

/** A command with the TCP facts of its bytes. */
export interface TimedCommand {
  command: Command;
  /** When its first byte was first sent (capture point). */
  sentAt: Instant;
  /** When its last byte was first sent: the server cannot act on a command before this. */
  completedAt: Instant;
  /** The first ACK that covered its last byte. */
  readonly ack: AckAdvance | null;
  flight: number;
}

export interface FlightFacts {
  flight: Flight;
  commands: TimedCommand[];
  answered: number;
  /** Stream offset up to which its commands were answered in time (before the client's next flight). */
  replyBoundary: number;
  /** Every command of the flight was answered in time (before the client's next flight, if any): no rule that looks
   * for unanswered or late replies can find one here. */
  readonly allTimely: boolean;
  /** The first ACK covering the whole flight; looked up only for a flight that carried commands (the report shows no
   * other, no rule reads it), null otherwise. */
  readonly ack: AckAdvance | null;
}

export interface Rtt {
  total: number;
  toServer: number;
  toClient: number;
}

/** Everything the rules read, computed once per connection. */
export interface ConnectionFacts {
  connection: Connection;
  session: SmtpSession;
  rtt: Rtt | null;
  commands: TimedCommand[];
  flights: FlightFacts[];
  /** Packets the server side sent, by kind. */
  readonly serverData: PacketFact[];
  /** Who ended the connection and how. */
  end: ConnectionEnd;
}

export interface ConnectionEnd {
  clientFinAt: Instant | null;
  serverFinAt: Instant | null;
  clientRstAt: Instant | null;
  serverRstAt: Instant | null;
  /** The client said QUIT. */
  quit: Command | null;
  lastAt: Instant;
}

export function computeFacts(connection: Connection, session: SmtpSession): ConnectionFacts {
  const c = connection.clientHalf;
  const flightList = c.flights;
  const nFlights = flightList.length;
  const sessionCommands = session.commands;
  // Lists of exactly their size: they live as long as the connection's report, and pushing into [] reserves 17 slots.
  const commands = listOfSize<TimedCommand>(sessionCommands.length);
  // Whether every command lies in a flight and their flights never go back: then each flight's commands are one run
  // of the list, copied out as it is (nearly always so; bytes sent out of order can break it).
  let inOrder = true;
  let lastFlight = 0;
  let quit: Command | null = null;
  // Indexed loops here and in the rules: this runs once per connection, often before the optimiser has compiled it,
  // and an unoptimised for-of makes an iterator and a result object per step.
  for (let k = 0; k < sessionCommands.length; k++) {
    const command = sessionCommands[k]!;
    // Range indexes, not range objects: two lookups per command, nothing made.
    const range = c.rangeIndexAt(command.offset);
    const sentAt = range >= 0 ? c.rangeFirstSentAt(range) : command.at;
    const last = c.rangeIndexAt(command.offset + command.length - 1);
    const flight = range >= 0 ? c.rangeFlight(range) : -1;
    commands[k] = new CommandTiming(command, sentAt, last >= 0 ? Math.max(sentAt, c.rangeFirstSentAt(last)) : sentAt, flight, c);
    if (flight < lastFlight || flight >= nFlights) inOrder = false;
    else lastFlight = flight;
    if (quit === null && command.verb === 'QUIT') quit = command;
  }
  const flights: FlightFacts[] = new Array(nFlights);
  if (inOrder) {
    let k = 0;
    for (let i = 0; i < nFlights; i++) {
      const from = k;
      while (k < commands.length && commands[k]!.flight === i) k++;
      const group = flightList[i]!.index !== i ? commands.filter((t) => t.flight === flightList[i]!.index) : from === k ? NO_COMMANDS : run(commands, from, k);
      flights[i] = flightFacts(c, flightList, i, group);
    }
  } else {
    const byFlight = groupByFlight(commands, nFlights);
    for (let i = 0; i < nFlights; i++) {
      const index = flightList[i]!.index;
      flights[i] = flightFacts(c, flightList, i, index === i ? (byFlight[i] ?? NO_COMMANDS) : commands.filter((t) => t.flight === index));
    }
  }
  const s = connection.serverHalf;
  const end: ConnectionEnd = { clientFinAt: c.finAt, serverFinAt: s.finAt, clientRstAt: c.rstAt, serverRstAt: s.rstAt, quit, lastAt: connection.lastAt };
  return new FactsOfConnection(connection, session, connection.handshakeRtt(), commands, flights, end);
}

/** commands[from, to) as a list of its size: copied in a loop, which the optimiser inlines (a slice is a call into a
 * builtin that handles every kind of array). */
function run(commands: TimedCommand[], from: number, to: number): TimedCommand[] {
  const out = listOfSize<TimedCommand>(to - from);
  for (let k = from; k < to; k++) out[k - from] = commands[k]!;
  return out;
}

/** The commands of each flight, as an array by flight index (undefined: none). Grouped once: a long dialogue has as
 * many flights as commands, and filtering per flight would be quadratic. */
function groupByFlight(commands: TimedCommand[], nFlights: number): (TimedCommand[] | undefined)[] {
  // How many commands each flight carried, so that its group is made at its size.
  const perFlight = flightCounters(nFlights);
  for (let k = 0; k < commands.length; k++) {
    const f = commands[k]!.flight;
    if (f >= 0 && f < nFlights) perFlight[f]!++;
  }
  const byFlight: (TimedCommand[] | undefined)[] = new Array(nFlights);
  for (let k = 0; k < commands.length; k++) {
    const t = commands[k]!;
    if (t.flight < 0 || t.flight >= nFlights) continue;
    let group = byFlight[t.flight];
    if (!group) {
      group = byFlight[t.flight] = listOfSize<TimedCommand>(perFlight[t.flight]!);
      perFlight[t.flight] = 0; // from here: how many are in the group so far
    }
    group[perFlight[t.flight]!++] = t;
  }
  return byFlight;
}

function flightFacts(c: HalfStream, flightList: Flight[], i: number, inFlight: TimedCommand[]): FlightFacts {
  const flight = flightList[i]!;
  const next = flightList[i + 1];
  let boundary = flight.start;
  let answered = 0;
  let prefix = true;
  for (let k = 0; k < inFlight.length; k++) {
    const t = inFlight[k]!;
    const r = t.command.reply;
    if (r) answered++;
    const timely = r !== null && (!next || r.at <= next.firstAt);
    if (prefix && timely) boundary = Math.min(flight.end, t.command.offset + t.command.length);
    else prefix = false;
  }
  if (inFlight.length === 0 || answered === inFlight.length) boundary = prefix ? flight.end : boundary;
  return new FlightTiming(flight, inFlight, answered, boundary, prefix, c);
}

/** Counters for computeFacts, one per flight, all zero: one array for every connection (a typed array per
 * connection is three objects), grown when a connection has more flights than any before. */
let counters = new Uint32Array(64);

function flightCounters(flights: number): Uint32Array {
  if (counters.length < flights) counters = new Uint32Array(Math.max(flights, counters.length * 2));
  else counters.fill(0, 0, flights);
  return counters;
}

/** A list to be filled in order from index 0, made at its final size when that is small. A long one grows as it is
 * filled instead: V8 makes `new Array(n)` a slow dictionary past some ten thousand elements. */
function listOfSize<T>(n: number): T[] {
  return n <= 4096 ? new Array<T>(n) : [];
}

/** The commands of every flight that carried none: shared, never pushed to (groups are built in computeFacts). */
const NO_COMMANDS: TimedCommand[] = [];

class FactsOfConnection implements ConnectionFacts {
  private serverData_: PacketFact[] | undefined = undefined;

  constructor(
    readonly connection: Connection,
    readonly session: SmtpSession,
    readonly rtt: Rtt | null,
    readonly commands: TimedCommand[],
    readonly flights: FlightFacts[],
    readonly end: ConnectionEnd,
  ) {}

  /** Made when a rule first reads it: most connections never need it. */
  get serverData(): PacketFact[] {
    return (this.serverData_ ??= this.connection.serverHalf.packets.ofKind(KIND_DATA));
  }
}

// ACKs are looked up when first read, not for every command and flight: only the full JSON of a connection and the
// stall rule read them, and each lookup makes an AckAdvance and a PacketFact that live as long as the connection's
// report. Read them while the connection is being diagnosed (in the tracker's `finished`): the stream gives its ACK
// columns back when that returns.

/** Not yet looked up (null is a looked-up "no ACK"). */
const NOT_LOOKED_UP = undefined;

class CommandTiming implements TimedCommand {
  private ack_: AckAdvance | null | undefined = NOT_LOOKED_UP;

  constructor(
    readonly command: Command,
    readonly sentAt: Instant,
    readonly completedAt: Instant,
    readonly flight: number,
    private readonly half: HalfStream,
  ) {}

  get ack(): AckAdvance | null {
    if (this.ack_ === NOT_LOOKED_UP) this.ack_ = this.half.firstAckCovering(this.command.offset + this.command.length);
    return this.ack_;
  }
}

class FlightTiming implements FlightFacts {
  private ack_: AckAdvance | null | undefined = NOT_LOOKED_UP;

  constructor(
    readonly flight: Flight,
    readonly commands: TimedCommand[],
    readonly answered: number,
    readonly replyBoundary: number,
    readonly allTimely: boolean,
    private readonly half: HalfStream,
  ) {}

  get ack(): AckAdvance | null {
    if (this.ack_ === NOT_LOOKED_UP) this.ack_ = this.commands.length ? this.half.firstAckCovering(this.flight.end) : null;
    return this.ack_;
  }
}
