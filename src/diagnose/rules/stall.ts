import type { Command } from '../../smtp/model.js';
import type { AckAdvance, Flight, Instant } from '../../tcp/facts.js';
import type { RuleContext } from '../context.js';
import type { FlightFacts, TimedCommand } from '../facts.js';
import { RFC5321_DEFAULT_TIMEOUT, RFC5321_TIMEOUTS_NS } from '../thresholds.js';

/** A client flight whose commands (some or all) were acknowledged by TCP but never answered by SMTP. */
export interface Stall {
  flight: FlightFacts;
  /** Commands of the flight with no reply (in order). */
  unanswered: TimedCommand[];
  /** Commands of the flight answered in time. */
  answered: TimedCommand[];
  /** The flight's bytes [start, end) and the offset up to which replies came. */
  start: number;
  end: number;
  boundary: number;
  /** The ACK that first covered the unanswered bytes, and how long after they were sent it came. */
  ack: AckAdvance | null;
  ackDelay: number | null;
  /** When and how the client stopped waiting (next flight, FIN, RST) — or null if the capture ended first. */
  gaveUpAt: Instant | null;
  gaveUpBy: string;
  waited: Instant;
  /** The RFC 5321 timer the client was running for the first unanswered command. */
  timer: { ns: number; name: string };
  /** A reply that came after the client had given up (the server was only slow). */
  lateReply: Command | null;
  /** A later reply proved the server alive and answering other commands while these stayed unanswered. */
  skippedByLaterReply: boolean;
}

/** Finds the first flight with ACKed-but-unanswered commands (a QUIT alone does not count: clients often close
 * without waiting for 221). */
export function findStall(ctx: RuleContext): Stall | null {
  const f = ctx.facts;
  const session = f.session;
  if (session.tls) return null;
  for (let i = 0; i < f.flights.length; i++) {
    const flight = f.flights[i]!;
    // Every command answered before the client's next flight: none waits, none is late (nearly every flight).
    if (flight.allTimely) continue;
    const timed = flight.commands;
    // Replies that came only after the client's next flight are "late": the client had moved on (or given up).
    const nextFlight = f.connection.clientHalf.flights[flight.flight.index + 1];
    // Lists made only for a flight that has such commands: nearly every flight of nearly every connection has none.
    let waiting: TimedCommand[] | null = null;
    let late: TimedCommand[] | null = null;
    for (let k = 0; k < timed.length; k++) {
      const t = timed[k]!;
      if (isWaiting(t)) (waiting ??= []).push(t);
      else if (nextFlight && isLate(t, nextFlight)) (late ??= []).push(t);
    }
    if (!waiting && !late) continue;
    const unanswered = (waiting ?? []).concat(late ?? []).sort((a, b) => a.command.offset - b.command.offset);
    const first = unanswered[0]!;
    const ack = f.connection.clientHalf.firstAckCovering(first.command.offset + 1);
    if (!ack) continue; // never acknowledged: a path or capture problem, not a stall behind an ACK
    const gave = giveUp(ctx, flight);
    // The capture ended while the client still waited: only a silence far longer than this server's usual answers
    // counts (a capture cut right after the flight, e.g. a rotated file, proves nothing).
    if (gave.at === null && f.connection.lastAt - flight.flight.firstAt < minimumSilence(ctx)) continue;
    // The server did say something we could not match (a garbled or unsolicited reply): not silence.
    const until = gave.at ?? f.connection.lastAt;
    const spoke = session.anomalies.some(
      (a) => (a.kind === 'garbled-reply-line' || a.kind === 'unsolicited-reply') && a.at > flight.flight.firstAt && a.at <= until,
    );
    if (spoke) continue;
    const timerKey = first.command.verb === '.' ? '.' : first.command.verb;
    return {
      flight,
      unanswered,
      answered: answeredOf(timed, unanswered),
      start: flight.flight.start,
      end: flight.flight.end,
      boundary: flight.replyBoundary,
      ack,
      ackDelay: ack.packet.at - first.sentAt,
      gaveUpAt: gave.at,
      gaveUpBy: gave.by,
      waited: (gave.at ?? f.connection.lastAt) - flight.flight.firstAt,
      timer: RFC5321_TIMEOUTS_NS[timerKey] ?? RFC5321_DEFAULT_TIMEOUT,
      lateReply: late?.[0]?.command ?? null,
      skippedByLaterReply: skippedByLaterReply(session.skipped, unanswered),
    };
  }
  return null;
}

/** The commands of `timed` not in `unanswered`, in order: a set where a long flight would make this quadratic. */
function answeredOf(timed: TimedCommand[], unanswered: TimedCommand[]): TimedCommand[] {
  if (unanswered.length <= 8) return timed.filter((t) => !unanswered.includes(t));
  const set = new Set(unanswered);
  return timed.filter((t) => !set.has(t));
}

/** Sent, not answered, and its reply not lost in the capture (a QUIT alone does not count). */
function isWaiting(t: TimedCommand): boolean {
  return t.command.reply === null && !t.command.replyLost && t.command.verb !== 'QUIT';
}

/** Complete before the client moved on to `next`, with no reply at all (not even an AUTH 334) by then. */
function isLate(t: TimedCommand, next: Flight): boolean {
  const c = t.command;
  if (!c.reply || c.verb === 'QUIT') return false;
  let firstResponse = c.reply.at;
  for (let i = 0; i < c.interim.length; i++) firstResponse = Math.min(firstResponse, c.interim[i]!.at);
  return firstResponse > next.firstAt && c.offset + c.length <= next.start;
}

function skippedByLaterReply(skipped: Command[], unanswered: TimedCommand[]): boolean {
  if (!skipped.length) return false;
  const set = new Set(skipped);
  return unanswered.some((t) => set.has(t.command));
}

function giveUp(ctx: RuleContext, flight: FlightFacts): { at: Instant | null; by: string } {
  const f = ctx.facts;
  const c = f.connection.clientHalf;
  const next = c.flights[flight.flight.index + 1];
  const candidates: [Instant, string][] = [];
  if (next) {
    const cmd = f.commands.find((t) => t.flight === next.index);
    candidates.push([next.firstAt, cmd ? `sent ${cmd.command.verb}` : `sent ${next.end - next.start} more bytes`]);
  }
  if (c.finAt !== null && c.finAt >= flight.flight.firstAt) candidates.push([c.finAt, 'closed the connection (FIN)']);
  if (c.rstAt !== null && c.rstAt >= flight.flight.firstAt) candidates.push([c.rstAt, 'reset the connection (RST)']);
  if (!candidates.length) return { at: null, by: 'was still waiting when the capture ended' };
  candidates.sort((a, b) => a[0] - b[0]);
  return { at: candidates[0]![0], by: candidates[0]![1] };
}

/** Silence needed before "never answered" means something when the client had not given up yet. */
const MIN_SILENCE_NS = 5e9;
const SILENCE_REPLY_MULTIPLE = 20;

function minimumSilence(ctx: RuleContext): number {
  const f = ctx.facts;
  let usual = Math.max(f.rtt?.total ?? 0, 0);
  for (const t of f.commands) if (t.command.reply) usual = Math.max(usual, t.command.reply.at - t.completedAt);
  return Math.max(MIN_SILENCE_NS, SILENCE_REPLY_MULTIPLE * usual);
}
