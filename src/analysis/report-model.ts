// The JSON report (`--format json`), versioned by schemaVersion: fields may be added, never renamed
// (see DESIGN.md "Contract"). Times are ISO-8601 strings at the capture's precision; durations are milliseconds.

export type Vantage = 'client' | 'server' | 'middle' | 'unknown';
export type Outcome = 'delivered' | 'rejected' | 'deferred' | 'aborted' | 'timeout' | 'encrypted' | 'incomplete' | 'not-smtp';
export type Diagnosis =
  | 'none'
  | 'middlebox-blackhole'
  | 'middlebox-reset'
  | 'server-stall'
  | 'slow-server'
  | 'client-timeout'
  | 'client-abort'
  | 'path-loss'
  | 'capture-loss'
  | 'peer-reset';
export type MiddleboxKind = 'split-proxy' | 'ack-spoofing' | 'smtp-inspection' | 'reset-injection';
export type Severity = 'info' | 'warning' | 'error';

export interface FindingJson {
  kind: string;
  severity: Severity;
  confidence: number;
  message: string;
  evidence: Record<string, unknown>;
}

export interface ReplyJson {
  code: number;
  text: string;
  at: string;
  latencyMs: number;
}

export interface CommandJson {
  command: string;
  argument: string;
  offset: number;
  length: number;
  sentAt: string;
  ackedAt: string | null;
  flight: number;
  reply: ReplyJson | null;
  /** Present (true) when the reply, if any, fell into bytes the capture lost: unknown rather than "never came". */
  replyLostInCapture?: boolean;
}

export interface FlightJson {
  index: number;
  offset: number;
  length: number;
  sentAt: string;
  commands: number;
  answered: number;
  /** Offset up to which the commands of this flight were answered (exclusive); equals offset+length when all were. */
  replyBoundary: number;
  /** The first packet that acknowledged the whole flight (who sent it: TTL, IP ID, window); null when none did. */
  ack?: AckJson | null;
}

export interface AckJson {
  at: string;
  /** ms from the flight's first byte to this ACK. */
  delayMs: number;
  /** Frame number within its input file (Wireshark's numbering), and which input (index into `inputs`). */
  frame: number;
  input: number;
  ttl: number;
  ipId: number | null;
  window: number;
}

export interface TransactionJson {
  mailFrom: string;
  rcptTo: string[];
  rcptCodes: (number | null)[];
  dataBytes: number;
  messageId: string | null;
  subject: string | null;
  outcome: string;
}

export interface ConnectionJson {
  id: number;
  client: string;
  server: string;
  start: string;
  end: string;
  durationMs: number;
  vantage: Vantage;
  handshakeRttMs: number | null;
  /** When each handshake packet was seen (ISO); null fields when the capture lacks it. */
  handshake?: { synAt: string | null; synAckAt: string | null; ackAt: string | null; synAckTtl: number | null };
  outcome: Outcome;
  diagnosis: Diagnosis;
  /** How sure the engine is of `diagnosis`, 0..1 (lowered where the capture is incomplete or reordered). */
  diagnosisConfidence: number;
  middlebox: null | { kind: MiddleboxKind; confidence: number; evidence: string[] };
  summary: string;
  banner: null | { code: number; text: string; at: string };
  commands: CommandJson[];
  flights: FlightJson[];
  transactions: TransactionJson[];
  findings: FindingJson[];
  tcp: {
    clientPackets: number;
    serverPackets: number;
    clientBytes: number;
    serverBytes: number;
    retransmissions: number;
    gaps: { side: 'client' | 'server'; offset: number; length: number; reason: string; acked: boolean }[];
    closedBy: string;
  };
  anomalies: { kind: string; offset: number; detail: string }[];
}

export interface InputJson {
  file: string;
  format: string;
  compressed: boolean;
  precision: string;
  snaplen: number | null;
  linkTypes: number[];
  packets: number;
  /** Where every packet went: decoded TCP, or why not. */
  accounting: Record<string, number>;
  truncated: null | { offset: number; reason: string };
}

export interface ReportJson {
  schemaVersion: 1;
  tool: { name: string; version: string };
  inputs: InputJson[];
  connections: ConnectionJson[];
  /** Findings across connections (e.g. a flight-size threshold). */
  capture: { findings: FindingJson[]; otherTcpConnections: number; limits: string[] };
}
