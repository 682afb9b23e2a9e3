// The report's order compares connections' start texts. A spool of tens of thousands of them keeps each start as two
// numbers instead, for as long as that order is exactly the texts' order.

/** Start times ("YYYY-MM-DDTHH:MM:SS.fffZ", as the analysis's clock writes them), compared as text is compared, kept as
 * two numbers each while they all have that form with the same number of fraction digits: then the text's order is
 * the order of (its 14 date and time digits, its fraction digits) as numbers. The first one of any other form turns
 * every start kept so far back into its text (the numbers spell it exactly), and texts are kept from then on. */
export class StartKeys {
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
