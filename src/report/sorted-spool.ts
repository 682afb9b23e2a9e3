import { ScratchFile } from './scratch-file.js';
import { StartKeys } from './start-keys.js';

/** The report's order of connections: by start time, then id (as the analyzer sorts them). */
export function byReportOrder(a: { start: string; id: number }, b: { start: string; id: number }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id;
}

/** Rendered pieces of a report, one per connection, kept in a scratch file with only their place and sort key in
 * memory, and read back in the report's order: by start time, then id (as the analyzer sorts connections), whatever
 * order the connections finished in; a report that lists some connections first (text: the problems) puts them in a
 * lower group. The index is kept in columns, not an object per piece: a bad day's report spools tens of thousands of
 * problem connections, and an object and a start text each (~120 bytes) made the CLI's memory follow their number. */
export class SortedSpool {
  private readonly file: ScratchFile;
  private readonly groups: number[] = [];
  private readonly ids: number[] = [];
  private readonly positions: number[] = [];
  private readonly lengths: number[] = [];
  private readonly tagList: string[] = [];
  private readonly starts = new StartKeys();
  /** The pieces in report order, as indexes into the columns (null: to be sorted again). */
  private order: number[] | null = null;

  constructor(name: string) {
    this.file = new ScratchFile(name);
  }

  get count(): number {
    return this.ids.length;
  }

  /** Spools `text` as a piece (followed by `tail`, if given: appended as it is, with no joined copy of the two). */
  add(start: string, id: number, text: string, group = 0, tail = '', tag = ''): void {
    const [pos, length] = this.file.append(text);
    const tailLength = tail ? this.file.append(tail)[1] : 0;
    this.groups.push(group);
    this.ids.push(id);
    this.positions.push(pos);
    this.lengths.push(length + tailLength);
    this.tagList.push(tag);
    this.starts.push(start);
    this.order = null;
  }

  /** The pieces by group, each group in report order, each piece as bytes valid until the next one is read. */
  *pieces(): Generator<Buffer> {
    for (const i of this.sorted()) yield this.file.readBytes(this.positions[i]!, this.lengths[i]!);
  }

  /** The pieces' tags, in the same order (without reading the pieces). */
  *tags(): Generator<string> {
    for (const i of this.sorted()) yield this.tagList[i]!;
  }

  private sorted(): number[] {
    if (this.order) return this.order;
    const order = Array.from({ length: this.ids.length }, (_, i) => i);
    const { groups, ids, starts } = this;
    order.sort((a, b) => groups[a]! - groups[b]! || starts.compare(a, b) || ids[a]! - ids[b]!);
    return (this.order = order);
  }

  dispose(): void {
    this.file.dispose();
  }
}
