// A table drawn exactly as cli-table3 draws ours (fixed column widths, one space of padding each side, words wrapped
// greedily, a line still too long cut with '…', a separator between rows, no colours on borders), for the rows
// whose text is made of one-column characters only. cli-table3 measures every word with string-width, which builds
// a new ANSI regular expression per call: 2 000 rows of long summaries took 2.5 s, a third of a 1 GB run. Rows with
// other characters (wide or zero-width ones, escape sequences it would have to carry across lines) are left to
// cli-table3 itself (see long-table.ts). test/report-text-long.test.ts holds the two renderings equal.

/** Characters string-width counts as exactly one column: printable ASCII, Latin-1 to spacing modifiers (no C1
 * controls, no combining marks), and the symbols our own text uses. */
const NARROW = /^[\x20-\x7e\u00a0-\u02ff→←×µ—–…≥≤·✗✓]*$/;
/** A cell coloured as a whole by our Style (one SGR code before, one after, nothing else escaped). */
const COLOURED = /^(\x1b\[\d+m)([^\x1b]*)(\x1b\[\d+m)$/;

/** Whether every cell of the row can be drawn here exactly as cli-table3 would. */
export function isPlainRow(row: string[], colWidths: number[]): boolean {
  for (let i = 0; i < row.length; i++) {
    const cell = row[i]!;
    if (NARROW.test(cell)) continue;
    const m = COLOURED.exec(cell);
    // A coloured cell only when it fits on one line: cli-table3 re-colours each line of a wrapped one.
    if (!m || !NARROW.test(m[2]!) || m[2]!.length > colWidths[i]! - 2) return false;
  }
  return true;
}

/** Columns a cell takes: its text without the colour codes around it. */
function visibleLength(cell: string): number {
  if (cell.charCodeAt(0) !== 0x1b) return cell.length;
  const m = COLOURED.exec(cell);
  return m ? m[2]!.length : cell.length;
}

/** Whether a UTF-16 code is whitespace as a regular expression's \s reads it (ECMAScript WhiteSpace and
 * LineTerminator): what cli-table3 splits words at. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f ||
    c === 0x3000 || c === 0xfeff
  );
}

/** cli-table3's greedy word wrap: split at whitespace runs, which are kept as they are between words on a line. As
 * words are only ever joined with the whitespace that stood between them, every line is a piece of `text`: it is cut
 * out by index, where splitting into words and joining them again made several strings per word (the table of 50 000
 * stalled connections allocated ~1 GB doing so). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  const n = text.length;
  let lineStart = 0;
  let lineEnd = 0;
  let lineLength = 0;
  let space = 0; // length of the whitespace run before the word at hand
  let wordStart = 0;
  for (;;) {
    let wordEnd = wordStart;
    while (wordEnd < n && !isSpace(text.charCodeAt(wordEnd))) wordEnd++;
    const wordLength = wordEnd - wordStart;
    let newLength = lineLength + wordLength;
    if (lineLength > 0 && space) newLength += space;
    if (newLength > width) {
      if (lineLength !== 0) lines.push(text.slice(lineStart, lineEnd));
      lineStart = wordStart;
      lineLength = wordLength;
    } else lineLength = newLength;
    lineEnd = wordEnd;
    if (wordEnd === n) break;
    wordStart = wordEnd;
    while (wordStart < n && isSpace(text.charCodeAt(wordStart))) wordStart++;
    space = wordStart - wordEnd;
  }
  if (lineLength) lines.push(text.slice(lineStart, lineEnd));
  return lines;
}

function cellLines(cell: string, width: number): string[] {
  if (COLOURED.test(cell)) return [cell];
  const lines = wrap(cell, width);
  for (let i = 0; i < lines.length; i++) if (lines[i]!.length > width) lines[i] = `${lines[i]!.slice(0, width - 1)}…`;
  return lines;
}

/** Runs of spaces by length, each made once (flat): padding every cell of every line made a new one each time. */
const spaceRuns: string[] = [];
function spaces(n: number): string {
  return (spaceRuns[n] ??= ' '.repeat(n));
}

function rule(widths: number[], left: string, middle: string, right: string): string {
  return left + widths.map((w) => '─'.repeat(w)).join(middle) + right;
}

/** The lines of one table (head optional) of rows that passed isPlainRow. */
export function plainTableLines(head: string[], colWidths: number[], rows: string[][]): string[] {
  const out = [rule(colWidths, '┌', '┬', '┐')];
  // The pieces of one line, joined into one flat string (no chain of partial strings per cell): the borders, set
  // here, and each cell's text and padding. Always as many, so the array is never trimmed and grown again.
  const columns = colWidths.length;
  const pieces = new Array<string>(1 + 3 * columns).fill(' │ ');
  pieces[0] = '│ ';
  pieces[3 * columns] = ' │';
  const drawRow = (row: string[]) => {
    const cells = row.map((c, i) => cellLines(c, colWidths[i]! - 2));
    let height = 1;
    for (const c of cells) if (c.length > height) height = c.length;
    for (let l = 0; l < height; l++) {
      for (let i = 0; i < columns; i++) {
        const text = cells[i]?.[l] ?? '';
        pieces[1 + 3 * i] = text;
        pieces[2 + 3 * i] = spaces(colWidths[i]! - 2 - visibleLength(text));
      }
      out.push(pieces.join(''));
    }
  };
  if (head.length) drawRow(head);
  const separator = rule(colWidths, '├', '┼', '┤');
  rows.forEach((row, r) => {
    if (r > 0 || head.length) out.push(separator);
    drawRow(row);
  });
  out.push(rule(colWidths, '└', '┴', '┘'));
  return out;
}
