import { printable } from './sanitize.js';
import { formatMs } from './time.js';
import type { TranscriptRow } from './transcript.js';

/** One transcript row as a plain line: "+207.9 ms  C→S  MAIL FROM:<a@b>   @25 ACK +207.9 ms  [no reply]". */
export function transcriptRowText(r: TranscriptRow): string {
  const time = `+${formatMs(r.atMs)}`.padEnd(11);
  const facts: string[] = [];
  if (r.offset !== null) facts.push(`@${r.offset}`);
  if (r.direction === 'C→S') facts.push(r.ackMs === null ? 'never ACKed' : `ACKed +${formatMs(r.ackMs)}`);
  if (r.latencyMs !== null) facts.push(`after ${formatMs(r.latencyMs)}`);
  if (r.unanswered) facts.push('[NO REPLY]');
  return `${time} ${r.direction}  ${printable(r.text, 160).padEnd(60)}  ${facts.join(' ')}`;
}
