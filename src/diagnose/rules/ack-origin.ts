import { humanDuration } from '../../analysis/clock.js';
import type { PacketFact } from '../../tcp/facts.js';
import { KIND_DATA, KIND_SYN_ACK, type PacketLog } from '../../tcp/packet-log.js';
import { addFinding, type RuleContext } from '../context.js';
import { compareSender, ttlClass } from '../fingerprint.js';
import { ACK_FASTER_THAN_RTT_FRACTION, MIN_RTT_FOR_TIMING_NS } from '../thresholds.js';
import type { Stall } from './stall.js';

/** Who sent the ACK that covered the stalled bytes? Compared with the packets the server address sent otherwise (its
 * SYN/ACK and its replies): TTL class, IP ID counter, TCP timestamp clock [anchors §4.6 H3–H5], and whether it came
 * faster than the path allows (H1). Returns the number of independent mismatches found. */
export function judgeAckOrigin(ctx: RuleContext, stall: Stall): { mismatches: string[]; matches: string[] } {
  const ack = stall.ack!.packet;
  const server = ctx.facts.connection.serverHalf.packets;
  const reference = replyPackets(server, ack);
  const mismatches: string[] = [];
  const matches: string[] = [];
  if (reference.length < 3) {
    // p0f-style comparisons need a few packets of the real sender to mean anything.
    ctx.captureDoubts.push(`only ${reference.length} packet(s) from the server to compare the ACK with`);
  }
  if (reference.length) {
    const cmp = compareSender(ack, reference);
    if (cmp.ttl.fits === false && cmp.ttl.reference.length === 1) {
      const a = ttlClass(ack.ttl);
      const r = ttlClass(cmp.ttl.reference[0]!);
      mismatches.push(`its TTL is ${ack.ttl} (initial ${a.initial}, ${a.hops} hops) while the server's replies arrive with TTL ${cmp.ttl.reference[0]} (initial ${r.initial}, ${r.hops} hops)`);
    } else if (cmp.ttl.fits) matches.push(`the same TTL ${ack.ttl} as the replies`);
    if (cmp.ipId.fits === false) {
      mismatches.push(`its IP ID ${cmp.ipId.packet} is outside the server's IP ID sequence (${cmp.ipId.before ?? '–'} before, ${cmp.ipId.after ?? '–'} after)`);
    } else if (cmp.ipId.fits) matches.push(`its IP ID ${cmp.ipId.packet} continues the replies' IP ID counter (${cmp.ipId.before ?? '–'} → ${cmp.ipId.after ?? '–'})`);
    if (cmp.tsVal.fits === false) {
      mismatches.push(
        cmp.tsVal.packet === null
          ? 'it carries no TCP timestamp although the server uses timestamps on every segment (RFC 7323 §3.2)'
          : `its TCP timestamp ${cmp.tsVal.packet} is not on the server's clock (${cmp.tsVal.reference})`,
      );
    } else if (cmp.tsVal.fits) matches.push("its TCP timestamp is on the replies' clock");
  }
  const rtt = ctx.facts.rtt;
  if (rtt && ctx.vantage !== 'server' && stall.ackDelay !== null && rtt.toServer >= MIN_RTT_FOR_TIMING_NS) {
    if (stall.ackDelay < ACK_FASTER_THAN_RTT_FRACTION * rtt.toServer) {
      mismatches.push(`it came ${humanDuration(stall.ackDelay)} after the data, faster than the ${humanDuration(rtt.toServer)} round trip to the server measured at the handshake`);
    } else matches.push(`it came ${humanDuration(stall.ackDelay)} after the data, consistent with the ${humanDuration(rtt.toServer)} round trip`);
  }
  addFinding(ctx, {
    kind: 'ack-origin',
    severity: mismatches.length ? 'error' : 'info',
    confidence: mismatches.length ? Math.min(0.95, 0.55 + 0.2 * mismatches.length) : 0.6,
    message: mismatches.length
      ? `The ACK for the unanswered bytes did not come from the server's stack: ${mismatches.join('; ')}.`
      : `The ACK for the unanswered bytes came from the same stack that sends the replies: ${matches.join('; ') || 'nothing sets it apart'}.`,
    evidence: ackEvidence(ack, stall),
  });
  return { mismatches, matches };
}

/** The server's data and SYN/ACK packets other than `ack`, in order: kinds read from the log's columns, so that only
 * these become PacketFacts (the log hands out the same object for a packet every time, so `ack` is recognised). */
function replyPackets(server: PacketLog, ack: PacketFact): PacketFact[] {
  const out: PacketFact[] = [];
  for (let i = 0; i < server.length; i++) {
    const kind = server.kindOf(i);
    if (kind !== KIND_DATA && kind !== KIND_SYN_ACK) continue;
    const p = server.get(i);
    if (p !== ack) out.push(p);
  }
  return out;
}

function ackEvidence(ack: PacketFact, stall: Stall): Record<string, unknown> {
  return {
    frame: ack.frame,
    ackedOffset: stall.ack!.offset,
    ackDelayMs: stall.ackDelay === null ? null : stall.ackDelay / 1e6,
    ttl: ack.ttl,
    ipId: ack.ipId,
    tsVal: ack.tsVal,
    window: ack.window,
    options: ack.optionLayout,
  };
}
