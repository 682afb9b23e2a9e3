import type { ConnectionJson, FindingJson } from '../../analysis/report-model.js';

/** Block sizes at which middleboxes have been seen to cut streams [anchors §0, §10 item 5]. */
const BLOCKS = [512, 1024, 256, 2048];

/** A connection's pipelined flights, reduced to what the size comparison reads. */
export type FlightSummary = { id: number; flights: Pick<ConnectionJson['flights'][number], 'commands' | 'length' | 'offset' | 'replyBoundary'>[] };

export function flightSummary(c: ConnectionJson): FlightSummary {
  return { id: c.id, flights: c.flights.filter((f) => f.commands >= 2).map((f) => ({ commands: f.commands, length: f.length, offset: f.offset, replyBoundary: f.replyBoundary })) };
}

interface SizedFlight {
  connection: number;
  size: number;
  stalled: boolean;
}

/** Across all connections: do pipelined flights stall by size? This is the experiment the incident's investigator ran by
 * hand (512 worked, 513 failed, 514 worked, 1025 answered only its first 512 bytes). */
export function correlateFlights(connections: FlightSummary[]): FindingJson[] {
  const flights: SizedFlight[] = [];
  // In connection order, whatever order they finished in (a sharded run finishes them in another).
  for (const c of [...connections].sort((a, b) => a.id - b.id)) {
    for (const f of c.flights) {
      if (f.commands < 2) continue; // a pipelined group has several commands
      flights.push({ connection: c.id, size: f.length, stalled: f.replyBoundary < f.offset + f.length });
    }
  }
  const stalled = flights.filter((f) => f.stalled);
  const answered = flights.filter((f) => !f.stalled);
  if (!stalled.length || !answered.length) return [];
  const sizes = (xs: SizedFlight[]) => [...new Set(xs.map((x) => x.size))].sort((a, b) => a - b);
  const s = sizes(stalled);
  const a = sizes(answered);
  const statements: string[] = [];
  const maxAnswered = Math.max(...a);
  const minStalled = Math.min(...s);
  if (maxAnswered < minStalled) {
    statements.push(`all ${answered.length} pipelined flights of ≤ ${maxAnswered} bytes were answered; the ${stalled.length} of ${list(s)} bytes stalled`);
  } else {
    for (const block of BLOCKS) {
      const r = s[0]! % block;
      if (s.every((x) => x % block === r) && a.every((x) => x % block !== r)) {
        statements.push(
          `every stalled pipelined flight (${list(s)} bytes) is ${r} byte(s) past a multiple of ${block}, and none of the ${answered.length} answered ones (${list(a)} bytes) is`,
        );
        break;
      }
    }
    if (!statements.length) statements.push(`${answered.length} pipelined flights were answered (${list(a)} bytes) and ${stalled.length} stalled (${list(s)} bytes); size alone does not separate them`);
  }
  return [
    {
      kind: 'flight-size-threshold',
      severity: statements[0]!.includes('size alone') ? 'info' : 'warning',
      confidence: Math.min(0.9, 0.4 + 0.1 * flights.length),
      message: `Across this capture, ${statements[0]}. Reproduce with envelopes just under and over that size, pipelined in one segment.`,
      evidence: { answered: answered.map((f) => ({ connection: f.connection, bytes: f.size })), stalled: stalled.map((f) => ({ connection: f.connection, bytes: f.size })) },
    },
  ];
}

function list(xs: number[]): string {
  if (xs.length <= 1) return String(xs[0] ?? '');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
