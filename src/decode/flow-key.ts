// The connection-table key of a packet, built straight from the header bytes: the same string for both directions
// (the two endpoints in a fixed order), a few UTF-16 code units long, one allocation. IPv4 keys have 6 code units and
// IPv6 keys 18, so the two families never collide.

// The IPv4 keys made last, in a small direct-mapped cache: a connection's packets then share one key string (no
// allocation per packet, and the Map finds the string's hash already computed). A miss or a clash only costs a new
// string: the key's text, not its identity, is what the table compares.
const CACHE_BITS = 12;
const cachedTuples = new Int32Array(3 << CACHE_BITS); // per slot: first address, second address, both ports
const cachedKeys: string[] = new Array<string>(1 << CACHE_BITS).fill('');

/** Key of the IPv4 4-tuple: addresses at d[src], d[dst] (4 bytes each), ports at d[tcp], d[tcp+2]. */
export function ipv4FlowKey(d: Buffer, src: number, dst: number, tcp: number): string {
  const sHi = (d[src]! << 8) | d[src + 1]!;
  const sLo = (d[src + 2]! << 8) | d[src + 3]!;
  const dHi = (d[dst]! << 8) | d[dst + 1]!;
  const dLo = (d[dst + 2]! << 8) | d[dst + 3]!;
  const sPort = (d[tcp]! << 8) | d[tcp + 1]!;
  const dPort = (d[tcp + 2]! << 8) | d[tcp + 3]!;
  const srcFirst = sHi !== dHi ? sHi < dHi : sLo !== dLo ? sLo < dLo : sPort <= dPort;
  const a = srcFirst ? (sHi << 16) | sLo : (dHi << 16) | dLo;
  const b = srcFirst ? (dHi << 16) | dLo : (sHi << 16) | sLo;
  const ports = srcFirst ? (sPort << 16) | dPort : (dPort << 16) | sPort;
  const i = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(ports, 0x85ebca6b), 0xc2b2ae35) >>> (32 - CACHE_BITS);
  const t = i * 3;
  const key = cachedKeys[i]!;
  if (cachedTuples[t] === a && cachedTuples[t + 1] === b && cachedTuples[t + 2] === ports && key !== '') return key;
  const made = srcFirst
    ? String.fromCharCode(sHi, sLo, sPort, dHi, dLo, dPort)
    : String.fromCharCode(dHi, dLo, dPort, sHi, sLo, sPort);
  cachedTuples[t] = a;
  cachedTuples[t + 1] = b;
  cachedTuples[t + 2] = ports;
  cachedKeys[i] = made;
  return made;
}

/** Key of the IPv6 4-tuple: addresses at d[src], d[dst] (16 bytes each), ports at d[tcp], d[tcp+2]. */
export function ipv6FlowKey(d: Buffer, src: number, dst: number, tcp: number): string {
  let order = 0;
  for (let i = 0; i < 16 && order === 0; i++) order = d[src + i]! - d[dst + i]!;
  const sPort = (d[tcp]! << 8) | d[tcp + 1]!;
  const dPort = (d[tcp + 2]! << 8) | d[tcp + 3]!;
  if (order === 0) order = sPort - dPort;
  const [a, aPort, b, bPort] = order <= 0 ? [src, sPort, dst, dPort] : [dst, dPort, src, sPort];
  const units: number[] = [];
  for (let i = 0; i < 16; i += 2) units.push((d[a + i]! << 8) | d[a + i + 1]!);
  units.push(aPort);
  for (let i = 0; i < 16; i += 2) units.push((d[b + i]! << 8) | d[b + i + 1]!);
  units.push(bPort);
  return String.fromCharCode(...units);
}
