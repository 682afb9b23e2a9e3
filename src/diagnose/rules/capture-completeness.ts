import { addFinding, type RuleContext } from '../context.js';
import { CAPTURE_LOSS_RATIO } from '../thresholds.js';

export interface CaptureLoss {
  /** One side's packets are missing altogether. */
  missingSide: 'client' | 'server' | null;
  /** Bytes the receiver acknowledged but the capture never held. */
  ackedUnseenBytes: number;
  gapEvents: number;
  ratio: number;
  /** Payload bytes cut off by the capture's snapshot length (the packets were seen). */
  snaplenBytes: number;
}

const ACK_BEFORE_DATA_DOUBT = 'the capture recorded some ACKs before the data they cover (packets reordered by the capture), so timing comparisons are less reliable';

/** Is the capture itself missing packets [anchors §4.6 H8, Zeek CaptureLoss; §10 item 11]? A verdict on replies or ACKs
 * means nothing where the capture lost them. */
export function checkCapture(ctx: RuleContext): CaptureLoss | null {
  const c = ctx.facts.connection;
  const ch = c.clientHalf;
  const sh = c.serverHalf;
  let missingSide: CaptureLoss['missingSide'] = null;
  // The client could not send data without a SYN/ACK: if it did and no server packet is here, the capture lost them.
  if (sh.packetCount === 0 && ch.dataPackets > 0) missingSide = 'server';
  else if (ch.packetCount === 0 && sh.dataPackets > 0) missingSide = 'client';
  if (!missingSide && !ch.gaps.length && !sh.gaps.length) {
    // The usual case, said without building the gap lists below: nothing missing, nothing cut.
    if (ch.ackBeforeDataSegments + sh.ackBeforeDataSegments > 0) ctx.captureDoubts.push(ACK_BEFORE_DATA_DOUBT);
    return null;
  }
  const notCaptured = [...ch.gaps, ...sh.gaps].filter((g) => g.reason === 'not-captured');
  const ackedUnseenBytes = notCaptured.filter((g) => g.acked).reduce((n, g) => n + g.end - g.start, 0);
  const ackEvents = ch.ackCount + sh.ackCount;
  const ratio = ackEvents ? notCaptured.length / ackEvents : 0;
  for (const g of ctx.facts.connection.clientHalf.gaps.concat(sh.gaps)) {
    if (g.reason === 'snaplen') {
      ctx.findings.push({
        kind: 'snaplen-cut',
        severity: 'info',
        confidence: 1,
        message: `Payloads were cut by the capture's snapshot length: ${g.end - g.start} bytes at offset ${g.start} are missing (the packets were there; only their tails were not recorded).`,
        evidence: { offset: g.start, length: g.end - g.start },
      });
      break;
    }
  }
  if (ch.ackBeforeDataSegments + sh.ackBeforeDataSegments > 0) {
    ctx.captureDoubts.push(ACK_BEFORE_DATA_DOUBT);
  }
  const snaplenBytes = [...ch.gaps, ...sh.gaps].filter((g) => g.reason === 'snaplen').reduce((n, g) => n + g.end - g.start, 0);
  if (!missingSide && !notCaptured.length) {
    if (!snaplenBytes) return null;
    ctx.captureDoubts.push(`the snapshot length cut ${snaplenBytes} payload bytes`);
    return { missingSide: null, ackedUnseenBytes: 0, gapEvents: 0, ratio: 0, snaplenBytes };
  }
  if (missingSide) {
    ctx.captureDoubts.push(`the ${missingSide}'s packets are absent from the capture`);
    addFinding(ctx, {
      kind: 'one-direction-missing',
      severity: 'error',
      confidence: 0.95,
      message: `Only the ${missingSide === 'server' ? 'client' : 'server'}'s packets are in this capture: the ${missingSide}'s side was not captured (asymmetric routing, or a capture filter on one direction), so nothing can be concluded about ${missingSide === 'server' ? 'replies or ACKs' : 'what the client sent'}.`,
      evidence: { clientPackets: ch.packetCount, serverPackets: sh.packetCount },
    });
  } else {
    ctx.captureDoubts.push(`the capture missed ${notCaptured.length} stretch(es) of bytes`);
    addFinding(ctx, {
      kind: 'capture-gap',
      severity: ratio >= CAPTURE_LOSS_RATIO ? 'warning' : 'info',
      confidence: 0.9,
      message: `The capture is missing ${notCaptured.length} stretch(es) of stream bytes (${ackedUnseenBytes} bytes that the receiver acknowledged, so the network delivered them and the capture dropped them); Wireshark flags these as "ACKed unseen segment" / "previous segment not captured".`,
      evidence: {
        gaps: notCaptured.map((g) => ({ side: ch.gaps.includes(g) ? 'client' : 'server', offset: g.start, length: g.end - g.start, acked: g.acked })),
        lossRatio: Math.round(ratio * 1000) / 1000,
      },
    });
  }
  return { missingSide, ackedUnseenBytes, gapEvents: notCaptured.length, ratio, snaplenBytes };
}
