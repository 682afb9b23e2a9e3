/** Parsed TCP options (RFC 9293 §3.2, RFC 7323 for timestamps and window scale, RFC 2018 for SACK). */
export interface TcpOptions {
  mss: number | null;
  windowScale: number | null;
  sackPermitted: boolean;
  tsVal: number | null;
  tsEcr: number | null;
  /** The option kinds in order, e.g. "mss,sok,ts,nop,ws": differs between stacks, so it fingerprints a sender. */
  layout: string;
}

const NAMES: Record<number, string> = { 1: 'nop', 2: 'mss', 3: 'ws', 4: 'sok', 5: 'sack', 8: 'ts' };

export function parseTcpOptions(o: Buffer): TcpOptions {
  // Nearly every packet after the handshake carries exactly NOP NOP TS (Linux, BSD): read it without the general walk.
  if (o.length === 12 && o[0] === 1 && o[1] === 1 && o[2] === 8 && o[3] === 10) {
    return { mss: null, windowScale: null, sackPermitted: false, tsVal: o.readUInt32BE(4), tsEcr: o.readUInt32BE(8), layout: 'nop,nop,ts' };
  }
  const r: TcpOptions = { mss: null, windowScale: null, sackPermitted: false, tsVal: null, tsEcr: null, layout: '' };
  const kinds: string[] = [];
  for (let i = 0; i < o.length; ) {
    const kind = o[i]!;
    if (kind === 0) break;
    if (kind === 1) {
      kinds.push('nop');
      i++;
      continue;
    }
    const len = o[i + 1];
    if (len === undefined || len < 2 || i + len > o.length) break;
    kinds.push(NAMES[kind] ?? `k${kind}`);
    if (kind === 2 && len === 4) r.mss = o.readUInt16BE(i + 2);
    else if (kind === 3 && len === 3) r.windowScale = o[i + 2]!;
    else if (kind === 4) r.sackPermitted = true;
    else if (kind === 8 && len === 10) {
      r.tsVal = o.readUInt32BE(i + 2);
      r.tsEcr = o.readUInt32BE(i + 6);
    }
    i += len;
  }
  r.layout = kinds.join(',');
  return r;
}
