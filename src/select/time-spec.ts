/** Points in time for --since/--until: an ISO time ("2024-03-12T10:02:00Z"; no zone means UTC, as captures are), or a
 * time relative to the capture: "+90s" / "+5m" after its first packet, "-10m" before its last. */
export type TimeSpec = { kind: 'absolute'; ms: number } | { kind: 'relative'; fromStart: boolean; ms: number };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseTimeSpec(text: string): TimeSpec | string {
  const t = text.trim();
  const rel = /^([+-])(\d+(?:\.\d+)?)(ms|s|m|min|h|d)?$/.exec(t);
  if (rel) return { kind: 'relative', fromStart: rel[1] === '+', ms: Number(rel[2]) * UNIT_MS[rel[3] ?? 's']! };
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!iso) return `"${text}" is neither an ISO time (2024-03-12T10:02:00Z) nor relative to the capture (+90s, +5m, -1h)`;
  const withZone = iso[4] ? t : `${t}Z`;
  const ms = Date.parse(withZone.replace(' ', 'T'));
  if (Number.isNaN(ms)) return `"${text}" is not a valid time`;
  return { kind: 'absolute', ms };
}

/** Resolves a spec to epoch milliseconds given the capture's first and last packet times. */
export function resolveTimeSpec(spec: TimeSpec, captureStartMs: number, captureEndMs: number): number {
  if (spec.kind === 'absolute') return spec.ms;
  return spec.fromStart ? captureStartMs + spec.ms : captureEndMs - spec.ms;
}

/** Epoch milliseconds of a report's ISO time (sub-millisecond digits kept as a fraction). */
export function isoMs(iso: string): number {
  const base = Date.parse(`${iso.slice(0, 19)}Z`);
  const frac = /\.(\d+)Z$/.exec(iso);
  return frac ? base + Number(`0.${frac[1]}`) * 1000 : base;
}
