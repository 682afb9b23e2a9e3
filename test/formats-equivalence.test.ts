// Issue 4: the same SMTP session stored in another format, compressed, piped through stdin or cut into rotated files
// must give the same JSON report apart from `inputs` (which says how it was stored).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateCapture } from '../src/bench/generate.js';
import type { ConnectionJson, ReportJson } from '../src/analysis/report-model.js';
import { fixturePath, runJson, withoutInputs } from './helpers/cli.js';

const ORIGINAL = fixturePath('spine/postfix-pipelined-3rcpt.pcap');

/** The JSON report; `expectedCode` 1 when the capture holds problems. */
function report(files: string[], stdin?: Buffer, expectedCode = 0): ReportJson {
  const run = runJson(files, stdin);
  expect(run.errorLines).toEqual([]);
  expect(run.code).toBe(expectedCode);
  return run.report;
}

describe('files converted from one capture: identical reports apart from inputs', () => {
  const reference = withoutInputs(report([ORIGINAL]));

  it.each(['spine/variant.pcapng', 'spine/variant.pcap.gz'])('%s equals postfix-pipelined-3rcpt.pcap', (rel) => {
    expect(withoutInputs(report([fixturePath(rel)]))).toEqual(reference);
  });

  it('cat x.pcap | smtp-pcap-diagnose - equals smtp-pcap-diagnose x.pcap', () => {
    expect(withoutInputs(report(['-'], readFileSync(ORIGINAL)))).toEqual(reference);
  });

  it('gzip through stdin equals the file', () => {
    expect(withoutInputs(report(['-'], readFileSync(fixturePath('spine/variant.pcap.gz'))))).toEqual(reference);
  });

  it('pcapng through stdin equals the file', () => {
    expect(withoutInputs(report(['-'], readFileSync(fixturePath('spine/variant.pcapng'))))).toEqual(reference);
  });

  it('a 3 MB capture of many sessions through stdin, plain and gzip, equals the file (records cut across pipe reads)', () => {
    // A pipe hands 64 KB at a time and zlib 1 MB: hundreds of records lie across two reads, and the partial one
    // left at the end of each must be carried into the next without a byte lost or repeated.
    const dir = mkdtempSync(join(tmpdir(), 'stdin-equivalence-'));
    try {
      const file = join(dir, 'sessions.pcap');
      generateCapture(file, { targetBytes: 3e6, seed: 7 });
      const bytes = readFileSync(file);
      const fromFile = report([file], undefined, 1);
      expect(fromFile.connections.length).toBeGreaterThan(50);
      const reference = withoutInputs(fromFile);
      expect(withoutInputs(report(['-'], bytes, 1))).toEqual(reference);
      expect(withoutInputs(report(['-'], gzipSync(bytes), 1))).toEqual(reference);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotated-00 + rotated-01 given together equal the single file (frame numbers count per file, as in Wireshark)', () => {
    const rotated = withoutInputs(report([fixturePath('spine/rotated-00.pcap'), fixturePath('spine/rotated-01.pcap')]));
    // ACKs in rotated-01.pcap are numbered from 1 there (frame 1 = frame 10 of the single file): only those may differ.
    const ackFrames = (r: Omit<ReportJson, 'inputs'>) => r.connections.flatMap((c) => c.flights.map((f) => (f as FlightWithAck).ack?.frame));
    expect(ackFrames(reference)).toEqual([7, 10, 12, 14]);
    expect(ackFrames(rotated)).toEqual([7, 1, 3, 5]);
    expect(withoutAckFrames(rotated)).toEqual(withoutAckFrames(reference));
  });

  it('the order of rotated files on the command line does not matter (merged by time)', () => {
    const forward = withoutInputs(report([fixturePath('spine/rotated-00.pcap'), fixturePath('spine/rotated-01.pcap')]));
    const backward = withoutInputs(report([fixturePath('spine/rotated-01.pcap'), fixturePath('spine/rotated-00.pcap')]));
    expect(withoutAckFrames(backward)).toEqual(withoutAckFrames(forward));
    // The ACK's input index follows the command line: the same ACK is in input 1 forward and input 0 backward.
    const inputs = (r: Omit<ReportJson, 'inputs'>) => r.connections.flatMap((c) => c.flights.map((f) => (f as FlightWithAck & { ack?: { input: number } | null }).ack?.input));
    expect(inputs(forward)).toEqual([0, 1, 1, 1]);
    expect(inputs(backward)).toEqual([1, 0, 0, 0]);
  });
});

describe('one session recorded at once by four tcpdumps (SLL, SLL2, Ethernet ns, snaplen 96)', () => {
  // Separate capture sockets stamp the same packet a microsecond apart and nano files carry more digits, so times may
  // differ by a few µs; everything the SMTP and TCP layers derive from the bytes must be identical.
  function shape(c: ConnectionJson) {
    return {
      client: c.client,
      server: c.server,
      outcome: c.outcome,
      diagnosis: c.diagnosis,
      banner: c.banner && { code: c.banner.code, text: c.banner.text },
      commands: c.commands.map((x) => ({ command: x.command, argument: x.argument, offset: x.offset, length: x.length, flight: x.flight, reply: x.reply && { code: x.reply.code, text: x.reply.text } })),
      flights: c.flights.map((f) => ({ index: f.index, offset: f.offset, length: f.length, commands: f.commands, answered: f.answered, replyBoundary: f.replyBoundary })),
      transactions: c.transactions,
      tcp: { ...c.tcp },
      findings: c.findings.map((f) => f.kind),
    };
  }
  function only(rel: string) {
    const r = runJson([fixturePath(rel)]).report;
    expect(r.connections).toHaveLength(1);
    return r.connections[0]!;
  }
  const sll = only('spine/variant-sll.pcap');

  it.each(['spine/variant-sll2.pcap', 'spine/variant-nano.pcap'])('%s has the same SMTP and TCP facts as variant-sll.pcap', (rel) => {
    const c = only(rel);
    expect(shape(c)).toEqual(shape(sll));
    expect(Math.abs(Date.parse(c.start) - Date.parse(sll.start))).toBeLessThanOrEqual(1);
  });

  it('the nano file keeps the nanoseconds the µs files round away', () => {
    const nano = only('spine/variant-nano.pcap');
    expect(nano.start).toBe('2026-11-28T16:30:52.942832792Z');
    expect(sll.start).toBe('2026-11-28T16:30:52.942832Z');
  });

  it('snaplen 96 sees the same connection and the same first command, and knows it saw less', () => {
    const cut = only('spine/variant-snap96.pcap');
    expect([cut.client, cut.server]).toEqual([sll.client, sll.server]);
    expect(cut.commands[0]).toMatchObject({ command: 'EHLO', offset: 0, length: sll.commands[0]!.length });
    expect(cut.tcp.clientBytes).toBe(sll.tcp.clientBytes);
    expect(cut.tcp.serverBytes).toBe(sll.tcp.serverBytes);
    expect(cut.diagnosis).toBe('capture-loss');
  });
});

type FlightWithAck = ConnectionJson['flights'][number] & { ack?: { frame: number } | null };

function withoutAckFrames(r: Omit<ReportJson, 'inputs'>) {
  return {
    ...r,
    connections: r.connections.map((c) => ({
      ...c,
      flights: c.flights.map((f) => {
        const ack = (f as FlightWithAck).ack;
        // Frame numbers count per file, and `input` says which file: both differ by construction.
        return ack ? { ...f, ack: { ...ack, frame: 0, input: 0 } } : f;
      }),
    })),
  };
}
