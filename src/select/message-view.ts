import type { ConnectionJson, Diagnosis, ReportJson, TransactionJson } from '../analysis/report-model.js';
import { transactionMatches, type Selection } from './filters.js';
import { isoMs } from './time-spec.js';

/** One delivery attempt of the selected message: one SMTP transaction (MAIL … end), on some connection. */
export interface MessageAttempt {
  attempt: number;
  connectionId: number;
  client: string;
  server: string;
  /** When MAIL FROM was sent (ISO). */
  at: string;
  mailFrom: string;
  rcptTo: string[];
  /** Bytes of the client flight that carried MAIL FROM (the pipelined envelope); null when unknown. */
  envelopeBytes: number | null;
  /** Commands in that flight and how many got a reply. */
  envelopeCommands: number;
  envelopeAnswered: number;
  messageId: string | null;
  /** The transaction's own outcome (delivered, rejected, deferred, timeout, aborted, incomplete). */
  outcome: string;
  diagnosis: Diagnosis;
  summary: string;
}

export interface MessageView {
  attempts: MessageAttempt[];
  /** Connections that carried an attempt. */
  connections: number;
  delivered: { attempt: number; at: string } | null;
  /** The overall story in one or two sentences. */
  story: string;
}

function attemptsOf(c: ConnectionJson, s: Selection): Omit<MessageAttempt, 'attempt'>[] {
  const mails = c.commands.filter((x) => x.command === 'MAIL');
  const out: Omit<MessageAttempt, 'attempt'>[] = [];
  c.transactions.forEach((t: TransactionJson, i) => {
    if (!transactionMatches(t, s)) return;
    // Every MAIL command opens one transaction, in order (src/smtp/session.ts).
    const mail = mails[i];
    const flight = mail ? c.flights.find((f) => f.index === mail.flight) : undefined;
    out.push({
      connectionId: c.id,
      client: c.client,
      server: c.server,
      at: mail?.sentAt ?? c.start,
      mailFrom: t.mailFrom,
      rcptTo: t.rcptTo,
      envelopeBytes: flight?.length ?? null,
      envelopeCommands: flight?.commands ?? 0,
      envelopeAnswered: flight?.answered ?? 0,
      messageId: t.messageId,
      outcome: t.outcome,
      diagnosis: c.diagnosis,
      summary: c.summary,
    });
  });
  return out;
}

export function buildMessageView(report: ReportJson, s: Selection): MessageView {
  const attempts = report.connections
    .flatMap((c) => attemptsOf(c, s))
    .sort((a, b) => isoMs(a.at) - isoMs(b.at) || a.connectionId - b.connectionId)
    .map((a, i) => ({ attempt: i + 1, ...a }));
  const firstDelivered = attempts.find((a) => a.outcome === 'delivered');
  return {
    attempts,
    connections: new Set(attempts.map((a) => a.connectionId)).size,
    delivered: firstDelivered ? { attempt: firstDelivered.attempt, at: firstDelivered.at } : null,
    story: tellStory(attempts),
  };
}

function clockTime(iso: string): string {
  return iso.slice(11, 19);
}

function envelopeWords(bytes: number | null): string {
  return bytes === null ? 'the envelope' : `the ${bytes}-byte envelope`;
}

/** "3 attempts between 10:02:11 and 16:14:03 (UTC); each stalled after the 513-byte envelope (middlebox-blackhole);
 * delivered at 16:14:03 (attempt 3) when the envelope was 498 bytes." */
export function tellStory(attempts: MessageAttempt[]): string {
  if (!attempts.length) return 'No delivery attempt of this message is in the capture.';
  const first = attempts[0]!;
  const last = attempts[attempts.length - 1]!;
  const day = first.at.slice(0, 10) === last.at.slice(0, 10) ? ` on ${first.at.slice(0, 10)}` : '';
  const head =
    attempts.length === 1
      ? `1 attempt at ${clockTime(first.at)} (UTC)${day}`
      : `${attempts.length} attempts between ${clockTime(first.at)} and ${clockTime(last.at)} (UTC)${day}`;
  const delivered = attempts.find((a) => a.outcome === 'delivered');
  const failed = attempts.filter((a) => a !== delivered && a.attempt < (delivered?.attempt ?? Infinity));
  const parts = [head];
  if (failed.length) {
    const diagnoses = new Set(failed.map((a) => a.diagnosis));
    const sizes = new Set(failed.map((a) => a.envelopeBytes));
    const outcomes = new Set(failed.map((a) => a.outcome));
    const stalled = failed.every((a) => a.outcome === 'timeout');
    const verb = stalled ? 'stalled after' : `ended ${[...outcomes].join('/')} after`;
    const env = sizes.size === 1 ? envelopeWords(failed[0]!.envelopeBytes) : `envelopes of ${[...sizes].map((x) => x ?? '?').join(', ')} bytes`;
    const why = diagnoses.size === 1 && !diagnoses.has('none') ? ` (${[...diagnoses][0]})` : diagnoses.size > 1 ? ` (${[...diagnoses].join(', ')})` : '';
    parts.push(`${failed.length === 1 ? 'it' : 'each'} ${verb} ${env}${why}`);
  }
  if (delivered) {
    const changed = failed.length > 0 && delivered.envelopeBytes !== null && failed.every((a) => a.envelopeBytes !== delivered.envelopeBytes);
    parts.push(`delivered at ${clockTime(delivered.at)} (attempt ${delivered.attempt})${changed ? ` when the envelope was ${delivered.envelopeBytes} bytes` : ''}`);
  } else {
    parts.push(`not delivered in this capture; the last attempt ended ${last.outcome}${last.diagnosis !== 'none' ? ` (${last.diagnosis})` : ''}`);
  }
  return `${parts.join('; ')}.`;
}
