/** Commands in words, repeats folded: ["MAIL","RCPT","RCPT","DATA"] → "MAIL, 2×RCPT, DATA". */
export function verbRuns(names: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < names.length; ) {
    let j = i;
    while (j < names.length && names[j] === names[i]) j++;
    out.push(j - i > 1 ? `${j - i}×${names[i]}` : names[i]!);
    i = j;
  }
  return out.join(', ');
}
