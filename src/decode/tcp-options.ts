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

/** What the connection tracker keeps of a packet's options (see readTcpOptions). */
export interface OptionFacts {
  /** The option kinds in order, as parseTcpOptions gives `layout`. */
  layout: string;
  hasTs: boolean;
  /** The TSval's 32 bits as an int32 (read it with >>> 0): a number above 2^31 would be a heap object per packet. */
  tsBits: number;
}

/** Layouts of up to MAX_KEYED_KINDS options by their key (below); bounded, so hostile input cannot grow it. */
const layoutsByKey = new Map<number, string>();
const MAX_KEYED_KINDS = 6;
const MAX_KEYED_LAYOUTS = 4096;

/** parseTcpOptions's layout and TSval for the option bytes o[start..end), read in place (no view, no object, and no
 * new layout string for a layout seen before). */
export function readTcpOptions(o: Buffer, start: number, end: number, out: OptionFacts): void {
  // The key of a layout is its kind bytes as digits in base 256: unique, since kind 0 ends the options and never
  // appears in a layout, and exact in a double for up to six kinds.
  const key = walkOptions(o, start, end, out, null);
  let layout = key >= 0 ? layoutsByKey.get(key) : undefined;
  if (layout === undefined) {
    const kinds: string[] = [];
    walkOptions(o, start, end, out, kinds);
    layout = kinds.join(',');
    if (key >= 0 && layoutsByKey.size < MAX_KEYED_LAYOUTS) layoutsByKey.set(key, layout);
  }
  out.layout = layout;
}

/** Walks the options as parseTcpOptions does, setting out's TSval and naming each kind into `kinds` if given; returns
 * the layout's key, or -1 past MAX_KEYED_KINDS options. */
function walkOptions(o: Buffer, start: number, end: number, out: OptionFacts, kinds: string[] | null): number {
  out.hasTs = false;
  out.tsBits = 0;
  let key = 0;
  let scale = 1;
  let count = 0;
  for (let i = start; i < end; ) {
    const kind = o[i]!;
    if (kind === 0) break;
    if (kind !== 1) {
      // The length byte must lie inside the options (the buffer goes on with the payload).
      const len = i + 1 < end ? o[i + 1]! : 0;
      if (len < 2 || i + len > end) break;
      if (kind === 8 && len === 10) {
        out.hasTs = true;
        out.tsBits = (o[i + 2]! << 24) | (o[i + 3]! << 16) | (o[i + 4]! << 8) | o[i + 5]!;
      }
      i += len;
    } else i++;
    kinds?.push(NAMES[kind] ?? `k${kind}`);
    key += kind * scale;
    scale *= 256;
    count++;
  }
  return count <= MAX_KEYED_KINDS ? key : -1;
}
