import { addFinding, type RuleContext } from '../context.js';
import { PIX_BANNER_ASTERISKS } from '../thresholds.js';

/** Signatures of Cisco PIX "fixup smtp" / ASA "inspect esmtp" [anchors §5.1–5.2]: a greeting masked with asterisks
 * (all but "2", "0" and spaces), EHLO refused with 500 or its keywords masked as X…, commands turned into XXXX. */
export function detectSmtpInspection(ctx: RuleContext): string[] {
  const s = ctx.facts.session;
  const signs: string[] = [];
  // Every connection passes here and almost none is inspected: lines are searched one by one, nothing joined unless
  // it goes into a sign (the joining space can neither be an asterisk nor complete an "XXXX").
  const stars = s.banner ? countStars(s.banner.lines) : 0;
  if (stars >= PIX_BANNER_ASTERISKS) signs.push(`the greeting is masked with ${stars} asterisks ("${s.banner!.lines.join(' ').slice(0, 50)}")`);
  const ehlo = s.commands.find((c) => c.verb === 'EHLO');
  if (ehlo?.reply && ehlo.reply.code === 500 && stars >= PIX_BANNER_ASTERISKS) signs.push('EHLO was refused with 500 (ESMTP filtered)');
  if (ehlo?.reply && ehlo.reply.lines.some((l) => l.startsWith('XXXX'))) signs.push('EHLO keywords are masked as "XXXX…"');
  const masked = s.commands.find((c) => c.reply && c.reply.lines.some((l) => l.includes('XXXX')));
  if (masked) signs.push(`the server answered "${masked.reply!.lines[0]!.slice(0, 60)}": a command reached it rewritten as XXXX`);
  if (signs.length) {
    addFinding(ctx, {
      kind: 'smtp-inspection',
      severity: 'warning',
      confidence: Math.min(0.95, 0.6 + 0.15 * signs.length),
      message: `An SMTP-inspecting firewall (Cisco PIX/ASA style) rewrites this dialogue: ${signs.join('; ')}. Such inspection strips ESMTP (PIPELINING, STARTTLS, CHUNKING) and is known to break mail.`,
      evidence: { signs },
    });
  }
  return signs;
}

function countStars(lines: string[]): number {
  let n = 0;
  for (const l of lines) for (let i = l.indexOf('*'); i >= 0; i = l.indexOf('*', i + 1)) n++;
  return n;
}
