import { humanDuration } from '../../analysis/clock.js';
import { addFinding, type RuleContext } from '../context.js';
import type { TimedCommand } from '../facts.js';
import { SLOW_REPLY_NS, SLOW_RTT_MULTIPLE } from '../thresholds.js';

export interface SlowReply {
  command: TimedCommand;
  /** Time the server spent on this command: from when it could start (command sent, previous reply out) to its reply. */
  serviceTime: number;
}

/** Replies that came, but late. For pipelined commands the server works through them in order, so each command's
 * own delay is measured from the previous reply, not from when the whole group was sent. */
export function findSlowReplies(ctx: RuleContext): SlowReply[] {
  const f = ctx.facts;
  const rtt = f.rtt?.total ?? 0;
  const threshold = Math.max(SLOW_REPLY_NS, SLOW_RTT_MULTIPLE * rtt);
  const slow: SlowReply[] = [];
  let previousReplyAt = -Infinity;
  for (let i = 0; i < f.commands.length; i++) {
    const t = f.commands[i]!;
    const r = t.command.reply;
    if (!r) continue;
    const startedAt = Math.max(t.completedAt, previousReplyAt);
    const serviceTime = r.at - startedAt;
    previousReplyAt = r.at;
    if (serviceTime >= threshold && t.command.verb !== 'QUIT') slow.push({ command: t, serviceTime });
  }
  if (slow.length) {
    const total = slow.reduce((n, s) => n + s.serviceTime, 0);
    addFinding(ctx, {
      kind: 'slow-replies',
      severity: 'warning',
      confidence: 0.85,
      message: `The server took long to answer ${slow.length} command(s): ${slow
        .slice(0, 6)
        .map((s) => `${s.command.command.verb} ${humanDuration(s.serviceTime)}`)
        .join(', ')}${slow.length > 6 ? ', …' : ''} (together ${humanDuration(total)}).`,
      evidence: {
        replies: slow.map((s) => ({ command: s.command.command.verb, offset: s.command.command.offset, serviceMs: s.serviceTime / 1e6, code: s.command.command.reply?.code })),
        totalMs: total / 1e6,
        thresholdMs: threshold / 1e6,
      },
    });
  }
  return slow;
}
