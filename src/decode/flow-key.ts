// The connection-table key of a packet, built straight from the header bytes: the same string for both directions
// (the two endpoints in a fixed order), a few UTF-16 code units long, one allocation. IPv4 keys have 6 code units and
// IPv6 keys 18, so the two families never collide.

/** Key of the IPv4 4-tuple: addresses at d[src], d[dst] (4 bytes each), ports at d[tcp], d[tcp+2]. */
export function ipv4FlowKey(d: Buffer, src: number, dst: number, tcp: number): string {
  const sHi = (d[src]! << 8) | d[src + 1]!;
  const sLo = (d[src + 2]! << 8) | d[src + 3]!;
  const dHi = (d[dst]! << 8) | d[dst + 1]!;
  const dLo = (d[dst + 2]! << 8) | d[dst + 3]!;
  const sPort = (d[tcp]! << 8) | d[tcp + 1]!;
  const dPort = (d[tcp + 2]! << 8) | d[tcp + 3]!;
  const srcFirst = sHi !== dHi ? sHi < dHi : sLo !== dLo ? sLo < dLo : sPort <= dPort;
  return srcFirst
    ? String.fromCharCode(sHi, sLo, sPort, dHi, dLo, dPort)
    : String.fromCharCode(dHi, dLo, dPort, sHi, sLo, sPort);
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
