import type { Line } from './line-framer.js';

// SMTP verbs (RFC 5321 §4.1, RFC 3030 BDAT, RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 2033 LHLO, Postfix XCLIENT/XFORWARD).
export const KNOWN_VERBS = new Set([
  'HELO', 'EHLO', 'LHLO', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'QUIT', 'VRFY', 'EXPN', 'HELP',
  'STARTTLS', 'AUTH', 'ETRN', 'TURN', 'ATRN', 'XCLIENT', 'XFORWARD', 'SEND', 'SOML', 'SAML',
]);

/** Commands that may be queued without waiting (RFC 2920 §3.1 lists these; the last of a group is DATA, BDAT, etc.). */
export const TRIVIAL_VERBS = new Set(['RSET', 'NOOP', 'QUIT', 'HELP']);

export interface ParsedCommand {
  verb: string;
  argument: string;
}

/** A word that reads as a verb even when it is not one we know. */
const VERB_LIKE = /^[A-Za-z][A-Za-z0-9_-]{0,19}$/;
const PATH = /^(?:FROM|TO)\s*:\s*<([^>]*)>/i;
const LOOSE_PATH = /^(?:FROM|TO)\s*:\s*(\S*)/i;

/** The four-letter verbs we know, by the key of their upper-cased bytes (see fourLetterKey): most command lines get
 * their verb from here without a string being made. */
const FOUR_LETTER_VERBS = new Map<number, string>();
for (const v of KNOWN_VERBS) if (v.length === 4) FOUR_LETTER_VERBS.set(fourLetterKey(Buffer.from(v, 'latin1'), 0), v);

/** Verb and argument of a command line, read from the line's bytes. */
export function parseCommandLine(line: Line): ParsedCommand {
  // A line whose first word is not text (binary junk from a bot, a stray TLS record) has no verb worth printing;
  // odd bytes in the argument are kept (and escaped when shown). The first word is read by hand: this runs per line.
  const bytes = line.bytes;
  const start = line.start;
  const length = line.end - start;
  let sp = 0;
  let lowerCase = false;
  for (; sp < length; sp++) {
    const c = bytes[start + sp]!;
    if (c === 0x20) break;
    if ((c < 0x20 && c !== 0x09) || c > 0x7e) return { verb: '(binary)', argument: `${length} bytes` };
    if (c >= 0x61 && c <= 0x7a) lowerCase = true;
  }
  const argument = sp === length ? '' : line.textFrom(sp + 1);
  const known = sp === 4 ? FOUR_LETTER_VERBS.get(fourLetterKey(bytes, start)) : undefined;
  if (known) return { verb: known, argument };
  const word = line.textFrom(0, sp);
  const upper = lowerCase ? word.toUpperCase() : word;
  const verb = KNOWN_VERBS.has(upper) ? upper : VERB_LIKE.test(word) ? upper : word.slice(0, 32);
  return { verb, argument };
}

/** Four printable ASCII bytes at `at`, upper-cased, as one small integer (7 bits each). */
function fourLetterKey(bytes: Buffer, at: number): number {
  let key = 0;
  for (let i = 0; i < 4; i++) {
    const c = bytes[at + i]!;
    key = (key << 7) | ((c >= 0x61 && c <= 0x7a ? c - 0x20 : c) & 0x7f);
  }
  return key;
}

/** The address in `MAIL FROM:<a@b> SIZE=…` or `RCPT TO:<a@b>`; the null path "<>" gives "". */
export function pathArgument(argument: string): string {
  // The usual spelling, "FROM:<" or "TO:<" with no spaces, without a regex.
  const open = startsWithPath(argument, 'FROM:<') ? 6 : startsWithPath(argument, 'TO:<') ? 4 : 0;
  if (open) {
    const close = argument.indexOf('>', open);
    if (close >= 0) return argument.slice(open, close);
  }
  const m = PATH.exec(argument);
  if (m) return m[1]!;
  const loose = LOOSE_PATH.exec(argument);
  return loose ? loose[1]! : argument.trim();
}

/** Does `s` begin with `prefix` (upper-case letters and punctuation), letters compared without case? */
function startsWithPath(s: string, prefix: string): boolean {
  if (s.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const c = s.charCodeAt(i);
    const p = prefix.charCodeAt(i);
    if (c !== p && !(p >= 0x41 && p <= 0x5a && c === p + 0x20)) return false;
  }
  return true;
}

export function isKnownVerb(verb: string): boolean {
  return KNOWN_VERBS.has(verb);
}
