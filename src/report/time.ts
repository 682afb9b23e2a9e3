/** Milliseconds from ISO time `b` to ISO time `a`, exact to the nanosecond (no float epoch arithmetic). Called for
 * every row of every transcript, evidence table and ladder: the report's own times (YYYY-MM-DDTHH:MM:SS.fffZ, 3 to 9
 * digits) are read digit by digit; anything else through Date.parse and a regular expression, as before (that way
 * took 1.3 s of the HTML report of 50 000 stalled connections). */
export function isoDiffMs(a: string, b: string): number {
  const sa = secondsOf(a);
  const sb = secondsOf(b);
  const fa = fracNs(a);
  const fb = fracNs(b);
  return ((sa - sb) * 1e9 + (fa - fb)) / 1e6;
}

/** The hour secondsOf read last, as YYYYMMDDHH, and its first second since the epoch: a report's times mostly fall in
 * one hour, and Date.UTC was the costly part (0.47 s of the HTML report of 50 000 stalled connections). */
let lastHourKey = -1;
let lastHourSeconds = 0;

/** Whole seconds since the epoch of the ISO time's first 19 characters (as Date.parse reads them, in UTC). */
function secondsOf(iso: string): number {
  if (
    iso.length >= 19 && iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45 && iso.charCodeAt(10) === 84 && iso.charCodeAt(13) === 58 &&
    iso.charCodeAt(16) === 58
  ) {
    const year = digits(iso, 0, 4);
    const month = digits(iso, 5, 2);
    const day = digits(iso, 8, 2);
    const hour = digits(iso, 11, 2);
    const minute = digits(iso, 14, 2);
    const second = digits(iso, 17, 2);
    // Date.UTC reads years 0–99 as 1900–1999, and does not refuse a 31st of February: those go the slow way.
    if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59) {
      const hourKey = ((year * 100 + month) * 100 + day) * 100 + hour;
      if (hourKey !== lastHourKey) {
        lastHourSeconds = Date.UTC(year, month - 1, day, hour) / 1000;
        lastHourKey = hourKey;
      }
      return lastHourSeconds + minute * 60 + second;
    }
  }
  return Date.parse(`${iso.slice(0, 19)}Z`) / 1000;
}

/** The number written by `count` decimal digits at `from`, or NaN if one is not a digit. */
export function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** The fraction of a second after the seconds ("….123456Z"), in nanoseconds (its first 9 digits); 0 without one. */
function fracNs(iso: string): number {
  const end = iso.length - 1;
  if (iso.charCodeAt(end) !== 90 /* Z */) return 0;
  let start = end;
  while (start > 0 && iso.charCodeAt(start - 1) >= 48 && iso.charCodeAt(start - 1) <= 57) start--;
  if (start === end || iso.charCodeAt(start - 1) !== 46 /* . */) return 0;
  let ns = 0;
  for (let i = 0; i < 9; i++) ns = ns * 10 + (start + i < end ? iso.charCodeAt(start + i) - 48 : 0);
  return ns;
}

export function formatMs(x: number): string {
  const a = Math.abs(x);
  if (a < 1) return `${(x * 1000).toFixed(0)} µs`;
  if (a < 1000) return `${x.toFixed(a < 10 ? 2 : 1)} ms`;
  if (a < 60_000) return `${(x / 1000).toFixed(2)} s`;
  return `${(x / 60_000).toFixed(1)} min`;
}
