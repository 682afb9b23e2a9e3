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

function visible(cell: string): string {
  const m = COLOURED.exec(cell);
  return m ? m[2]! : cell;
}

/** cli-table3's greedy word wrap: split at whitespace runs, which are kept as they are between words on a line. */
function wrap(text: string, width: number): string[] {
  const parts = text.split(/(\s+)/g);
  const lines: string[] = [];
  let line = '';
  let lineLength = 0;
  let space = '';
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i]!;
    let newLength = lineLength + word.length;
    if (lineLength > 0 && space) newLength += space.length;
    if (newLength > width) {
      if (lineLength !== 0) lines.push(line);
      line = word;
      lineLength = word.length;
    } else {
      line += space + word;
      lineLength = newLength;
    }
    space = parts[i + 1] ?? '';
  }
  if (lineLength) lines.push(line);
  return lines;
}

function cellLines(cell: string, width: number): string[] {
  if (COLOURED.test(cell)) return [cell];
  return wrap(cell, width).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
}

function rule(widths: number[], left: string, middle: string, right: string): string {
  return left + widths.map((w) => '─'.repeat(w)).join(middle) + right;
}

/** The lines of one table (head optional) of rows that passed isPlainRow. */
export function plainTableLines(head: string[], colWidths: number[], rows: string[][]): string[] {
  const out = [rule(colWidths, '┌', '┬', '┐')];
  const drawRow = (row: string[]) => {
    const cells = row.map((c, i) => cellLines(c, colWidths[i]! - 2));
    const height = Math.max(1, ...cells.map((c) => c.length));
    for (let l = 0; l < height; l++) {
      let line = '│';
      for (let i = 0; i < colWidths.length; i++) {
        const text = cells[i]?.[l] ?? '';
        line += ` ${text}${' '.repeat(colWidths[i]! - 2 - visible(text).length)} │`;
      }
      out.push(line);
    }
  };
  if (head.length) drawRow(head);
  rows.forEach((row, r) => {
    if (r > 0 || head.length) out.push(rule(colWidths, '├', '┼', '┤'));
    drawRow(row);
  });
  out.push(rule(colWidths, '└', '┴', '┘'));
  return out;
}
