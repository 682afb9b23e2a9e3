import type { SmtpAnomaly } from '../../smtp/model.js';
import { addFinding, type RuleContext } from '../context.js';

/** What the SMTP layer found odd (garbled reply lines, replies nobody asked for, bare LFs, overlong lines, commands a
 * later reply skipped), summarised so a reader sees it without reading the transcript. */
export function summariseAnomalies(ctx: RuleContext): void {
  const s = ctx.facts.session;
  if (s.anomalies.length) summariseByKind(ctx, s.anomalies);
  if (s.hiddenCredentialLines) {
    addFinding(ctx, { kind: 'smtp-credentials-hidden', severity: 'info', confidence: 1, message: `${s.hiddenCredentialLines} AUTH credential line(s) were recognised and left out of this report.`, evidence: { lines: s.hiddenCredentialLines } });
  }
  if (s.unsynchronizedLines) {
    addFinding(ctx, {
      kind: 'smtp-unsynchronised',
      severity: 'info',
      confidence: 0.8,
      message: `${s.unsynchronizedLines} client line(s) were read while the dialogue's state was unknown (capture started mid-connection or after a gap) and are not shown as commands.`,
      evidence: { lines: s.unsynchronizedLines },
    });
  }
}

/** One finding per kind of anomaly: the first one's words and how many there were. */
function summariseByKind(ctx: RuleContext, anomalies: SmtpAnomaly[]): void {
  const byKind = new Map<string, { count: number; first: string }>();
  for (const a of anomalies) {
    const e = byKind.get(a.kind);
    if (e) e.count++;
    else byKind.set(a.kind, { count: 1, first: a.detail });
  }
  for (const [kind, { count, first }] of byKind) {
    if (kind === 'client-gap' || kind === 'server-gap') continue; // told by the capture rule
    addFinding(ctx, {
      kind: `smtp-${kind}`,
      severity: kind === 'commands-skipped-by-reply' ? 'warning' : 'info',
      confidence: 0.9,
      message: count > 1 ? `${first} (and ${count - 1} more like it)` : first,
      evidence: { count },
    });
  }
}
