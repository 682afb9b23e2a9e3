import { type Clock, humanDuration } from '../analysis/clock.js';
import type { Diagnosis } from '../analysis/report-model.js';
import type { Transaction } from '../smtp/model.js';
import { addFinding, type RuleContext } from './context.js';
import type { ConnectionFacts } from './facts.js';
import { mostCommon, ttlClass } from './fingerprint.js';
import { connectionOutcome } from './outcome.js';
import { judgeAckOrigin } from './rules/ack-origin.js';
import { checkCapture, type CaptureLoss } from './rules/capture-completeness.js';
import { detectClientAbort } from './rules/client-abort.js';
import { summariseAnomalies } from './rules/protocol-anomalies.js';
import { judgeResets } from './rules/resets.js';
import { measureLoss } from './rules/retransmissions.js';
import { findSlowReplies, type SlowReply } from './rules/slow-replies.js';
import { detectSmtpInspection } from './rules/smtp-inspection.js';
import { detectSplit, type SplitEvidence } from './rules/split-proxy.js';
import { findStall, type Stall } from './rules/stall.js';
import { describeStall } from './stall-words.js';
import { SUSPICIOUS_BLOCK } from './thresholds.js';
import type { Middlebox, Verdict } from './verdict.js';
import { inferVantage } from './vantage.js';

/** Runs every rule on one connection and decides: what went wrong, who is to blame, how sure we are. Precision first:
 * a middlebox is named only on evidence that the peer's own stack cannot explain. */
export function diagnoseConnection(facts: ConnectionFacts, finishedBy: RuleContext['finishedBy'], clock: Clock | null = null): Verdict {
  const { vantage, reason: vantageReason } = inferVantage(facts);
  const ctx: RuleContext = { facts, vantage, clock, finishedBy, findings: [], middleboxes: [], captureDoubts: [] };
  const outcome = connectionOutcome(ctx);
  const loss = checkCapture(ctx);
  const pix = detectSmtpInspection(ctx);
  if (pix.length) ctx.middleboxes.push({ kind: 'smtp-inspection', confidence: Math.min(0.95, 0.6 + 0.15 * pix.length), evidence: pix });
  const split = detectSplit(ctx);
  const reset = judgeResets(ctx);
  const slow = findSlowReplies(ctx);
  const pathLoss = measureLoss(ctx);
  const stall = loss?.missingSide ? null : findStall(ctx);
  summariseAnomalies(ctx);

  let diagnosis: Diagnosis = 'none';
  let summary = '';
  let confidence = 0.8;

  if (loss?.missingSide) {
    diagnosis = 'capture-loss';
    confidence = 0.95;
    summary = `Only one direction of this connection was captured (the ${loss.missingSide}'s packets are missing), so no verdict on replies or ACKs can be given; capture on the other side or without a direction filter.`;
  } else if (stall && loss) {
    // Precision first: with bytes missing from the capture, an apparent stall may be a reply the capture dropped.
    const what = describeStall(ctx, stall);
    diagnosis = 'capture-loss';
    summary = `${what} But ${lossWords(loss)}, so the missing replies may simply not have been recorded: verdict withheld; capture again (closer to the endpoints, with -s 0).`;
  } else if (stall) {
    ({ diagnosis, summary, confidence } = judgeStall(ctx, stall, split, slow));
  } else if (reset?.forged) {
    diagnosis = 'middlebox-reset';
    confidence = Math.min(0.9, 0.5 + 0.2 * reset.reasons.length);
    ctx.middleboxes.push({ kind: 'reset-injection', confidence: Math.min(0.9, 0.5 + 0.2 * reset.reasons.length), evidence: reset.reasons });
    summary = `The connection was reset by something on the path, not by the ${reset.side}: ${reset.reasons[0]}. Look for a firewall or IPS that injects resets (e.g. on a content match).`;
  } else if (reset?.midDialogue) {
    diagnosis = 'peer-reset';
    confidence = 0.7;
    summary = `The ${reset.side} reset the connection in the middle of the dialogue, and the RST matches its other packets (TTL, IP ID): look at the ${reset.side}'s logs.`;
  } else if (slow.length) {
    diagnosis = 'slow-server';
    confidence = 0.85;
    const worst = slow.reduce((a, b) => (b.serviceTime > a.serviceTime ? b : a));
    summary = `The server answered slowly: ${worst.command.command.verb} took ${humanDuration(worst.serviceTime)}${slow.length > 1 ? ` (${slow.length} slow replies, ${humanDuration(slow.reduce((n, s) => n + s.serviceTime, 0))} in all)` : ''}; the dialogue still completed.`;
  } else {
    const abort = detectClientAbort(ctx);
    if (abort) {
      diagnosis = 'client-abort';
      confidence = 0.6; // nothing here explains the abort; the cause is elsewhere
      summary = abort;
    } else if (pathLoss) {
      diagnosis = 'path-loss';
      summary = `${pathLoss.segments} segment(s) had to be retransmitted, delaying the dialogue by up to ${humanDuration(pathLoss.delay)}, but it completed: packet loss on the path, not an SMTP problem.`;
    } else if (loss) {
      diagnosis = 'capture-loss';
      summary = `${capitalised(lossWords(loss))}; what is visible shows no fault, but conclusions about the missing part are withheld.`;
    }
  }
  if (split && diagnosis === 'none' && !ctx.middleboxes.length) {
    ctx.middleboxes.push({
      kind: 'split-proxy',
      confidence: 0.5,
      evidence: [`TCP answered in ${humanDuration(split.tcpRtt)}, SMTP replies took at least ${humanDuration(split.smtpFloor)}`],
    });
  }
  if (ctx.captureDoubts.length && diagnosis !== 'capture-loss' && (diagnosis !== 'none' || ctx.middleboxes.length)) {
    confidence *= 0.7;
    addFinding(ctx, {
      kind: 'confidence-lowered',
      severity: 'info',
      confidence: 1,
      message: `Confidence lowered because ${ctx.captureDoubts.join('; ')}.`,
      evidence: { doubts: ctx.captureDoubts },
    });
    for (const m of ctx.middleboxes) m.confidence = round(m.confidence * 0.7);
  }
  const middlebox = strongest(ctx.middleboxes);
  if (diagnosis === 'none') summary = healthySummary(ctx, outcome, middlebox);
  for (let i = 0; i < ctx.findings.length; i++) ctx.findings[i]!.confidence = round(ctx.findings[i]!.confidence);
  addFinding(ctx, { kind: 'vantage', severity: 'info', confidence: vantage === 'unknown' ? 0.3 : 0.7, message: `Capture point: ${vantage} (${vantageReason}).`, evidence: { vantage } });
  return { vantage, outcome, diagnosis, confidence: round(confidence), middlebox, summary, findings: ctx.findings };
}

function judgeStall(ctx: RuleContext, stall: Stall, split: SplitEvidence | null, slow: SlowReply[]): { diagnosis: Diagnosis; summary: string; confidence: number } {
  const what = describeStall(ctx, stall);
  if (ctx.vantage === 'server') {
    // Here the ACK is the server's own for sure; the bytes reached the server host.
    return { diagnosis: 'server-stall', summary: `${what} The capture was taken at the server, so its own stack acknowledged the bytes and its SMTP process never answered: look at the MTA (frozen process, callouts, load).`, confidence: 0.8 };
  }
  const origin = judgeAckOrigin(ctx, stall);
  const evidence: string[] = [];
  if (stall.skippedByLaterReply) evidence.push('the server answered a later command, so it was alive and never received these bytes');
  const partial = stall.answered.length > 0 && stall.flight.flight.segments === 1;
  if (partial) {
    const multiple = stall.boundary - stall.start > 0 && (stall.boundary - stall.start) % SUSPICIOUS_BLOCK === 0;
    evidence.push(`one TCP segment carried the whole group, yet only the commands in its first ${stall.boundary - stall.start} bytes were answered${multiple ? ` (a multiple of ${SUSPICIOUS_BLOCK})` : ''}`);
  }
  if (origin.mismatches.length) {
    ctx.middleboxes.push({ kind: 'ack-spoofing', confidence: Math.min(0.95, 0.55 + 0.15 * origin.mismatches.length + (evidence.length ? 0.1 : 0)), evidence: [...origin.mismatches, ...evidence] });
    return {
      diagnosis: 'middlebox-blackhole',
      summary: `${what} The ACK did not come from the server: ${origin.mismatches[0]}. A device on the path acknowledged the data and never delivered it.`,
      confidence: 0.85,
    };
  }
  if (split) {
    const splitWords = `TCP answered in ${humanDuration(split.tcpRtt)} while SMTP replies took at least ${humanDuration(split.smtpFloor)}`;
    ctx.middleboxes.push({ kind: 'split-proxy', confidence: Math.min(0.95, 0.6 + 0.15 * evidence.length + (stall.unanswered.length ? 0.1 : 0)), evidence: [splitWords, ...evidence] });
    return {
      diagnosis: 'middlebox-blackhole',
      summary: `${what} ${splitWords}: an intercepting proxy${serverHopsWords(ctx)} terminates TCP and acknowledged the data itself${evidence.length ? `; ${evidence[0]}` : ''}. Look at that device (firewall/proxy) — the bytes died there.`,
      confidence: 0.8,
    };
  }
  if (stall.skippedByLaterReply) {
    ctx.middleboxes.push({ kind: 'split-proxy', confidence: 0.6, evidence });
    return { diagnosis: 'middlebox-blackhole', summary: `${what} ${evidence[0]}: something between client and server acknowledged the data and lost it.`, confidence: 0.65 };
  }
  if (stall.answered.length || stall.lateReply) {
    if (slow.length) {
      const delays = slow.map((x) => `${x.command.command.verb} ${humanDuration(x.serviceTime)}`).slice(0, 6).join(', ');
      const sum = humanDuration(slow.reduce((n, x) => n + x.serviceTime, 0));
      const gaveUp = stall.gaveUpAt !== null ? `; the client gave up after ${humanDuration(stall.waited)}` : '';
      return {
        diagnosis: 'slow-server',
        summary: `${what} The server was answering, but slowly: ${delays}${slow.length > 6 ? ', …' : ''} (together ${sum})${gaveUp}, while RFC 5321 §4.5.3.2 asks a client to wait at least ${humanDuration(stall.timer.ns)} (${stall.timer.name.split(':')[0]}) — look at the server's per-command delays (callouts, DNS, greylisting, content checks) or raise the client's timeout.`,
        confidence: 0.8,
      };
    }
    return {
      diagnosis: 'client-timeout',
      summary: `${what} The server was still working and answered later; the client gave up after ${humanDuration(stall.waited)} although RFC 5321 §4.5.3.2 allows ${stall.timer.name}.`,
      confidence: 0.7,
    };
  }
  if (origin.matches.length === 0 && (ctx.facts.serverData.length === 0 || !ctx.facts.rtt)) {
    return { diagnosis: 'server-stall', summary: `${what} Too little of the server's traffic is in the capture to tell whether its own stack or a device on the path sent the ACK.`, confidence: 0.4 };
  }
  return {
    diagnosis: 'server-stall',
    summary: `${what} The ACK came from the server's own stack (${origin.matches.slice(0, 2).join('; ') || 'nothing sets it apart'}), so the bytes reached the server host and its SMTP process never answered: look at the MTA (frozen or overloaded process, slow callouts, DNS).`,
    confidence: 0.75,
  };
}

function lossWords(loss: CaptureLoss): string {
  const parts: string[] = [];
  if (loss.gapEvents) parts.push(`the capture itself is missing ${loss.gapEvents} stretch(es) of bytes (${loss.ackedUnseenBytes} bytes the receiver acknowledged, so the network delivered them)`);
  if (loss.snaplenBytes) parts.push(`the capture's snapshot length cut ${loss.snaplenBytes} payload bytes (recapture with -s 0)`);
  return parts.join(', and ');
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function serverHopsWords(ctx: RuleContext): string {
  const ttl = mostCommon(ctx.facts.serverData.map((p) => p.ttl));
  if (ttl === undefined) return '';
  const { hops } = ttlClass(ttl);
  return hops === 0 ? ' right next to the capture point (its packets arrive with an untouched TTL)' : ` about ${hops} hop(s) from the capture point`;
}

function healthySummary(ctx: RuleContext, outcome: string, middlebox: Middlebox | null): string {
  const s = ctx.facts.session;
  const txs = s.transactions;
  let delivered = 0;
  for (let i = 0; i < txs.length; i++) if (txs[i]!.outcome === 'delivered') delivered++;
  const parts: string[] = [];
  if (outcome === 'encrypted') parts.push(s.tls?.implicit ? 'Implicit TLS from the first byte: the SMTP dialogue is encrypted and cannot be inspected.' : 'The dialogue switched to TLS (STARTTLS); what followed is encrypted.');
  else if (outcome === 'not-smtp') parts.push('This connection does not carry an SMTP dialogue.');
  else if (txs.length) {
    parts.push(`${txs.length} mail transaction(s), ${delivered} delivered${txs.length - delivered ? `, ${txs.length - delivered} ${txs.filter((t) => t.outcome !== 'delivered').map((t) => t.outcome).join('/')}` : ''}; every command was answered.`);
    const refused = refusedRecipientCodes(txs);
    if (refused) parts.push(`${refused.length} recipient(s) refused by the server (${refused.join(', ')}): a policy answer, not a transport fault.`);
  } else parts.push('No mail transaction; every command was answered.');
  if (middlebox?.kind === 'split-proxy') parts.push(`A TCP-terminating proxy (or a deliberately slow server) sits in the path: ${middlebox.evidence[0]}; it did no harm here.`);
  if (middlebox?.kind === 'smtp-inspection') parts.push(`An SMTP-inspecting firewall rewrites the dialogue: ${middlebox.evidence[0]}.`);
  return parts.join(' ');
}

/** The codes of the recipients the server refused (4xx, 5xx), in order; null when none was (no list made then). */
function refusedRecipientCodes(txs: Transaction[]): number[] | null {
  let codes: number[] | null = null;
  for (let i = 0; i < txs.length; i++) {
    const rcpts = txs[i]!.rcpts;
    for (let k = 0; k < rcpts.length; k++) {
      const reply = rcpts[k]!.command.reply;
      if (reply && reply.code >= 400) (codes ??= []).push(reply.code);
    }
  }
  return codes;
}

function strongest(ms: Middlebox[]): Middlebox | null {
  if (!ms.length) return null;
  const m = ms.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return { ...m, confidence: round(m.confidence) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
