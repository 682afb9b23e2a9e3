import { humanDuration } from '../analysis/clock.js';
import { verbRuns } from '../analysis/verb-runs.js';
import { addFinding, type RuleContext } from './context.js';
import type { Stall } from './rules/stall.js';


/** The stalled flight in one sentence: size, commands, the reply boundary, who ACKed when, how long the client waited. */
export function stallSentence(ctx: RuleContext, s: Stall): string {
  const size = s.end - s.start;
  const all = [...s.answered, ...s.unanswered].sort((a, b) => a.command.offset - b.command.offset);
  const verbs = verbRuns(all.map((t) => t.command.verb));
  const pipelined = all.length > 1 ? 'pipelined ' : '';
  const when = ctx.clock ? ` sent at ${ctx.clock.short(s.flight.flight.firstAt)} UTC` : '';
  const sent = ctx.facts.commands.length ? `the ${size}-byte ${pipelined}flight (${verbs})${when}` : `${size} bytes${when}`;
  const acked = s.ackDelay !== null ? `was ACKed ${humanDuration(s.ackDelay)} later (TTL ${s.ack!.packet.ttl})` : 'was ACKed';
  let replies: string;
  const cut = s.boundary - s.start;
  if (!s.answered.length) replies = 'yet no SMTP reply ever came for any of it';
  else if (cut <= 0) replies = `but its first command got no timely reply (${s.answered.length} later one(s) were answered)`;
  else {
    replies = `but replies covered only the commands in bytes 0–${cut - 1} of the ${size}-byte flight; nothing after byte ${cut} was answered`;
  }
  const waited = s.gaveUpAt !== null ? `the client ${s.gaveUpBy} after ${humanDuration(s.waited)}` : `the capture ended ${humanDuration(s.waited)} later with the client still waiting`;
  return `${capital(sent)} ${acked}, ${replies}; ${waited}.`;
}

/** The stall's evidence as a finding a sceptical reader can check command by command. Returns the stall's sentence
 * (stallSentence), made once for the finding and the summary. */
export function describeStall(ctx: RuleContext, s: Stall): string {
  const rfcShort = s.gaveUpAt !== null && s.waited < s.timer.ns;
  const sentence = stallSentence(ctx, s);
  addFinding(ctx, {
    kind: 'acked-not-answered',
    severity: 'error',
    confidence: 0.9,
    message: `${sentence}${rfcShort ? ` (RFC 5321 §4.5.3.2 lets the server take ${s.timer.name}.)` : ''}`,
    evidence: {
      flightBytes: s.end - s.start,
      flightOffset: s.start,
      replyBoundary: s.boundary,
      answered: s.answered.map((t) => ({ command: t.command.verb, offset: t.command.offset - s.start, length: t.command.length, code: t.command.reply?.code })),
      unanswered: s.unanswered.map((t) => ({ command: t.command.verb, offset: t.command.offset - s.start, length: t.command.length, lateReply: t.command.reply?.code ?? null })),
      ackFrame: s.ack?.packet.frame ?? null,
      ackDelayMs: s.ackDelay === null ? null : s.ackDelay / 1e6,
      waitedMs: s.waited / 1e6,
      clientGaveUp: s.gaveUpBy,
      rfc5321Timer: s.timer.name,
    },
  });
  return sentence;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
