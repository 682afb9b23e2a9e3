import { printable } from './sanitize.js';

/** HTML/SVG text and attribute values: capture-derived text (a banner holding `<script>`) must stay text. */
export function escapeHtml(s: string): string {
  // Tested first: most texts have nothing to escape, and are then not rebuilt.
  return HTML_SPECIAL.test(s) ? s.replace(HTML_SPECIALS, (c) => HTML_ENTITIES[c]!) : s;
}

const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;
const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markdown inline text (paragraphs, table cells): control characters made visible, then every character Markdown
 * or an HTML-accepting renderer could act on escaped, so `](javascript:…)` or `<script>` can never form a link or tag. */
export function escapeMarkdown(s: string, max = 2000): string {
  return printable(s, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]#|~]/g, (c) => `\\${c}`);
}

/** A fenced code block whose fence cannot be closed by the content (longer than any backtick run in it). */
export function fencedBlock(lines: string[], info = 'text'): string {
  const body = lines.map((l) => printable(l, 4000)).join('\n');
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${body}\n${fence}`;
}
