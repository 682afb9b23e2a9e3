import { ScratchFile } from './scratch-file.js';

interface Entry {
  start: string;
  id: number;
  pos: number;
  length: number;
}

/** The report's order of connections: by start time, then id (as the analyzer sorts them). */
export function byReportOrder(a: { start: string; id: number }, b: { start: string; id: number }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id;
}

/** Rendered pieces of a report, one per connection, kept in a scratch file with only their place and sort key in
 * memory (a few dozen bytes each), and read back in the report's order: by start time, then id (as the analyzer sorts
 * connections), whatever order the connections finished in. */
export class SortedSpool {
  private readonly file: ScratchFile;
  private readonly entries: Entry[] = [];

  constructor(name: string) {
    this.file = new ScratchFile(name);
  }

  get count(): number {
    return this.entries.length;
  }

  add(start: string, id: number, text: string): void {
    const [pos, length] = this.file.append(text);
    this.entries.push({ start, id, pos, length });
  }

  /** The pieces in report order, each as bytes valid until the next one is read. */
  *pieces(): Generator<Buffer> {
    this.entries.sort(byReportOrder);
    for (const e of this.entries) yield this.file.readBytes(e.pos, e.length);
  }

  /** The same, as text. */
  *texts(): Generator<string> {
    for (const b of this.pieces()) yield b.toString('utf8');
  }

  dispose(): void {
    this.file.dispose();
  }
}
