import type { Instant } from '../tcp/facts.js';

/** A server reply, possibly multi-line (RFC 5321 §4.2: "250-…" lines, then "250 …"). */
export interface Reply {
  code: number;
  /** Text of each line after the code and separator. */
  lines: string[];
  offset: number;
  length: number;
  /** When its first byte arrived. */
  at: Instant;
}

export type CommandKind = 'command' | 'end-of-data' | 'bdat';

/** What the client sent, in order. The message body is not a command: its end is the pseudo-command "." */
export interface Command {
  kind: CommandKind;
  /** Verb as sent, upper-cased ("EHLO", "MAIL", …; unknown verbs verbatim; "." for the end of a body). */
  verb: string;
  /** Argument text (AUTH credentials never stored). */
  argument: string;
  offset: number;
  length: number;
  /** When the line's first byte reached the capture point (the delivering segment). */
  at: Instant;
  reply: Reply | null;
  /** Its reply, if any, fell into bytes the capture does not hold (a server-side gap): unknown, not "never came". */
  replyLost?: boolean;
  /** Intermediate replies (AUTH 334 challenges). */
  interim: Reply[];
  /** For the body end: the message size in bytes; for BDAT: the chunk size. */
  bodyBytes?: number;
}

export type TransactionOutcome = 'delivered' | 'rejected' | 'deferred' | 'aborted' | 'timeout' | 'incomplete';

/** One mail transaction: MAIL FROM, its RCPTs, the body and the final reply. */
export interface Transaction {
  mail: Command;
  mailFrom: string;
  rcpts: { address: string; command: Command }[];
  data: Command | null;
  end: Command | null;
  dataBytes: number;
  messageId: string | null;
  subject: string | null;
  outcome: TransactionOutcome;
}

export interface SmtpAnomaly {
  kind: string;
  offset: number;
  at: Instant;
  detail: string;
}
