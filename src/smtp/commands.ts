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

export function parseCommandLine(text: string): ParsedCommand {
  // A line whose first word is not text (binary junk from a bot, a stray TLS record) has no verb worth printing;
  // odd bytes in the argument are kept (and escaped when shown). The first word is read by hand: this runs per line.
  let sp = 0;
  let lowerCase = false;
  for (; sp < text.length; sp++) {
    const c = text.charCodeAt(sp);
    if (c === 0x20) break;
    if ((c < 0x20 && c !== 0x09) || c > 0x7e) return { verb: '(binary)', argument: `${text.length} bytes` };
    if (c >= 0x61 && c <= 0x7a) lowerCase = true;
  }
  const word = sp === text.length ? text : text.slice(0, sp);
  const upper = lowerCase ? word.toUpperCase() : word;
  const verb = KNOWN_VERBS.has(upper) ? upper : VERB_LIKE.test(word) ? upper : word.slice(0, 32);
  const argument = sp === text.length ? '' : text.slice(sp + 1);
  return { verb, argument };
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
