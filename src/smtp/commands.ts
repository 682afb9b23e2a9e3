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

export function parseCommandLine(text: string): ParsedCommand {
  // A line whose first word is not text (binary junk from a bot, a stray TLS record) has no verb worth printing;
  // odd bytes in the argument are kept (and escaped when shown).
  const firstWord = /^[^ ]*/.exec(text)![0];
  if (/[^\x20-\x7e\t]/.test(firstWord)) return { verb: '(binary)', argument: `${text.length} bytes` };
  const sp = text.indexOf(' ');
  const word = sp < 0 ? text : text.slice(0, sp);
  const upper = word.toUpperCase();
  const verb = KNOWN_VERBS.has(upper) ? upper : /^[A-Za-z][A-Za-z0-9_-]{0,19}$/.test(word) ? upper : word.slice(0, 32);
  const argument = sp < 0 ? '' : text.slice(sp + 1);
  return { verb, argument };
}

/** The address in `MAIL FROM:<a@b> SIZE=…` or `RCPT TO:<a@b>`; the null path "<>" gives "". */
export function pathArgument(argument: string): string {
  const m = /^(?:FROM|TO)\s*:\s*<([^>]*)>/i.exec(argument);
  if (m) return m[1]!;
  const loose = /^(?:FROM|TO)\s*:\s*(\S*)/i.exec(argument);
  return loose ? loose[1]! : argument.trim();
}

export function isKnownVerb(verb: string): boolean {
  return KNOWN_VERBS.has(verb);
}
