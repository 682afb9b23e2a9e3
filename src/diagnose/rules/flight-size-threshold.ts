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

/** The pipelined flights of every connection, kept for the comparison at the end of the capture in three number
 * columns (connection, size, stalled): a few bytes each instead of the summaries' objects, so that what the capture
 * keeps until its end does not grow with the file by more than that. */
export class FlightSizeLog {
  private connection = new Int32Array(64);
  private size = new Float64Array(64);
  private stalled = new Uint8Array(64);
  private count = 0;
  /** Whether connections were added in increasing id order (then no sort is needed at the end). */
  private ordered = true;

  add(summary: FlightSummary): void {
    for (const f of summary.flights) {
      if (f.commands < 2) continue; // a pipelined group has several commands
      const n = this.count;
      if (n === this.connection.length) this.grow();
      if (n > 0 && this.connection[n - 1]! > summary.id) this.ordered = false;
      this.connection[n] = summary.id;
      this.size[n] = f.length;
      this.stalled[n] = f.replyBoundary < f.offset + f.length ? 1 : 0;
      this.count = n + 1;
    }
  }

  /** The flights in connection order (whatever order connections finished in: a sharded run finishes them in
   * another), each connection's in the order they were sent. */
  flights(): SizedFlight[] {
    const order = Array.from({ length: this.count }, (_, i) => i);
    if (!this.ordered) order.sort((a, b) => this.connection[a]! - this.connection[b]! || a - b);
    return order.map((i) => ({ connection: this.connection[i]!, size: this.size[i]!, stalled: this.stalled[i] === 1 }));
  }

  private grow(): void {
    const n = this.connection.length * 2;
    const connection = new Int32Array(n);
    connection.set(this.connection);
    const size = new Float64Array(n);
    size.set(this.size);
    const stalled = new Uint8Array(n);
    stalled.set(this.stalled);
    this.connection = connection;
    this.size = size;
    this.stalled = stalled;
  }
}

/** Across all connections: do pipelined flights stall by size? This is the experiment the incident's investigator ran by
 * hand (512 worked, 513 failed, 514 worked, 1025 answered only its first 512 bytes). */
export function correlateFlights(log: FlightSizeLog): FindingJson[] {
  const flights = log.flights();
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
