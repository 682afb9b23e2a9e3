// Markdown for tickets, on the real incident capture (fixtures/lab/incident-513-client.pcap: Exim behind a split
// proxy that ACKs a 513-byte envelope in 37 µs and never forwards it) and a multi-connection capture.
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderText } from '../src/report/text.js';

describe('Markdown report', () => {
  it('leads with the verdict, then evidence with times, TTLs, IP IDs and byte offsets', async () => {
    const { report } = await analyze(['fixtures/lab/incident-513-client.pcap']);
    const md = renderMarkdown({ report });
    expect(md.split('\n').slice(0, 5).join('\n')).toContain('**1 of 1 SMTP connection had a problem: middlebox-blackhole.**');
    expect(md).toContain('| flight 1 (MAIL, 6×RCPT, DATA): sent | 2026-11-28T16:29:31.337874Z, 513 bytes at client offsets 25–538 |');
    expect(md).toContain('| flight 1 (MAIL, 6×RCPT, DATA): ACKed | 2026-11-28T16:29:31.337911Z (+37 µs) by frame 10: TTL 255, IP ID 31437, window 64 |');
    expect(md).toContain('| handshake RTT | 77 µs, SYN → SYN/ACK 64 µs, SYN/ACK TTL 255 |');
    // The transcript marks each unanswered command.
    expect(md.match(/\[NO REPLY\]/g)).toHaveLength(8);
  });

  it('draws the stalled exchange as a mermaid sequence diagram with the inferred middlebox', async () => {
    const { report } = await analyze(['fixtures/lab/incident-513-client.pcap']);
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(renderMarkdown({ report }))![1]!;
    expect(mermaid).toMatch(/^sequenceDiagram\n {2}participant C as Client 198\.18\.10\.2:60036\n {2}participant M as Middlebox \(split-proxy, inferred\)\n {2}participant S as Server 198\.18\.20\.2:25/);
    expect(mermaid).toContain('C-xS: +207.851 ms MAIL, 6×RCPT, DATA (513 B @25)');
    expect(mermaid).toContain('M-->>C: +207.888 ms ACK +37 µs TTL 255 IP ID 31437');
    expect(mermaid).toContain('Note over M,S: NO REPLY: no reply to 8 of 8 command(s) for 9.01 s');
    expect(mermaid).toContain('S->>C: +9469.590 ms 221 ← QUIT 252.3 ms');
  });

  it('long captures: problem connections in full, the rest in one table', async () => {
    const { report } = await analyze(['fixtures/crafted/message-view-00.pcap', 'fixtures/crafted/message-view-01.pcap', 'fixtures/crafted/message-view-02.pcap']);
    const md = renderMarkdown({ report });
    expect(md.match(/^## Connection /gm)).toHaveLength(2);
    expect(md.match(/^```mermaid$/gm)).toHaveLength(2);
    expect(md).toMatch(/## Other connections \(no problem found\)\n\n\| # \| start \(UTC\) \|[^\n]*\n\| --- [^\n]*\n\| 2 \| 11:00:00\.000 \|[^\n]*\n\| 4 \| 16:14:02\.877 \|/);
  });

  it('text: the transcript and evidence come with --verbose only', async () => {
    const { report } = await analyze(['fixtures/lab/incident-513-client.pcap']);
    const short = renderText(report, { verbose: false });
    const long = renderText(report, { verbose: true });
    expect(short).toContain('middlebox-blackhole');
    expect(short).not.toContain('[no reply]');
    expect(long.match(/\[no reply\]/g)).toHaveLength(8);
    expect(long).toMatch(/by frame 10: TTL 255, IP ID\s/);
  });
});
