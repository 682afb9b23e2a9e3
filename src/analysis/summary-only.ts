import type { ConnectionJson } from './report-model.js';

/** A connection reduced to what the summary tables show: for clean connections in human reports, so that a capture of
 * thousands of healthy sessions does not hold all their transcripts. */
export function summaryOnly(c: ConnectionJson): ConnectionJson {
  return { ...c, commands: [], flights: [], transactions: [], findings: [], anomalies: [], banner: c.banner, tcp: { ...c.tcp, gaps: [] } };
}
