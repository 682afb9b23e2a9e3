/** How many rows a new column starts with, learned from the columns released lately. Starting every column at a
 * fixed small size made most of them grow two or three times (each growth a new pooled block and a copy); starting
 * at the typical final size makes most never grow, and costs little memory: the connections open at any moment are
 * mostly old ones, whose columns reached that size anyway. The typical size is a moving geometric mean (one huge
 * connection must not make every later one start huge), rounded up to a power of two (so the pool keeps few sizes).
 * A hint only sizes memory: nothing a stream reports depends on it. */
export class RowsHint {
  private log2Mean: number;
  private rows_: number;

  constructor(
    private readonly minRows: number,
    private readonly maxRows: number,
  ) {
    this.log2Mean = Math.log2(minRows);
    this.rows_ = minRows;
  }

  /** Rows for a new column: a power of two in [minRows, maxRows]. */
  get rows(): number {
    return this.rows_;
  }

  /** A column is released holding `rows` rows. */
  learn(rows: number): void {
    if (rows <= 0) return;
    this.log2Mean += (Math.log2(rows) - this.log2Mean) / LEARN_OVER;
    this.rows_ = Math.min(this.maxRows, Math.max(this.minRows, 2 ** Math.ceil(this.log2Mean - ROUND_SLACK)));
  }
}

/** How many releases the mean follows (an exponential moving average over about this many). */
const LEARN_OVER = 32;
/** A mean just above a power of two still rounds down to it (2^4.05 rows start at 16, not 32). */
const ROUND_SLACK = 0.1;

/** The hints for one kind of stream: client sides and server sides differ (a client sends the message, a server
 * mostly short replies), so each has its own. */
export interface StreamSizeHints {
  packets: RowsHint;
  ranges: RowsHint;
  flights: RowsHint;
  acks: RowsHint;
  ringBytes: RowsHint;
}

function streamSizeHints(): StreamSizeHints {
  return {
    packets: new RowsHint(16, 4096),
    ranges: new RowsHint(16, 4096),
    flights: new RowsHint(8, 1024),
    acks: new RowsHint(16, 4096),
    ringBytes: new RowsHint(1024, 1 << 20),
  };
}

/** One set for the client sides of all connections, one for the server sides (per thread: a worker learns its own). */
export const CLIENT_SIDE_HINTS = streamSizeHints();
export const SERVER_SIDE_HINTS = streamSizeHints();
