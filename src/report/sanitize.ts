/** Capture-derived text may hold anything (ANSI escapes in a banner, NULs, bare CRs). Every renderer passes such text
 * through here first: control characters become visible escapes, never instructions to the terminal. */
export function printable(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const out = s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
