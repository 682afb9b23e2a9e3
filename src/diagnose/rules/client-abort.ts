import { humanDuration } from '../../analysis/clock.js';
import { addFinding, type RuleContext } from '../context.js';
import { ttlClass } from '../fingerprint.js';
import { KIND_DATA } from '../../tcp/packet-log.js';

/** A pause inside one command line longer than this means its bytes were held or lost on the way. */
const LINE_PAUSE_NS = 1e9;

/** The client closed or reset in the middle of a transaction without QUIT, and every command it sent was answered —
 * from the server's side, this is what a black-holed flight looks like (the rest never arrived). Returns the summary. */
export function detectClientAbort(ctx: RuleContext): string | null {
  const f = ctx.facts;
  const s = f.session;
  if (s.tls || !s.looksLikeSmtp()) return null;
  const c = f.connection.clientHalf;
  const closedAt = c.finAt ?? c.rstAt;
  if (closedAt === null || f.end.quit) return null;
  const open = s.transactions.find((t) => !t.end || !t.end.reply);
  const partial = s.unterminatedClientLine();
  if (!open && !partial) return null;
  const lastData = c.packets.lastOfKind(KIND_DATA);
  const lastClientData = lastData >= 0 ? c.packets.atOf(lastData) : f.connection.firstAt;
  const idle = closedAt - lastClientData;
  const parts: string[] = [];
  if (partial) {
    const text = partial.text.replace(/[^\x20-\x7e]/g, '.').slice(0, 40);
    parts.push(`the client stopped in the middle of a command line at byte ${partial.offset + partial.length} ("${text}"…, ${partial.length} bytes without CRLF)`);
  } else parts.push(`the client left a mail transaction open (MAIL FROM:<${open!.mailFrom}>)`);
  // A line whose bytes came with a long pause inside: its first part arrived, the rest (or what followed) much later.
  const broken = f.commands.find((t) => t.completedAt - t.sentAt > LINE_PAUSE_NS);
  if (broken) {
    const text = `${broken.command.verb} ${broken.command.argument}`.replace(/[^\x20-\x7e]/g, '.').slice(0, 48);
    parts.push(`paused ${humanDuration(broken.completedAt - broken.sentAt)} in the middle of the line "${text}" (byte ${broken.command.offset}), which the server then answered ${broken.command.reply?.code ?? 'nothing'} — the rest of that line never arrived`);
  }
  parts.push(`stayed idle ${humanDuration(idle)}`);
  parts.push(`then ${c.rstAt !== null && (c.finAt === null || c.rstAt < c.finAt) ? 'reset' : 'closed'} the connection without QUIT`);
  const ttl = c.packets.mostCommonTtl();
  const proxyHint = ttl !== undefined && ttl > 128 ? ` Its packets arrive with TTL ${ttl} (initial 255, ${ttlClass(ttl).hops} hops), typical of a firewall or proxy rather than a mail host: the "client" may be a middlebox that lost the rest of the data.` : '';
  addFinding(ctx, {
    kind: 'client-abort',
    severity: 'warning',
    confidence: partial ? 0.7 : 0.6,
    message: `${capital(parts.join(', '))}.${proxyHint}`,
    evidence: { idleMs: idle / 1e6, partialLine: partial ? { offset: partial.offset, length: partial.length } : null, clientTtl: ttl ?? null },
  });
  return `${capital(parts.join(', '))}; nothing in this capture explains why — from the server's side this is how a flight lost upstream looks, so check the client's side (or a capture there).${proxyHint}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
