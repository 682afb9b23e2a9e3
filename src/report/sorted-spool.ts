import { ScratchFile } from './scratch-file.js';

interface Entry {
  group: number;
  start: string;
  id: number;
  pos: number;
  length: number;
  /** A short text kept in memory beside the piece (a diagnosis: one of a few shared strings). */
  tag: string;
}

/** The report's order of connections: by start time, then id (as the analyzer sorts them). */
export function byReportOrder(a: { start: string; id: number }, b: { start: string; id: number }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id;
}

/** Rendered pieces of a report, one per connection, kept in a scratch file with only their place and sort key in
 * memory (a few dozen bytes each), and read back in the report's order: by start time, then id (as the analyzer sorts
 * connections), whatever order the connections finished in; a report that lists some connections first (text: the
 * problems) puts them in a lower group. */
export class SortedSpool {
  private readonly file: ScratchFile;
  private readonly entries: Entry[] = [];

  constructor(name: string) {
    this.file = new ScratchFile(name);
  }

  get count(): number {
    return this.entries.length;
  }

  /** Spools `text` as a piece (followed by `tail`, if given: appended as it is, with no joined copy of the two). */
  add(start: string, id: number, text: string, group = 0, tail = '', tag = ''): void {
    const [pos, length] = this.file.append(text);
    const tailLength = tail ? this.file.append(tail)[1] : 0;
    this.entries.push({ group, start, id, pos, length: length + tailLength, tag });
  }

  /** The pieces by group, each group in report order, each piece as bytes valid until the next one is read. */
  *pieces(): Generator<Buffer> {
    this.sort();
    for (const e of this.entries) yield this.file.readBytes(e.pos, e.length);
  }

  /** The pieces' tags, in the same order (without reading the pieces). */
  *tags(): Generator<string> {
    this.sort();
    for (const e of this.entries) yield e.tag;
  }

  private sort(): void {
    this.entries.sort((a, b) => a.group - b.group || byReportOrder(a, b));
  }

  dispose(): void {
    this.file.dispose();
  }
}
