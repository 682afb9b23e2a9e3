/** Capture-derived text may hold anything (ANSI escapes in a banner, NULs, bare CRs). Every renderer passes such text
 * through here first: control characters become visible escapes, never instructions to the terminal. */
export function printable(s: string, max = 200): string {
  // Nearly every text has no control character: tested first, it is not rebuilt by a replace (which made a new string
  // of every summary and finding of the report).
  const out = CONTROL.test(s) ? s.replace(CONTROLS, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)) : s;
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
