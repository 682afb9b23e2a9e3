// Synthetic hostile captures for measuring resource bounds: a SYN flood of many half-open connections, and one
// connection carrying a huge message. Written straight to disk so that generating them costs no memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { tcpFrame, TCP_FLAGS } from '../synth/frames.js';
import { PcapWriter } from '../synth/pcap-writer.js';

const RAW = 101;
const LINK = { type: 'raw' as const, linkType: RAW };
const { SYN, ACK, PSH, FIN } = TCP_FLAGS;

function fileWriter(path: string): { w: PcapWriter; close: () => void } {
  const fd = openSync(path, 'w');
  const w = new PcapWriter({ linkType: RAW, sink: (b) => writeSync(fd, b) });
  return { w, close: () => closeSync(fd) };
}

function ip4(n: number): Buffer {
  return Buffer.from([10, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** `count` SYNs from distinct clients to one SMTP server, 10 µs apart, never answered. */
export function writeSynFlood(path: string, count: number): void {
  const { w, close } = fileWriter(path);
  const server = Buffer.from([192, 0, 2, 25]);
  const t0 = 1_700_000_000n * 1_000_000_000n;
  for (let i = 0; i < count; i++) {
    const frame = tcpFrame({
      link: LINK,
      ip: { version: 4, src: ip4(i >>> 6), dst: server, ttl: 64, id: i & 0xffff },
      tcp: { srcPort: 1024 + (i & 63) * 900 + (i % 900), dstPort: 25, seq: (i * 2654435761) >>> 0, ack: 0, flags: SYN, window: 64240 },
    });
    w.addPacket(t0 + BigInt(i) * 10_000n, frame);
  }
  close();
}

/** One SMTP connection whose message body is `bodyBytes` long, in 1448-byte segments, ACKed every second segment. */
export function writeHugeConnection(path: string, bodyBytes: number): void {
  const { w, close } = fileWriter(path);
  const c = Buffer.from([198, 51, 100, 7]);
  const s = Buffer.from([192, 0, 2, 25]);
  let t = 1_700_000_000n * 1_000_000_000n;
  let cseq = 1000;
  let sseq = 5000;
  const send = (fromClient: boolean, flags: number, payload?: Buffer, gapNs = 50_000n) => {
    t += gapNs;
    const frame = tcpFrame({
      link: LINK,
      ip: { version: 4, src: fromClient ? c : s, dst: fromClient ? s : c, ttl: 64 },
      tcp: {
        srcPort: fromClient ? 40000 : 25,
        dstPort: fromClient ? 25 : 40000,
        seq: fromClient ? cseq : sseq,
        ack: fromClient ? sseq : cseq,
        flags,
        window: 2000,
      },
      payload,
    });
    w.addPacket(t, frame);
    const n = (payload?.length ?? 0) + (flags & (SYN | FIN) ? 1 : 0);
    if (fromClient) cseq = (cseq + n) >>> 0;
    else sseq = (sseq + n) >>> 0;
  };
  send(true, SYN);
  send(false, SYN | ACK);
  send(true, ACK);
  const line = (fromClient: boolean, text: string) => send(fromClient, ACK | PSH, Buffer.from(text));
  line(false, '220 mx.example ESMTP\r\n');
  line(true, 'EHLO client.example\r\n');
  line(false, '250 mx.example\r\n');
  line(true, 'MAIL FROM:<a@example.org>\r\n');
  line(false, '250 ok\r\n');
  line(true, 'RCPT TO:<b@example.net>\r\n');
  line(false, '250 ok\r\n');
  line(true, 'DATA\r\n');
  line(false, '354 go ahead\r\n');
  const segment = Buffer.alloc(1448, 'x');
  for (let i = 0; i < 1448; i += 74) segment.write('\r\n', Math.min(i + 72, 1446));
  let sent = 0;
  let k = 0;
  while (sent < bodyBytes) {
    const n = Math.min(1448, bodyBytes - sent);
    send(true, ACK, n === 1448 ? segment : segment.subarray(0, n), 10_000n);
    sent += n;
    if (++k % 2 === 0) send(false, ACK, undefined, 5_000n);
  }
  line(true, '\r\n.\r\n');
  line(false, '250 queued\r\n');
  line(true, 'QUIT\r\n');
  line(false, '221 bye\r\n');
  send(true, FIN | ACK);
  send(false, FIN | ACK);
  send(true, ACK);
  close();
}
