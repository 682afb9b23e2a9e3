import type { TranscriptRow } from './transcript.js';

/** A transcript cut down to what a reader needs: the start, the rows around each unanswered command, and the end.
 * `null` stands for omitted rows (rendered as "… n rows …"). */
export function trimTranscript(rows: TranscriptRow[], opts: { head?: number; tail?: number; context?: number; max?: number } = {}): (TranscriptRow | { omitted: number })[] {
  const max = opts.max ?? 40;
  if (rows.length <= max) return rows;
  const head = opts.head ?? 4;
  const tail = opts.tail ?? 3;
  const context = opts.context ?? 3;
  const keep = new Set<number>();
  for (let i = 0; i < Math.min(head, rows.length); i++) keep.add(i);
  for (let i = Math.max(0, rows.length - tail); i < rows.length; i++) keep.add(i);
  let around = 0;
  rows.forEach((r, i) => {
    if (!r.unanswered || around > max) return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++) keep.add(j);
    around += 2 * context + 1;
  });
  const out: (TranscriptRow | { omitted: number })[] = [];
  let skipped = 0;
  rows.forEach((r, i) => {
    if (keep.has(i)) {
      if (skipped) out.push({ omitted: skipped });
      skipped = 0;
      out.push(r);
    } else skipped++;
  });
  if (skipped) out.push({ omitted: skipped });
  return out;
}

export function isOmitted(x: TranscriptRow | { omitted: number }): x is { omitted: number } {
  return 'omitted' in x;
}
