import type { ConnectionJson } from '../analysis/report-model.js';
import { buildExchange, type Lane } from './exchange.js';

/** Mermaid text must not carry anything its parser acts on (`;`, `#`, `<`, newlines): labels here are built from
 * numbers and verbs only, and filtered once more. */
function mm(s: string): string {
  return s.replace(/[^A-Za-z0-9 .,:@()+×/=%µ←…_\-[\]]/g, ' ').replace(/\s+/g, ' ').trim();
}

const ID: Record<Lane, string> = { client: 'C', middle: 'M', server: 'S' };

/** A `sequenceDiagram` of the stalled exchange: client, the middlebox when one was inferred, server; the flights,
 * the ACKs with their delay and TTL, and the replies or the silence. */
export function mermaidSequence(c: ConnectionJson): string {
  const x = buildExchange(c);
  const lines = ['sequenceDiagram', `  participant C as Client ${mm(c.client)}`];
  if (x.middle) lines.push(`  participant M as Middlebox (${mm(c.middlebox!.kind)}, inferred)`);
  lines.push(`  participant S as Server ${mm(c.server)}`);
  for (const e of x.events) {
    if (e.kind === 'note') {
      const over = e.from === e.to ? ID[e.from] : `${ID[e.from]},${ID[e.to]}`;
      lines.push(`  Note over ${over}: ${e.alarm ? 'NO REPLY: ' : ''}${mm(e.label)}`);
      continue;
    }
    const arrow = e.kind === 'ack' || e.kind === 'handshake' ? '-->>' : e.alarm ? '-x' : '->>';
    lines.push(`  ${ID[e.from]}${arrow}${ID[e.to]}: +${e.atMs.toFixed(3)} ms ${mm(e.label)}`);
  }
  if (x.omittedFlights) lines.push(`  Note over C,S: ${x.omittedFlights} answered flight(s) not shown`);
  return lines.join('\n');
}
