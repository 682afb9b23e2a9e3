import type { Command } from '../../smtp/model.js';
import { addFinding, type RuleContext } from '../context.js';
import { PIX_BANNER_ASTERISKS } from '../thresholds.js';

/** Signatures of Cisco PIX "fixup smtp" / ASA "inspect esmtp" [anchors §5.1–5.2]: a greeting masked with asterisks
 * (all but "2", "0" and spaces), EHLO refused with 500 or its keywords masked as X…, commands turned into XXXX. */
export function detectSmtpInspection(ctx: RuleContext): string[] {
  const s = ctx.facts.session;
  // Every connection passes here and almost none is inspected: lines are searched one by one, nothing joined unless
  // it goes into a sign (the joining space can neither be an asterisk nor complete an "XXXX"), and a connection with
  // no sign gets the shared empty list.
  let signs: string[] = NO_SIGNS;
  const stars = s.banner ? countStars(s.banner.lines) : 0;
  if (stars >= PIX_BANNER_ASTERISKS) signs = withSign(signs, `the greeting is masked with ${stars} asterisks ("${s.banner!.lines.join(' ').slice(0, 50)}")`);
  let ehlo: Command | undefined;
  let masked: Command | undefined;
  for (let i = 0; i < s.commands.length && !(ehlo && masked); i++) {
    const c = s.commands[i]!;
    if (!ehlo && c.verb === 'EHLO') ehlo = c;
    if (!masked && c.reply && someLine(c.reply.lines, 'XXXX', false)) masked = c;
  }
  if (ehlo?.reply && ehlo.reply.code === 500 && stars >= PIX_BANNER_ASTERISKS) signs = withSign(signs, 'EHLO was refused with 500 (ESMTP filtered)');
  if (ehlo?.reply && someLine(ehlo.reply.lines, 'XXXX', true)) signs = withSign(signs, 'EHLO keywords are masked as "XXXX…"');
  if (masked) signs = withSign(signs, `the server answered "${masked.reply!.lines[0]!.slice(0, 60)}": a command reached it rewritten as XXXX`);
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

/** What a connection with no sign of inspection gets: shared, never pushed to (see withSign). */
const NO_SIGNS: string[] = [];

function withSign(signs: string[], sign: string): string[] {
  if (signs === NO_SIGNS) return [sign];
  signs.push(sign);
  return signs;
}

/** Does a line start with (`atStart`) or contain `text`? */
function someLine(lines: string[], text: string, atStart: boolean): boolean {
  for (let i = 0; i < lines.length; i++) if (atStart ? lines[i]!.startsWith(text) : lines[i]!.includes(text)) return true;
  return false;
}

function countStars(lines: string[]): number {
  let n = 0;
  for (const l of lines) for (let i = l.indexOf('*'); i >= 0; i = l.indexOf('*', i + 1)) n++;
  return n;
}
