import { addFinding, type RuleContext } from '../context.js';
import { compareSender, ttlClass } from '../fingerprint.js';
import { KIND_RST } from '../../tcp/packet-log.js';

export interface ResetVerdict {
  side: 'client' | 'server';
  forged: boolean;
  reasons: string[];
  at: number;
  midDialogue: boolean;
}

const SIDES = ['server', 'client'] as const;

/** Was an RST sent by the peer, or injected by something on the path [anchors §4.1 Weaver et al.; §4.6 H6/H7]? An RST
 * whose TTL or IP ID is out of line with the side's other packets, or after which that side still sends, has a second
 * sender. Judged on the first RST of each side. */
export function judgeResets(ctx: RuleContext): ResetVerdict | null {
  const c = ctx.facts.connection;
  // A side's RST packets are in its log only once it has an rstAt (the stream notes every RST it is sent): with none
  // on either side (nearly every connection) there is nothing to judge, and no packet log to scan.
  if (c.clientHalf.rstAt === null && c.serverHalf.rstAt === null) return null;
  for (const side of SIDES) {
    const half = side === 'server' ? c.serverHalf : c.clientHalf;
    const rstIndex = half.packets.firstOfKind(KIND_RST);
    if (rstIndex < 0) continue;
    const rst = half.packets.get(rstIndex);
    // An RST once the connection is closing (a FIN either way, or after QUIT) is how stacks end connections whose
    // socket is gone: no evidence of anything.
    const closing = [c.clientHalf.finAt, c.serverHalf.finAt].some((t) => t !== null && t <= rst.at);
    const quit = ctx.facts.end.quit;
    if (closing || (quit && quit.at <= rst.at)) continue;
    const reference = half.packets.filter((p) => p !== rst && p.kind !== 'rst' && p.at <= rst.at);
    const reasons: string[] = [];
    if (reference.length >= 2) {
      const cmp = compareSender(rst, reference);
      if (cmp.ttl.fits === false && cmp.ttl.reference.length === 1) {
        const a = ttlClass(rst.ttl);
        const r = ttlClass(cmp.ttl.reference[0]!);
        if (a.initial !== r.initial || Math.abs(a.hops - r.hops) >= 1) {
          reasons.push(`its TTL is ${rst.ttl} while the ${side}'s other packets arrive with ${cmp.ttl.reference[0]}`);
        }
      }
      // Linux sends resets from outside the connection's socket with IP ID 0: a zero ID says nothing.
      if (cmp.ipId.fits === false && rst.ipId !== 0) reasons.push(`its IP ID ${rst.ipId} is outside the ${side}'s sequence`);
    }
    // Race evidence: the "same" side keeps sending data after its own RST.
    const after = half.packets.filter((p) => p.at > rst.at && p.kind === 'data');
    if (after.length) reasons.push(`the ${side} sent ${after.length} data packet(s) after this RST, so the RST was not its own`);
    const session = ctx.facts.session;
    const quitAnswered = session.commands.some((x) => x.verb === 'QUIT' && x.reply);
    const midDialogue = !quitAnswered && !session.tls;
    const forged = reasons.length > 0;
    // A client resetting is its own business (it gave up); only a forged one matters.
    if (forged || (midDialogue && side === 'server')) {
      addFinding(ctx, {
        kind: forged ? 'reset-injected' : 'peer-reset',
        severity: forged || midDialogue ? 'error' : 'info',
        confidence: forged ? Math.min(0.9, 0.5 + 0.2 * reasons.length) : 0.7,
        message: forged
          ? `The RST "from" the ${side} (frame ${rst.frame}) was not sent by the ${side}'s stack: ${reasons.join('; ')}.`
          : `The ${side} reset the connection in the middle of the dialogue (frame ${rst.frame}); its TTL and IP ID match its other packets.`,
        evidence: { frame: rst.frame, ttl: rst.ttl, ipId: rst.ipId, side },
      });
      return { side, forged, reasons, at: rst.at, midDialogue };
    }
  }
  return null;
}
