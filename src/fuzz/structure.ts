// Where the records and their length fields are in a capture file, so that mutations can hit the places where
// parsers go wrong (header boundaries, length fields) instead of only random bytes.

export interface LengthField {
  offset: number;
  littleEndian: boolean;
  /** Also the trailing copy (pcapng block length). */
  mirror?: number;
}

export interface Span {
  start: number;
  end: number;
  /** Where the record's own header ends and its data begins. */
  dataStart: number;
  lengths: LengthField[];
  /** Offset of the 32-bit type word (pcapng) or the timestamp (pcap). */
  typeOrTime: number;
}

export interface Layout {
  kind: 'pcap' | 'pcapng' | 'other';
  littleEndian: boolean;
  /** End of the file header (pcap: 24; pcapng: 0, the SHB is a block). */
  headerEnd: number;
  spans: Span[];
}

const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d];

export function layoutOf(b: Buffer): Layout {
  if (b.length >= 24) {
    const le = b.readUInt32LE(0);
    const be = b.readUInt32BE(0);
    if (PCAP_MAGICS.includes(le) || PCAP_MAGICS.includes(be)) return pcapLayout(b, PCAP_MAGICS.includes(le));
  }
  if (b.length >= 12 && b.readUInt32BE(0) === 0x0a0d0d0a) return pcapngLayout(b);
  return { kind: 'other', littleEndian: true, headerEnd: 0, spans: [] };
}

function pcapLayout(b: Buffer, le: boolean): Layout {
  const spans: Span[] = [];
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  let pos = 24;
  while (pos + 16 <= b.length) {
    const incl = u32(pos + 8);
    const end = pos + 16 + incl;
    if (end > b.length) break;
    spans.push({
      start: pos,
      end,
      dataStart: pos + 16,
      lengths: [{ offset: pos + 8, littleEndian: le }, { offset: pos + 12, littleEndian: le }],
      typeOrTime: pos,
    });
    pos = end;
  }
  return { kind: 'pcap', littleEndian: le, headerEnd: 24, spans };
}

function pcapngLayout(b: Buffer): Layout {
  const spans: Span[] = [];
  let le = true;
  let pos = 0;
  while (pos + 12 <= b.length) {
    if (b.readUInt32LE(pos) === 0x0a0d0d0a) le = b.readUInt32LE(pos + 8) === 0x1a2b3c4d;
    const type = le ? b.readUInt32LE(pos) : b.readUInt32BE(pos);
    const len = le ? b.readUInt32LE(pos + 4) : b.readUInt32BE(pos + 4);
    if (len < 12 || pos + len > b.length) break;
    const lengths: LengthField[] = [{ offset: pos + 4, littleEndian: le, mirror: pos + len - 4 }];
    // Enhanced packet block: captured length at body offset 12.
    if (type === 6 && len >= 32) lengths.push({ offset: pos + 20, littleEndian: le }, { offset: pos + 24, littleEndian: le });
    spans.push({ start: pos, end: pos + len, dataStart: type === 6 ? pos + 28 : pos + 8, lengths, typeOrTime: pos });
    pos += len;
  }
  return { kind: 'pcapng', littleEndian: le, headerEnd: 0, spans };
}

/** Every offset where a header or record starts or ends: the places truncation is most interesting. */
export function boundaries(l: Layout, size: number): number[] {
  const out = new Set<number>([0, 4, 8, 12, 16, 20, 24, size]);
  for (const s of l.spans) {
    out.add(s.start);
    out.add(s.start + 4);
    out.add(s.start + 8);
    out.add(s.dataStart);
    out.add(s.end - 4);
    out.add(s.end);
  }
  return [...out].filter((x) => x >= 0 && x <= size).sort((a, b) => a - b);
}
