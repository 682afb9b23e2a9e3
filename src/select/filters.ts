import type { ConnectionJson, ReportJson, TransactionJson } from '../analysis/report-model.js';
import { addressMatches, messageIdMatches } from './addresses.js';
import { isoMs, resolveTimeSpec, type TimeSpec } from './time-spec.js';

/** What the user asked to see (all optional; every given criterion must hold). */
export interface Selection {
  from?: string[];
  rcpt?: string[];
  messageId?: string[];
  host?: string[];
  port?: number[];
  since?: TimeSpec;
  until?: TimeSpec;
  connection?: number[];
  problemsOnly?: boolean;
}

export function isMessageSelection(s: Selection): boolean {
  return Boolean(s.from?.length || s.rcpt?.length || s.messageId?.length);
}

export function isEmptySelection(s: Selection): boolean {
  return !isMessageSelection(s) && !s.host?.length && !s.port?.length && !s.since && !s.until && !s.connection?.length && !s.problemsOnly;
}

/** Does this transaction belong to the message the user asked about? */
export function transactionMatches(t: TransactionJson, s: Selection): boolean {
  if (s.from?.length && !s.from.some((p) => addressMatches(t.mailFrom, p))) return false;
  if (s.rcpt?.length && !s.rcpt.some((p) => t.rcptTo.some((r) => addressMatches(r, p)))) return false;
  if (s.messageId?.length && !s.messageId.some((p) => messageIdMatches(t.messageId, p))) return false;
  return true;
}

function endpointHost(endpoint: string): string {
  const v6 = /^\[(.*)\]:\d+$/.exec(endpoint);
  return (v6 ? v6[1]! : endpoint.slice(0, endpoint.lastIndexOf(':'))).toLowerCase();
}

function endpointPort(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

/** The capture's first and last packet times (epoch ms), from the connections it holds. */
export function captureSpan(report: ReportJson): { startMs: number; endMs: number } {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const c of report.connections) {
    startMs = Math.min(startMs, isoMs(c.start));
    endMs = Math.max(endMs, isoMs(c.end));
  }
  return { startMs, endMs };
}

export function connectionMatches(c: ConnectionJson, s: Selection, span: { startMs: number; endMs: number }): boolean {
  if (s.connection?.length && !s.connection.includes(c.id)) return false;
  if (s.problemsOnly && c.diagnosis === 'none') return false;
  if (s.host?.length) {
    const hosts = [endpointHost(c.client), endpointHost(c.server)];
    if (!s.host.some((h) => hosts.includes(h.toLowerCase().replace(/^\[|\]$/g, '')))) return false;
  }
  if (s.port?.length && !s.port.some((p) => p === endpointPort(c.client) || p === endpointPort(c.server))) return false;
  // A connection is in a time window when any part of it overlaps the window.
  if (s.since && isoMs(c.end) < resolveTimeSpec(s.since, span.startMs, span.endMs)) return false;
  if (s.until && isoMs(c.start) > resolveTimeSpec(s.until, span.startMs, span.endMs)) return false;
  if (isMessageSelection(s) && !c.transactions.some((t) => transactionMatches(t, s))) return false;
  return true;
}

/** A copy of the report holding only the selected connections (cross-connection findings kept as they are). */
export function selectConnections(report: ReportJson, s: Selection): ReportJson {
  if (isEmptySelection(s)) return report;
  const span = captureSpan(report);
  return { ...report, connections: report.connections.filter((c) => connectionMatches(c, s, span)) };
}
