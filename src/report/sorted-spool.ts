import { ScratchFile } from './scratch-file.js';

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

/** Start times ("YYYY-MM-DDTHH:MM:SS.fffZ", as the analysis's clock writes them), compared as text is compared, kept as
 * two numbers each while they all have that form with the same number of fraction digits: then the text's order is
 * the order of (its 14 date and time digits, its fraction digits) as numbers. The first one of any other form turns
 * every start kept so far back into its text (the numbers spell it exactly), and texts are kept from then on. */
class StartKeys {
  private wholes: number[] = [];
  private fractions: number[] = [];
  /** Fraction digits of every start kept as numbers (-1: none kept yet). */
  private fractionDigits = -1;
  private texts: string[] | null = null;

  push(start: string): void {
    if (this.texts) {
      this.texts.push(start);
      return;
    }
    const digits = fractionDigitsOf(start);
    if (digits > 0 && (this.fractionDigits < 0 || digits === this.fractionDigits)) {
      this.fractionDigits = digits;
      this.wholes.push(digitsOf(start, WHOLE_DIGIT_AT));
      this.fractions.push(digitsOf(start, [20, 20 + digits]));
      return;
    }
    this.texts = this.wholes.map((w, i) => spelled(w, this.fractions[i]!, this.fractionDigits));
    this.texts.push(start);
    this.wholes = [];
    this.fractions = [];
  }

  /** Start `a` against start `b`, as byReportOrder compares them: negative, zero or positive. */
  compare(a: number, b: number): number {
    const t = this.texts;
    if (t) return t[a]! < t[b]! ? -1 : t[a]! > t[b]! ? 1 : 0;
    return this.wholes[a]! - this.wholes[b]! || this.fractions[a]! - this.fractions[b]!;
  }
}

/** Where the 14 digits of "YYYY-MM-DDTHH:MM:SS" lie, as [from, to) runs. */
const WHOLE_DIGIT_AT: readonly number[] = [0, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19];
/** The characters between those runs, and after them: "-", "-", "T", ":", ":", ".". */
const WHOLE_SEPARATORS = '--T::.';

/** How many fraction digits `s` has if it is "YYYY-MM-DDTHH:MM:SS.f…fZ" with 1 to 9 of them (all digits where digits
 * belong), else 0. */
function fractionDigitsOf(s: string): number {
  const digits = s.length - 21;
  if (digits < 1 || digits > 9 || s.charCodeAt(s.length - 1) !== 0x5a /* Z */) return 0;
  for (let k = 0; k < WHOLE_SEPARATORS.length; k++) if (s.charCodeAt(WHOLE_DIGIT_AT[2 * k + 1]!) !== WHOLE_SEPARATORS.charCodeAt(k)) return 0;
  for (let r = 0; r < WHOLE_DIGIT_AT.length; r += 2) if (!allDigits(s, WHOLE_DIGIT_AT[r]!, WHOLE_DIGIT_AT[r + 1]!)) return 0;
  return allDigits(s, 20, 20 + digits) ? digits : 0;
}

function allDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The number the digits of `s` in the runs [from, to) of `runs` spell, read one after another. */
function digitsOf(s: string, runs: readonly number[]): number {
  let n = 0;
  for (let r = 0; r < runs.length; r += 2) for (let i = runs[r]!; i < runs[r + 1]!; i++) n = n * 10 + (s.charCodeAt(i) - 0x30);
  return n;
}

/** The start text that (whole, fraction) were read from. */
function spelled(whole: number, fraction: number, fractionDigits: number): string {
  const w = String(whole).padStart(14, '0');
  const f = String(fraction).padStart(fractionDigits, '0');
  return `${w.slice(0, 4)}-${w.slice(4, 6)}-${w.slice(6, 8)}T${w.slice(8, 10)}:${w.slice(10, 12)}:${w.slice(12, 14)}.${f}Z`;
}
