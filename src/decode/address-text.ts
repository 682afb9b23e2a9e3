// Text forms of IP addresses, cached: a capture holds few distinct addresses and millions of packets, so each address
// is turned into text once and every later packet gets the same string object (cheap to compare, nothing to collect).

const MAX_CACHED = 65_536;
const ipv4Cache = new Map<number, string>();
const ipv6Cache = new Map<string, string>();

/** Dotted-quad text of the IPv4 address at d[o..o+4]. */
export function ipv4Text(d: Buffer, o: number): string {
  const n = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!; // signed: a small integer, never boxed
  let s = ipv4Cache.get(n);
  if (s === undefined) {
    if (ipv4Cache.size >= MAX_CACHED) ipv4Cache.clear();
    s = `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
    ipv4Cache.set(n, s);
  }
  return s;
}

/** RFC 5952 text of the IPv6 address at d[o..o+16]. */
export function ipv6Text(d: Buffer, o: number): string {
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
