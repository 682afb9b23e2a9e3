import { describe, expect, it } from 'vitest';
import type { ConnectionJson } from '../src/analysis/report-model.js';
import { analyseFiles, fixture, only } from './support/analyse.js';

function stalled(c: ConnectionJson) {
  return c.flights.find((f) => f.replyBoundary < f.offset + f.length)!;
}

function finding(c: ConnectionJson, kind: string) {
  return c.findings.find((f) => f.kind === kind);
}

describe('the incident: a pipelined envelope ACKed by an intercepting proxy and never answered', () => {
  it('blames the middlebox for the 513-byte envelope captured at the client, with the evidence in words', async () => {
    const c = await only('lab/incident-513-client.pcap');
    expect(c.diagnosis).toBe('middlebox-blackhole');
    expect(c.middlebox?.kind).toBe('split-proxy');
    expect(c.middlebox!.confidence).toBeGreaterThanOrEqual(0.7);
    expect(c.diagnosisConfidence).toBeGreaterThanOrEqual(0.75);
    const f = stalled(c);
    expect(f.length).toBe(513);
    expect(f.answered).toBe(0);
    expect(f.replyBoundary).toBe(f.offset);
    expect(c.summary).toMatch(/513-byte pipelined flight \(MAIL, 6×RCPT, DATA\)/);
    expect(c.summary).toMatch(/no SMTP reply ever came/);
    expect(c.summary).toMatch(/TCP answered in .* while SMTP replies took at least/);
    // The QUIT sent 9 s later was answered: the server was alive and never saw the envelope.
    expect(c.commands.at(-1)).toMatchObject({ command: 'QUIT', reply: expect.objectContaining({ code: 221 }) });
    expect(c.commands.filter((x) => x.reply === null).map((x) => x.command)).toEqual(['MAIL', 'RCPT', 'RCPT', 'RCPT', 'RCPT', 'RCPT', 'RCPT', 'DATA']);
    expect(c.outcome).toBe('timeout');
  });

  it('names the reply boundary of a 1025-byte flight: only the commands in its first 512 bytes were answered', async () => {
    const c = await only('lab/proxy-bug512-1025-client.pcap');
    expect(c.diagnosis).toBe('middlebox-blackhole');
    const f = stalled(c);
    expect(f.length).toBe(1025);
    const cut = f.replyBoundary - f.offset;
    expect(cut).toBeGreaterThan(400);
    expect(cut).toBeLessThanOrEqual(512);
    expect(c.summary).toContain(`replies covered only the commands in bytes 0–${cut - 1} of the 1025-byte flight`);
  });

  it('sees the flight-size pattern across the lab runs: 513 and 1025 stall, 512/514/1024/1026 pass', async () => {
    const sizes = [512, 514, 1024, 1025, 1026].map((n) => fixture(`lab/proxy-bug512-${n}-client.pcap`));
    const r = await analyseFiles(fixture('lab/incident-513-client.pcap'), ...sizes);
    const diag = r.connections.map((c) => c.diagnosis);
    expect(diag.filter((d) => d === 'middlebox-blackhole')).toHaveLength(2);
    const t = r.capture.findings.find((f) => f.kind === 'flight-size-threshold')!;
    expect(t.message).toContain('every stalled pipelined flight (513 and 1025 bytes) is 1 byte(s) past a multiple of 512');
    expect(t.message).toContain('(512, 514, 1024 and 1026 bytes)');
  });

  it('reports a healthy intercepting proxy without calling it a failure', async () => {
    const c = await only('lab/proxy-healthy-client.pcap');
    expect(c.diagnosis).toBe('none');
    expect(c.outcome).toBe('delivered');
    expect(c.middlebox?.kind).toBe('split-proxy');
    expect(c.middlebox!.confidence).toBeLessThanOrEqual(0.6);
  });
});

describe('ACKs forged by another sender (crafted: a kernel cannot produce them)', () => {
  it('proves the ACK came from elsewhere by TTL, IP ID and timestamps, and by arriving faster than the path allows', async () => {
    const c = await only('crafted/forged-ack-blackhole.pcap');
    expect(c.diagnosis).toBe('middlebox-blackhole');
    expect(c.middlebox?.kind).toBe('ack-spoofing');
    const origin = finding(c, 'ack-origin')!;
    expect(origin.message).toMatch(/TTL is 255 .* TTL 52/);
    expect(origin.message).toMatch(/no TCP timestamp/);
    expect(origin.message).toMatch(/faster than the 40\.\d ms round trip/);
    expect(stalled(c).length).toBe(513);
  });

  it('finds the reply boundary at byte 492 of a forged-ACK 1025-byte flight', async () => {
    const c = await only('crafted/forged-ack-boundary-1025.pcap');
    expect(c.diagnosis).toBe('middlebox-blackhole');
    const f = stalled(c);
    expect(f.replyBoundary - f.offset).toBe(492);
    expect(c.summary).toContain('nothing after byte 492 was answered');
  });
});

describe('look-alikes are not blamed on a middlebox', () => {
  it('a frozen Postfix whose kernel ACKs the envelope is a server stall (client side and server side)', async () => {
    for (const file of ['spine/postfix-sigstop-after-ehlo.pcap', 'spine/postfix-sigstop-after-ehlo-server.pcap']) {
      const c = await only(file);
      expect(c.diagnosis, file).toBe('server-stall');
      expect(c.middlebox, file).toBeNull();
      const f = stalled(c);
      expect(f.length).toBe(385);
      expect(f.answered).toBe(0);
      expect(finding(c, 'acked-not-answered')!.evidence.unanswered).toHaveLength(4);
    }
  });

  it('a frozen Exim behind a real router is a server stall, the ACK matching the server stack', async () => {
    const c = await only('lab/server-stall-client.pcap');
    expect(c.diagnosis).toBe('server-stall');
    expect(c.summary).toMatch(/ACK came from the server's own stack/);
  });

  it('per-RCPT delays adding up past the client timeout are a slow server, not a stall', async () => {
    const short = await only('lab/slow-server-client-timeout-short-client.pcap');
    expect(short.diagnosis).toBe('slow-server');
    expect(finding(short, 'slow-replies')!.message).toMatch(/RCPT 3\.\d+ s/);
    const long = await only('lab/slow-server-client-timeout-long-client.pcap');
    expect(long.diagnosis).toBe('slow-server');
    expect(long.outcome).toBe('delivered');
  });

  it('retransmissions that delayed a delivered mail are path loss', async () => {
    const c = await only('lab/path-loss-client.pcap');
    expect(c.diagnosis).toBe('path-loss');
    expect(c.outcome).toBe('delivered');
    expect(c.tcp.retransmissions).toBeGreaterThan(0);
  });

  it('an RST with the router TTL is an injected reset', async () => {
    const c = await only('lab/rst-injected-client.pcap');
    expect(c.diagnosis).toBe('middlebox-reset');
    expect(c.middlebox?.kind).toBe('reset-injection');
    expect(c.summary).toMatch(/TTL is 255/);
  });

  it('frames removed from the capture are capture loss, and the verdict is withheld', async () => {
    const c = await only('lab/capture-gap-client.pcap');
    expect(c.diagnosis).toBe('capture-loss');
    expect(c.middlebox).toBeNull();
    expect(c.summary).toMatch(/withheld/);
  });

  it('a capture holding only the client side is capture loss, never a stall', async () => {
    const c = await only('crafted/one-direction-only.pcap');
    expect(c.diagnosis).toBe('capture-loss');
    expect(c.summary).toMatch(/Only one direction/);
    expect(c.diagnosisConfidence).toBe(0.95);
  });

  it('from the server side, a flight cut upstream shows as a client abort in the middle of a line', async () => {
    const c = await only('lab/proxy-bug512-1025-server.pcap');
    expect(c.diagnosis).toBe('client-abort');
    // Nothing in a server-side capture explains the abort: the verdict says so by its confidence.
    expect(c.diagnosisConfidence).toBeLessThanOrEqual(0.6);
    expect(c.summary).toMatch(/paused 8\.\d+ s in the middle of the line "RCPT TO:<rcpt07/);
    expect(c.summary).toMatch(/TTL 255/);
  });

  it('clean sessions are reported as none', async () => {
    for (const file of ['spine/postfix-pipelined-3rcpt.pcap', 'spine/postfix-nonpipelined.pcap', 'spine/postfix-clean-ipv6.pcap', 'lab/proxy-bug512-514-server.pcap']) {
      const c = await only(file);
      expect(c.diagnosis, file).toBe('none');
    }
  });

  it('recognises a PIX/ASA-masked dialogue as SMTP inspection without calling the mail failed', async () => {
    const r = await analyseFiles(fixture('crafted/pix-masked.pcap'));
    for (const c of r.connections) {
      expect(c.middlebox?.kind).toBe('smtp-inspection');
      expect(c.diagnosis).toBe('none');
    }
  });
});
