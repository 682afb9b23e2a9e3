import Table from 'cli-table3';
import { isPlainRow, plainTableLines } from './plain-table.js';

/** Rows of one-column characters are drawn by plain-table.ts, identically and ~10× faster; the rest by cli-table3.
 * cli-table3 lays a table out in time that grows with the square of its rows (each cell is checked against every
 * earlier one for spans): 2 364 rows took 2.4 s, 22 000 would take minutes. A long table is therefore drawn in chunks
 * of fixed column widths and stitched: a chunk's bottom border and the next one's top border become the row separator
 * the table draws between rows anyway, so the text is the same as one table's. */
const ROWS_PER_CHUNK = 200;

export interface LongTableOptions {
  head: string[];
  colWidths: number[];
}

export function renderLongTable(o: LongTableOptions, rows: string[][], rowsPerChunk = ROWS_PER_CHUNK, fast = true): string {
  const lines: string[] = [];
  eachLongTableLine(o, rows, (line) => lines.push(line), rowsPerChunk, fast);
  return lines.join('\n');
}

/** The lines renderLongTable joins, handed to `emit` one chunk at a time: a report writer passes them on as they
 * come, so the table of thousands of rows is never one string (as one, with its copies on the way out, it raised the
 * CLI's peak RSS by ~10 MB at the very end of a 1 GB run). `rows` is read as the chunks are drawn, so a writer that
 * reads them back from a scratch file holds one chunk of them at a time. */
export function eachLongTableLine(o: LongTableOptions, rows: Iterable<string[]>, emit: (line: string) => void, rowsPerChunk = ROWS_PER_CHUNK, fast = true): void {
  const chunk = (head: string[], part: string[][]): string[] => {
    if (fast && part.every((r) => isPlainRow(r, o.colWidths)) && isPlainRow(head, o.colWidths)) return plainTableLines(head, o.colWidths, part);
    const t = new Table({ head, style: { head: [], border: [] }, colWidths: o.colWidths, wordWrap: true });
    t.push(...part);
    return t.toString().split('\n');
  };
  let part: string[][] = [];
  let drawn = 0;
  // The line under the head is the separator the table draws between rows: it joins a chunk to the one before.
  let separator = '';
  // Every chunk but the last loses its bottom border, so each one's is held back until it is known to be the last.
  let bottom = '';
  const draw = () => {
    const lines = chunk(drawn === 0 ? o.head : [], part);
    if (drawn === 0) separator = lines[2] ?? '';
    else emit(separator);
    for (let i = drawn === 0 ? 0 : 1; i < lines.length - 1; i++) emit(lines[i]!);
    bottom = lines[lines.length - 1]!;
    drawn++;
    part = [];
  };
  for (const row of rows) {
    if (part.length === rowsPerChunk) draw();
    part.push(row);
  }
  draw();
  emit(bottom);
}
