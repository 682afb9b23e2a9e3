// The connection-table key of a packet, built straight from the header bytes: the same string for both directions
// (the two endpoints in a fixed order), a few UTF-16 code units long, one allocation. IPv4 keys have 6 code units and
// IPv6 keys 18, so the two families never collide.
import { ipv4Text } from './address-text.js';

// The IPv4 keys made last, in a small direct-mapped cache: a connection's packets then share one key string (no
// allocation per packet, and the Map finds the string's hash already computed). A miss or a clash only costs a new
// string: the key's text, not its identity, is what the table compares. A slot also keeps both addresses as text, so
// a packet of a cached connection needs no address lookup either.
const CACHE_BITS = 12;
const cachedTuples = new Int32Array(3 << CACHE_BITS); // per slot: first address, second address, both ports
const cachedKeys: string[] = new Array<string>(1 << CACHE_BITS).fill('');
const cachedTexts: string[] = new Array<string>(2 << CACHE_BITS).fill(''); // per slot: first, second address

/** The source and destination address text of the packet ipv4FlowKey keyed last (read them right after the call). */
export const keyedIpv4 = { src: '', dst: '' };

/** Key of the IPv4 4-tuple: addresses at d[src], d[dst] (4 bytes each), ports at d[tcp], d[tcp+2]. Also sets
 * keyedIpv4 to the two addresses' text. */
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
  let key = cachedKeys[i]!;
  if (cachedTuples[t] !== a || cachedTuples[t + 1] !== b || cachedTuples[t + 2] !== ports || key === '') {
    key = srcFirst
      ? String.fromCharCode(sHi, sLo, sPort, dHi, dLo, dPort)
      : String.fromCharCode(dHi, dLo, dPort, sHi, sLo, sPort);
    cachedTuples[t] = a;
    cachedTuples[t + 1] = b;
    cachedTuples[t + 2] = ports;
    cachedKeys[i] = key;
    cachedTexts[2 * i] = ipv4Text(d, srcFirst ? src : dst);
    cachedTexts[2 * i + 1] = ipv4Text(d, srcFirst ? dst : src);
  }
  keyedIpv4.src = cachedTexts[srcFirst ? 2 * i : 2 * i + 1]!;
  keyedIpv4.dst = cachedTexts[srcFirst ? 2 * i + 1 : 2 * i]!;
  return key;
}

/** The 32-bit word at d[o] (big-endian, as a signed int: compare with >>> 0 for order). */
function word(d: Buffer, o: number): number {
  return (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}

// The same cache for IPv6 keys: per slot the first address, the second address (4 words each) and both ports.
const V6_WORDS = 9;
const cachedTuples6 = new Int32Array(V6_WORDS << CACHE_BITS);
const cachedKeys6: string[] = new Array<string>(1 << CACHE_BITS).fill('');

/** Key of the IPv6 4-tuple: addresses at d[src], d[dst] (16 bytes each), ports at d[tcp], d[tcp+2]. */
export function ipv6FlowKey(d: Buffer, src: number, dst: number, tcp: number): string {
  const sPort = (d[tcp]! << 8) | d[tcp + 1]!;
  const dPort = (d[tcp + 2]! << 8) | d[tcp + 3]!;
  // Byte order of the addresses (unsigned words compare as their bytes do), then the ports.
  let order = 0;
  for (let i = 0; i < 16 && order === 0; i += 4) order = (word(d, src + i) >>> 0) - (word(d, dst + i) >>> 0);
  if (order === 0) order = sPort - dPort;
  const a = order <= 0 ? src : dst;
  const b = order <= 0 ? dst : src;
  const aPort = order <= 0 ? sPort : dPort;
  const bPort = order <= 0 ? dPort : sPort;
  const a0 = word(d, a);
  const a1 = word(d, a + 4);
  const a2 = word(d, a + 8);
  const a3 = word(d, a + 12);
  const b0 = word(d, b);
  const b1 = word(d, b + 4);
  const b2 = word(d, b + 8);
  const b3 = word(d, b + 12);
  const ports = (aPort << 16) | bPort;
  let h = Math.imul(ports, 0x85ebca6b);
  h = Math.imul(h ^ a0, 0x9e3779b1) ^ a1;
  h = Math.imul(h ^ a2, 0x9e3779b1) ^ a3;
  h = Math.imul(h ^ b0, 0x9e3779b1) ^ b1;
  h = Math.imul(h ^ b2, 0x9e3779b1) ^ b3;
  const i = Math.imul(h, 0xc2b2ae35) >>> (32 - CACHE_BITS);
  const t = i * V6_WORDS;
  const c = cachedTuples6;
  const key = cachedKeys6[i]!;
  if (
    key !== '' && c[t] === a0 && c[t + 1] === a1 && c[t + 2] === a2 && c[t + 3] === a3 &&
    c[t + 4] === b0 && c[t + 5] === b1 && c[t + 6] === b2 && c[t + 7] === b3 && c[t + 8] === ports
  ) {
    return key;
  }
  const made = String.fromCharCode(
    a0 >>> 16, a0 & 0xffff, a1 >>> 16, a1 & 0xffff, a2 >>> 16, a2 & 0xffff, a3 >>> 16, a3 & 0xffff, aPort,
    b0 >>> 16, b0 & 0xffff, b1 >>> 16, b1 & 0xffff, b2 >>> 16, b2 & 0xffff, b3 >>> 16, b3 & 0xffff, bPort,
  );
  c[t] = a0;
  c[t + 1] = a1;
  c[t + 2] = a2;
  c[t + 3] = a3;
  c[t + 4] = b0;
  c[t + 5] = b1;
  c[t + 6] = b2;
  c[t + 7] = b3;
  c[t + 8] = ports;
  cachedKeys6[i] = made;
  return made;
}
