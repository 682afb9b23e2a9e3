// ISO-8601 times as the reports write them, spelled from their fields for property tests (fields out of range are
// spelled as they are: some tests want texts no clock would write).

export interface IsoFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const two = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DDTHH:MM:SS", then "." and `fraction` unless it is null, then "Z". */
export function isoText(t: IsoFields, fraction: string | null): string {
  return `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}${fraction === null ? '' : `.${fraction}`}Z`;
}
