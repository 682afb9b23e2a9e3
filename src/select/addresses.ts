/** Envelope address matching for --from / --rcpt: case-insensitive, angle brackets ignored. "@example.org" matches
 * every address in that domain; a pattern without "@" matches a whole local part or domain. */
export function normaliseAddress(a: string): string {
  return a.trim().replace(/^<|>$/g, '').toLowerCase();
}

export function addressMatches(address: string, pattern: string): boolean {
  const a = normaliseAddress(address);
  const p = normaliseAddress(pattern);
  if (!p) return false;
  if (p.startsWith('@')) return a.endsWith(p);
  if (!p.includes('@')) {
    const at = a.lastIndexOf('@');
    return a === p || a.slice(0, at) === p || a.slice(at + 1) === p;
  }
  return a === p;
}

/** Message-IDs compare without their angle brackets, case-sensitively on the local part per RFC 5322 but people paste
 * them from logs in odd case, so compare case-insensitively. */
export function messageIdMatches(id: string | null, pattern: string): boolean {
  return id !== null && normaliseAddress(id) === normaliseAddress(pattern);
}
