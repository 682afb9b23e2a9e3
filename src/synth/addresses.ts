// Text → bytes for IPv4, IPv6 and MAC addresses (no dependencies; enough for fixtures and tests).

export function parseIPv4(text: string): Buffer {
  const parts = text.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${text}`);
  return Buffer.from(parts.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n > 255) throw new Error(`not an IPv4 address: ${text}`);
    return n;
  }));
}

export function parseIPv6(text: string): Buffer {
  let head = text;
  let tail = '';
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    head = text.slice(0, dbl);
    tail = text.slice(dbl + 2);
  }
  const groups = (s: string): number[] => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v4 = parseIPv4(g);
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`not an IPv6 address: ${text}`);
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  const zeros = 8 - h.length - t.length;
  if ((dbl < 0 && zeros !== 0) || zeros < 0) throw new Error(`not an IPv6 address: ${text}`);
  const all = [...h, ...new Array<number>(zeros).fill(0), ...t];
  const buf = Buffer.alloc(16);
  all.forEach((g, i) => buf.writeUInt16BE(g, i * 2));
  return buf;
}

export function parseIP(text: string): Buffer {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

export function parseMac(text: string): Buffer {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`not a MAC address: ${text}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** A locally administered unicast MAC derived from an IP address, stable per address. */
export function macFromIP(ip: Buffer): Buffer {
  const mac = Buffer.alloc(6);
  mac[0] = 0x02;
  for (let i = 0; i < ip.length; i++) mac[1 + (i % 5)]! ^= ip[i]!;
  return mac;
}
