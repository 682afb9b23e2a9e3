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
  const chunk = (head: string[], part: string[][]): string[] => {
    if (fast && part.every((r) => isPlainRow(r, o.colWidths)) && isPlainRow(head, o.colWidths)) return plainTableLines(head, o.colWidths, part);
    const t = new Table({ head, style: { head: [], border: [] }, colWidths: o.colWidths, wordWrap: true });
    t.push(...part);
    return t.toString().split('\n');
  };
  if (rows.length <= rowsPerChunk) return chunk(o.head, rows).join('\n');
  const parts: string[][] = [];
  for (let i = 0; i < rows.length; i += rowsPerChunk) parts.push(chunk(i === 0 ? o.head : [], rows.slice(i, i + rowsPerChunk)));
  // The line under the head is the separator the table draws between rows.
  const separator = parts[0]![2]!;
  const lines: string[] = [];
  parts.forEach((p, k) => {
    const body = p.slice(k === 0 ? 0 : 1, k === parts.length - 1 ? p.length : p.length - 1);
    if (k > 0) lines.push(separator);
    lines.push(...body);
  });
  return lines.join('\n');
}
