import type { ConnectionJson } from '../analysis/report-model.js';
import { isoDiffMs } from './time.js';

/** One line of a transcript, in time order: the greeting, each command as sent, each reply as it came. */
export interface TranscriptRow {
  atMs: number;
  direction: 'C→S' | 'S→C';
  text: string;
  /** For commands: when TCP acknowledged them, relative ms; null when never. */
  ackMs: number | null;
  /** For replies: latency from the command; for commands with no reply: marked. */
  latencyMs: number | null;
  unanswered: boolean;
  offset: number | null;
  flight: number | null;
}

export function transcriptRows(c: ConnectionJson): TranscriptRow[] {
  const rows: TranscriptRow[] = [];
  if (c.banner) {
    rows.push({ atMs: isoDiffMs(c.banner.at, c.start), direction: 'S→C', text: `${c.banner.code} ${firstLine(c.banner.text)}`, ackMs: null, latencyMs: null, unanswered: false, offset: null, flight: null });
  }
  for (const cmd of c.commands) {
    const text = cmd.command === '.' ? '.  (end of message)' : `${cmd.command}${cmd.argument ? ` ${cmd.argument}` : ''}`;
    rows.push({
      atMs: isoDiffMs(cmd.sentAt, c.start),
      direction: 'C→S',
      text,
      ackMs: cmd.ackedAt ? isoDiffMs(cmd.ackedAt, c.start) : null,
      latencyMs: null,
      unanswered: cmd.reply === null,
      offset: cmd.offset,
      flight: cmd.flight,
    });
    if (cmd.reply) {
      rows.push({
        atMs: isoDiffMs(cmd.reply.at, c.start),
        direction: 'S→C',
        text: `${cmd.reply.code} ${firstLine(cmd.reply.text)}${cmd.reply.text.includes('\n') ? ` (+${cmd.reply.text.split('\n').length - 1} lines)` : ''}  ← ${cmd.command}`,
        ackMs: null,
        latencyMs: cmd.reply.latencyMs,
        unanswered: false,
        offset: null,
        flight: null,
      });
    }
  }
  return rows.sort((a, b) => a.atMs - b.atMs);
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
