// Text forms of IP addresses, cached: a capture holds few distinct addresses and millions of packets, so each address
// is turned into text once and every later packet gets the same string object (cheap to compare, nothing to collect).

const MAX_CACHED = 65_536;
const ipv6Cache = new Map<string, string>();

// IPv4 texts in a direct-mapped cache of a few thousand slots: the flow-key cache in front of it (flow-key.ts) already
// keeps both addresses of every recent flow, so this one is asked only when a flow is new. A Map of every address seen
// (up to 65 536) grew with the number of distinct clients, not with the connections open: 50 000 stalled sessions from
// 50 000 addresses kept ~4 MB of address texts alive to the end, each a tree of concatenated strings.
const V4_BITS = 12;
const v4Addresses = new Int32Array(1 << V4_BITS);
const v4Texts: string[] = new Array<string>(1 << V4_BITS).fill('');
/** Where a text is spelled out before it is read as one flat string (at most 15 characters). */
const v4Spelling = Buffer.alloc(16);

/** Dotted-quad text of the IPv4 address at d[o..o+4]. */
export function ipv4Text(d: Buffer, o: number): string {
  const n = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!; // signed: a small integer, never boxed
  const i = Math.imul(n, 0x9e3779b1) >>> (32 - V4_BITS);
  const cached = v4Texts[i]!;
  if (cached !== '' && v4Addresses[i] === n) return cached;
  let at = 0;
  for (let k = 0; k < 4; k++) {
    if (k > 0) v4Spelling[at++] = 0x2e; // '.'
    at = spellByte(d[o + k]!, at);
  }
  const s = v4Spelling.toString('latin1', 0, at);
  v4Addresses[i] = n;
  v4Texts[i] = s;
  return s;
}

/** Writes `b` (0-255) in decimal into v4Spelling at `at`; returns where it ends. */
function spellByte(b: number, at: number): number {
  if (b >= 100) v4Spelling[at++] = 0x30 + ((b / 100) | 0);
  if (b >= 10) v4Spelling[at++] = 0x30 + (((b / 10) | 0) % 10);
  v4Spelling[at++] = 0x30 + (b % 10);
  return at;
}

// In front of the IPv6 map, a small direct-mapped cache compared word by word: a hit costs no key string at all (the
// map needs the 16 bytes as a string to look them up). Slots hold the address's four words and its text.
const V6_BITS = 10;
const v6Words = new Int32Array(4 << V6_BITS);
const v6Texts: string[] = new Array<string>(1 << V6_BITS).fill('');

/** RFC 5952 text of the IPv6 address at d[o..o+16]. */
export function ipv6Text(d: Buffer, o: number): string {
  const w0 = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
  const w1 = (d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!;
  const w2 = (d[o + 8]! << 24) | (d[o + 9]! << 16) | (d[o + 10]! << 8) | d[o + 11]!;
  const w3 = (d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!;
  const i = Math.imul(Math.imul(Math.imul(w0, 0x9e3779b1) ^ w1, 0x85ebca6b) ^ w2 ^ Math.imul(w3, 0xc2b2ae35), 0x27d4eb2f) >>> (32 - V6_BITS);
  const t = i * 4;
  const cached = v6Texts[i]!;
  if (cached !== '' && v6Words[t] === w0 && v6Words[t + 1] === w1 && v6Words[t + 2] === w2 && v6Words[t + 3] === w3) return cached;
  const s = ipv6TextFromMap(d, o);
  v6Words[t] = w0;
  v6Words[t + 1] = w1;
  v6Words[t + 2] = w2;
  v6Words[t + 3] = w3;
  v6Texts[i] = s;
  return s;
}

function ipv6TextFromMap(d: Buffer, o: number): string {
  const raw = d.toString('latin1', o, o + 16);
  let s = ipv6Cache.get(raw);
  if (s === undefined) {
    if (ipv6Cache.size >= MAX_CACHED) ipv6Cache.clear();
    s = ipv6String(d, o);
    ipv6Cache.set(raw, s);
  }
  return s;
}

/** RFC 5952 text form: lower-case hex, leading zeros dropped, the longest run of zero groups as '::'. */
export function ipv6String(d: Buffer, o: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(d.readUInt16BE(o + i * 2));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
