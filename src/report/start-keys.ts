// The report's order compares connections' start texts. A spool of tens of thousands of them keeps each start as two
// numbers instead, for as long as that order is exactly the texts' order.
import { digits } from './time.js';

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
    const fractionDigits = start.length - 21;
    const shaped = hasClockShape(start);
    const whole = shaped ? wholeOf(start) : NaN;
    const fraction = shaped ? digits(start, 20, fractionDigits) : NaN;
    if (!Number.isNaN(whole) && !Number.isNaN(fraction) && (this.fractionDigits < 0 || fractionDigits === this.fractionDigits)) {
      this.fractionDigits = fractionDigits;
      this.wholes.push(whole);
      this.fractions.push(fraction);
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

/** Where the 14 digits of "YYYY-MM-DDTHH:MM:SS" lie: a run of 4, then runs of 2, each followed by one of "--T::.". */
const WHOLE_DIGIT_AT: readonly number[] = [0, 5, 8, 11, 14, 17];
const WHOLE_SEPARATORS = '--T::.';

/** Whether `s` is "YYYY-MM-DDTHH:MM:SS.f…fZ" with 1 to 9 fraction digits, its separators where they belong (the digits
 * are checked as they are read). */
function hasClockShape(s: string): boolean {
  const fractionDigits = s.length - 21;
  if (fractionDigits < 1 || fractionDigits > 9 || s.charCodeAt(s.length - 1) !== 0x5a /* Z */) return false;
  for (let k = 0; k < WHOLE_DIGIT_AT.length; k++) {
    if (s.charCodeAt(WHOLE_DIGIT_AT[k]! + (k ? 2 : 4)) !== WHOLE_SEPARATORS.charCodeAt(k)) return false;
  }
  return true;
}

/** The 14 date and time digits of `s` as one number (NaN if one is not a digit), read by the reports' own digit reader. */
function wholeOf(s: string): number {
  let n = 0;
  for (let k = 0; k < WHOLE_DIGIT_AT.length; k++) {
    const width = k ? 2 : 4;
    n = n * 10 ** width + digits(s, WHOLE_DIGIT_AT[k]!, width);
  }
  return n;
}

/** The start text that (whole, fraction) were read from. */
function spelled(whole: number, fraction: number, fractionDigits: number): string {
  const w = String(whole).padStart(14, '0');
  const f = String(fraction).padStart(fractionDigits, '0');
  return `${w.slice(0, 4)}-${w.slice(4, 6)}-${w.slice(6, 8)}T${w.slice(8, 10)}:${w.slice(10, 12)}:${w.slice(12, 14)}.${f}Z`;
}
