import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Conversation, writePcap } from '../src/synth/index.js';
import { analyseFiles, verbs } from './support/analyse.js';

// A capture that starts after the handshake, on ports that say nothing (the server on a high port, the client on a
// low one): the roles must come from the dialogue, not from a port guess. Written with src/synth because the point is
// the missing handshake, which a real capture only has when tcpdump starts late.
function midStreamCapture(): string {
  const c = new Conversation({
    client: { ip: '198.18.7.10', port: 1500 },
    server: { ip: '198.18.7.20', port: 52525, ttl: 60 },
    startNs: 1_764_000_000_000_000_000n,
  });
  c.handshake({ rttNs: 2_000_000 });
  c.serverSends('220 mx.example ESMTP\r\n', { afterNs: 1_000_000 });
  c.clientAcks({ afterNs: 100_000 });
  c.clientSends('EHLO client.example\r\n', { afterNs: 200_000 });
  c.serverSends('250-mx.example\r\n250 PIPELINING\r\n', { afterNs: 1_000_000 });
  c.clientSends('MAIL FROM:<a@client.example>\r\nRCPT TO:<b@mx.example>\r\nDATA\r\n', { afterNs: 200_000 });
  c.serverSends('250 ok\r\n250 ok\r\n354 go\r\n', { afterNs: 1_000_000 });
  c.clientSends('Subject: x\r\n\r\nhello\r\n.\r\n', { afterNs: 200_000 });
  c.serverSends('250 queued\r\n', { afterNs: 1_000_000 });
  c.clientSends('QUIT\r\n', { afterNs: 200_000 });
  c.serverSends('221 bye\r\n', { afterNs: 1_000_000 });
  // Drop the handshake and the ACK before the first payload: the capture begins with the server's ACK-less banner.
  const frames = [...c.frames()].slice(3);
  const dir = mkdtempSync(join(tmpdir(), 'spd-midstream-'));
  const file = join(dir, 'midstream.pcap');
  writeFileSync(file, writePcap(frames, { linkType: c.linkType }));
  return file;
}

describe('a capture that starts mid-connection', () => {
  it('takes the roles from the dialogue when the ports do not tell', async () => {
    const r = await analyseFiles(midStreamCapture());
    expect(r.connections).toHaveLength(1);
    const conn = r.connections[0]!;
    expect(conn.server).toBe('198.18.7.20:52525');
    expect(conn.client).toBe('198.18.7.10:1500');
    expect(conn.handshakeRttMs).toBeNull();
    expect(conn.banner?.code).toBe(220);
    expect(verbs(conn)).toEqual(['EHLO', 'MAIL', 'RCPT', 'DATA', '.', 'QUIT']);
    expect(conn.outcome).toBe('delivered');
  });
});
