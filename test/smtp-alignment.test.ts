import { describe, expect, it } from 'vitest';
import { analyseFiles, codes, fixture, hasShared, only, SHARED, verbs } from './support/analyse.js';

describe('SMTP transcript and RFC 2920 reply alignment on real Postfix/Exim captures', () => {
  it('aligns a pipelined envelope answered in one segment, with byte offsets inside the flight', async () => {
    const c = await only('spine/postfix-pipelined-3rcpt.pcap');
    expect(c.banner?.code).toBe(220);
    expect(verbs(c)).toEqual(['EHLO', 'MAIL', 'RCPT', 'RCPT', 'RCPT', 'DATA', '.', 'QUIT']);
    expect(codes(c)).toEqual([250, 250, 250, 250, 250, 354, 250, 221]);
    const envelope = c.commands.slice(1, 6);
    // One flight, the commands back to back: each starts where the previous ended.
    expect(new Set(envelope.map((x) => x.flight)).size).toBe(1);
    for (let i = 1; i < envelope.length; i++) expect(envelope[i]!.offset).toBe(envelope[i - 1]!.offset + envelope[i - 1]!.length);
    const flight = c.flights.find((f) => f.index === envelope[0]!.flight)!;
    expect(flight.offset).toBe(envelope[0]!.offset);
    expect(flight.length).toBe(envelope.reduce((n, x) => n + x.length, 0));
    expect(flight.replyBoundary).toBe(flight.offset + flight.length);
    // Every command was ACKed, after it was sent; replies come after their command.
    for (const x of c.commands) {
      expect(x.ackedAt).not.toBeNull();
      expect(x.ackedAt! >= x.sentAt).toBe(true);
      expect(x.reply!.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(c.handshakeRttMs).toBeGreaterThan(0);
    expect(c.transactions).toEqual([
      expect.objectContaining({ mailFrom: 'sender@client.example', rcptTo: ['rcpt1@spine.example', 'rcpt2@spine.example', 'rcpt3@spine.example'], outcome: 'delivered' }),
    ]);
    expect(c.diagnosis).toBe('none');
  });

  it('keeps reading commands after a 554 to a pipelined DATA (tshark reads them as message data)', async () => {
    const c = await only('spine/postfix-pipelined-data-rejected.pcap');
    expect(verbs(c)).toEqual(['EHLO', 'MAIL', 'RCPT', 'RCPT', 'DATA', 'QUIT']);
    expect(codes(c)).toEqual([250, 250, 550, 550, 554, 221]);
    expect(c.transactions[0]!.outcome).toBe('rejected');
    expect(c.outcome).toBe('rejected');
    expect(c.diagnosis).toBe('none');
  });

  it('records each RCPT with its own reply when one recipient is refused', async () => {
    const c = await only('spine/postfix-rcpt-rejected.pcap');
    expect(c.transactions[0]!.rcptCodes).toEqual([250, 550]);
    expect(c.transactions[0]!.outcome).toBe('delivered');
    expect(c.summary).toMatch(/1 recipient\(s\) refused/);
  });

  it('aligns one command per segment without pipelining', async () => {
    const c = await only('spine/postfix-nonpipelined.pcap');
    expect(codes(c)).toEqual([250, 250, 250, 250, 354, 250, 221]);
    // Each command travelled in a flight of its own.
    const flights = c.commands.slice(0, 5).map((x) => x.flight);
    expect(new Set(flights).size).toBe(5);
  });

  it('stops reading at STARTTLS once the server said 220', async () => {
    const c = await only('spine/postfix-starttls.pcap');
    expect(verbs(c)).toEqual(['EHLO', 'STARTTLS']);
    expect(codes(c)).toEqual([250, 220]);
    expect(c.outcome).toBe('encrypted');
  });

  it('follows AUTH LOGIN continuations and never keeps the credentials', async () => {
    const c = await only('spine/auth-login.pcap');
    expect(verbs(c)).toEqual(['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', '.', 'QUIT']);
    expect(c.commands[1]!.argument).toBe('LOGIN');
    expect(c.commands[1]!.reply!.code).toBe(235);
    const json = JSON.stringify(c);
    expect(json).not.toContain('czNjcmV0LWZpeHR1cmU'); // the base64 password
    expect(json).not.toContain('Zml4dHVyZQ'); // the base64 user name
    const plain = JSON.stringify(await only('spine/auth-plain.pcap'));
    expect(plain).not.toContain('AGZpeHR1cmUAczNjcmV0LWZpeHR1cmU');
  });

  it('reads a session over IPv6 like the same session over IPv4', async () => {
    const c = await only('spine/postfix-clean-ipv6.pcap');
    expect(c.client).toMatch(/^\[2001:db8:1::1\]:\d+$/);
    expect(codes(c)).toEqual([250, 250, 250, 250, 250, 354, 250, 221]);
  });
});

describe.skipIf(!hasShared)('alignment on third-party captures', () => {
  it('matches four replies in one segment to MAIL, RCPT, DATA and the body sent before the 354', async () => {
    const r = await analyseFiles(`${SHARED}suricata-verify__smtp-pipelining__input.pcap`);
    const c = r.connections[0]!;
    expect(verbs(c)).toEqual(['EHLO', 'MAIL', 'RCPT', 'DATA', '.']);
    expect(codes(c)).toEqual([250, 250, 250, 354, 250]);
  });

  it('gives the greeting to the banner when the client spoke before it', async () => {
    const r = await analyseFiles(`${SHARED}zeek__smtp-mail-transactions-invalid.pcap`);
    const c = r.connections[0]!;
    expect(c.banner?.code).toBe(220);
    expect(c.commands[0]!.command).toBe('EHLO');
    expect(c.commands[0]!.reply?.code).toBe(250);
  });

  it('skips BDAT chunks by their declared size and answers each chunk', async () => {
    const r = await analyseFiles(`${SHARED}zeek__rfc3030-bdat-multipart-chunked.pcap`);
    const c = r.connections[0]!;
    const bdat = c.commands.filter((x) => x.command === 'BDAT');
    expect(bdat).toHaveLength(27);
    expect(bdat.every((x) => x.reply?.code === 250)).toBe(true);
    expect(bdat.at(-1)!.argument).toMatch(/LAST/i);
    expect(c.transactions[0]!.outcome).toBe('delivered');
  });

  it('rejects a pipelined RCPT and DATA after MAIL is refused (the RFC 2920 textbook case)', async () => {
    const r = await analyseFiles(`${SHARED}suricata-verify__smtp-data-rejected__10.7.29.101_49898-178.63.41.150_25.pcap`);
    const c = r.connections[0]!;
    const i = c.commands.findIndex((x) => x.reply?.code === 553);
    expect(verbs(c).slice(i, i + 3)).toEqual(['MAIL', 'RCPT', 'DATA']);
    expect(codes(c).slice(i, i + 3)).toEqual([553, 503, 503]);
  });

  it('never shows AUTH LOGIN credentials as commands, even when no 334 was matched', async () => {
    const r = await analyseFiles(`${SHARED}suricata-verify__smtp-bug-5989__input.pcap`);
    const json = JSON.stringify(r);
    expect(json).not.toContain('Z2FSDW50');
    expect(json).not.toContain('VjF2MXRyMG4');
    expect(verbs(r.connections[0]!)).toEqual(['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA']);
  });

  it('finds SMTP behind a SOCKS5 handshake on port 1080', async () => {
    const r = await analyseFiles(`${SHARED}arkime__socks5-smtp-503.pcap`);
    const c = r.connections[0]!;
    expect(c.banner?.code).toBe(220);
    expect(verbs(c)).toContain('AUTH');
    expect(c.commands.find((x) => x.command === 'AUTH')!.reply?.code).toBe(503);
  });
});

describe('fixtures are where the tests expect them', () => {
  it('resolves fixture paths', () => {
    expect(fixture('spine/postfix-pipelined-3rcpt.pcap')).toMatch(/fixtures\/spine\/postfix-pipelined-3rcpt\.pcap$/);
  });
});
