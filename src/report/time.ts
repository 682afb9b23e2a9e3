/** Milliseconds from ISO time `b` to ISO time `a`, exact to the nanosecond (no float epoch arithmetic). */
export function isoDiffMs(a: string, b: string): number {
  const sa = Date.parse(`${a.slice(0, 19)}Z`) / 1000;
  const sb = Date.parse(`${b.slice(0, 19)}Z`) / 1000;
  const fa = fracNs(a);
  const fb = fracNs(b);
  return ((sa - sb) * 1e9 + (fa - fb)) / 1e6;
}

function fracNs(iso: string): number {
  const m = /\.(\d+)Z$/.exec(iso);
  if (!m) return 0;
  return Number(m[1]!.padEnd(9, '0').slice(0, 9));
}

export function formatMs(x: number): string {
  const a = Math.abs(x);
  if (a < 1) return `${(x * 1000).toFixed(0)} µs`;
  if (a < 1000) return `${x.toFixed(a < 10 ? 2 : 1)} ms`;
  if (a < 60_000) return `${(x / 1000).toFixed(2)} s`;
  return `${(x / 60_000).toFixed(1)} min`;
}
