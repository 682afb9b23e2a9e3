// Issue 4: every capture format, link type and timestamp precision a user hands us, each on a real file, checked
// through the CLI the way a user sees it: exit code, JSON `inputs`, timestamps to the nanosecond, the SMTP found.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConnectionJson } from '../src/analysis/report-model.js';
import { fixturePath, runJson } from './helpers/cli.js';

const manifest = JSON.parse(readFileSync(fixturePath('crafted/manifest.json'), 'utf8')) as Record<string, any>;

const DELIVERED_2RCPT = ['EHLO:250', 'MAIL:250', 'RCPT:250', 'RCPT:250', 'DATA:354', '.:250', 'QUIT:221'];
const DELIVERED_3RCPT = ['EHLO:250', 'MAIL:250', 'RCPT:250', 'RCPT:250', 'RCPT:250', 'DATA:354', '.:250', 'QUIT:221'];

function transcript(c: ConnectionJson): string[] {
  return c.commands.map((x) => `${x.command}:${x.reply?.code ?? '-'}`);
}

function one(rel: string) {
  const run = runJson([fixturePath(rel)]);
  expect(run.errorLines).toEqual([]);
  expect(run.report.inputs).toHaveLength(1);
  return { ...run, input: run.report.inputs[0]!, connections: run.report.connections };
}

describe('classic pcap', () => {
  it('microsecond little-endian Ethernet (tcpdump default)', () => {
    const { code, input, connections } = one('spine/postfix-pipelined-3rcpt.pcap');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcap', compressed: false, precision: 'us', linkTypes: [1], packets: 17, truncated: null });
    expect(connections).toHaveLength(1);
    expect(connections[0]!.start).toBe('2026-11-28T16:30:41.020091Z');
    expect(transcript(connections[0]!)).toEqual(DELIVERED_3RCPT);
  });

  it('nanosecond magic a1b23c4d, little-endian (tcpdump --time-stamp-precision=nano): all nine digits kept', () => {
    const { code, input, connections } = one('spine/variant-nano.pcap');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcap', precision: 'ns', linkTypes: [1], packets: 17 });
    expect(connections[0]!.start).toBe('2026-11-28T16:30:52.942832792Z');
    expect(transcript(connections[0]!)).toEqual(DELIVERED_3RCPT);
  });

  it('nanosecond magic, big-endian: sub-microsecond digits survive to the report', () => {
    const { code, input, connections } = one('crafted/nanosecond-be.pcap');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcap', precision: 'ns', linkTypes: [1], packets: 16 });
    const c = connections[0]! as ConnectionJson & { handshake?: { synAckAt: string } };
    expect(c.start).toBe('2024-03-12T09:14:07.250000789Z');
    expect(c.handshake?.synAckAt).toBe('2024-03-12T09:14:07.290113136Z');
    expect(transcript(c)).toEqual(DELIVERED_2RCPT);
  });

  it('snaplen 96 (tcpdump -s 96): cut payloads become gaps of known length, never commands or errors', () => {
    const { code, input, connections } = one('spine/variant-snap96.pcap');
    expect(input).toMatchObject({ snaplen: 96, packets: 17, accounting: { tcp: 17 } });
    const c = connections[0]!;
    // Only whole lines can be commands: the EHLO and QUIT segments fit in 96 bytes, the envelope and body did not.
    expect(c.commands.map((x) => x.command)).toEqual(['EHLO', 'QUIT']);
    expect(c.tcp.gaps.length).toBeGreaterThan(0);
    expect(c.tcp.gaps.every((g) => g.reason === 'snaplen')).toBe(true);
    expect(c.tcp.gaps.find((g) => g.side === 'client' && g.offset === 51)?.length).toBe(104);
    // A verdict about silence would be a guess here: it is withheld as capture loss.
    expect(c.diagnosis).toBe('capture-loss');
    expect(code).toBe(1);
  });
});

describe('pcapng', () => {
  it('converted by editcap -F pcapng: same session, format pcapng', () => {
    const { code, input, connections } = one('spine/variant.pcapng');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcapng', precision: 'us', linkTypes: [1], packets: 17 });
    expect(connections[0]!.start).toBe('2026-11-28T16:30:41.020091Z');
    expect(transcript(connections[0]!)).toEqual(DELIVERED_3RCPT);
  });

  it('if_tsresol = 9 (nanoseconds, written by editcap)', () => {
    const { code, input, connections } = one('formats/nano.pcapng');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcapng', precision: 'ns', packets: 17 });
    expect(connections[0]!.start).toBe('2026-11-28T16:30:52.942832792Z');
  });

  it('if_tsresol as a power of two (2^-20 s units)', () => {
    const m = manifest['pcapng-tsresol-pow2.pcapng'];
    const { code, input, connections } = one('crafted/pcapng-tsresol-pow2.pcapng');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcapng', packets: m.packets });
    const c = connections[0]! as ConnectionJson & { handshake?: { synAckAt: string } };
    expect(c.start).toBe(m.firstPacket.readsAs);
    expect(c.handshake?.synAckAt).toBe(m.synAck.readsAs);
    expect(transcript(c)).toEqual(DELIVERED_2RCPT);
  });

  it('a big-endian section after a little-endian one: one session across both', () => {
    const m = manifest['pcapng-be-after-le.pcapng'];
    const { code, input, connections } = one('crafted/pcapng-be-after-le.pcapng');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcapng', packets: m.packets });
    expect(connections).toHaveLength(1);
    expect(transcript(connections[0]!)).toEqual(DELIVERED_2RCPT);
  });

  it('two sections from concatenated files (cat a.pcapng b.pcapng): both sessions', () => {
    const { code, input, connections } = one('formats/multi-section.pcapng');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcapng', packets: 46 });
    expect(connections.map(transcript)).toEqual([
      DELIVERED_2RCPT,
      ['EHLO:250', 'MAIL:250', 'RCPT:250', 'RCPT:550', 'DATA:354', '.:250', 'QUIT:221'],
    ]);
  });

  it('interfaces with different link types in one file (mergecap of SLL2 and Ethernet)', () => {
    const { code, input, connections } = one('formats/multi-interface.pcapng');
    expect(code).toBe(0);
    expect(input).toMatchObject({ format: 'pcapng', linkTypes: [276, 1], packets: 40, accounting: { tcp: 40 } });
    expect(connections.map(transcript)).toEqual([DELIVERED_2RCPT, DELIVERED_3RCPT]);
  });

  it('Ethernet and RAW interfaces plus NRB, custom block and ISBs skipped safely', () => {
    const { code, input, connections } = one('crafted/pcapng-mixed-linktypes.pcapng');
    expect(code).toBe(0);
    expect(input).toMatchObject({ linkTypes: [1, 101], packets: 16, accounting: { tcp: 16 } });
    expect(transcript(connections[0]!)).toEqual(DELIVERED_2RCPT);
  });
});

describe('link layers', () => {
  it.each([
    ['spine/variant-sll.pcap', 113],
    ['spine/variant-sll2.pcap', 276],
  ])('%s (tcpdump -i any) reads as link type %i', (rel, linkType) => {
    const { code, input, connections } = one(rel);
    expect(code).toBe(0);
    expect(input).toMatchObject({ linkTypes: [linkType], packets: 17, accounting: { tcp: 17 } });
    expect(transcript(connections[0]!)).toEqual(DELIVERED_3RCPT);
  });

  it('Ethernet with stacked 802.1ad + 802.1Q tags (QinQ)', () => {
    const { code, input, connections } = one('crafted/vlan-qinq.pcap');
    expect(code).toBe(0);
    expect(input).toMatchObject({ linkTypes: [1], accounting: { tcp: 16 } });
    expect(transcript(connections[0]!)).toEqual(DELIVERED_2RCPT);
  });

  it('BSD NULL loopback with the IPv6 address family of OpenBSD (24), FreeBSD (28) and macOS (30)', () => {
    const { code, input, connections } = one('crafted/null-ipv6-bsd.pcap');
    expect(code).toBe(0);
    expect(input).toMatchObject({ linkTypes: [0], packets: 48, accounting: { tcp: 48 } });
    expect(connections.map((c) => c.client)).toEqual(['[2001:db8:5::a]:47420', '[2001:db8:5::a]:47421', '[2001:db8:5::a]:47422']);
    for (const c of connections) expect(transcript(c)).toEqual(DELIVERED_2RCPT);
  });

  it('an unsupported link type is counted and named, not fatal', () => {
    const { code, input, connections } = one('formats/unsupported-linktype.pcap');
    expect(code).toBe(0);
    expect(input).toMatchObject({ linkTypes: [105], packets: 17, accounting: { 'unsupported-link': 17 } });
    expect(connections).toEqual([]);
  });
});

describe('IP layer', () => {
  it('IPv6 from a real stack (Postfix over 2001:db8::/32)', () => {
    const { code, connections } = one('spine/postfix-clean-ipv6.pcap');
    expect(code).toBe(0);
    expect(connections[0]!.server).toBe('[2001:db8:1::2]:25');
    expect(transcript(connections[0]!)).toEqual(DELIVERED_3RCPT);
  });

  it('IPv6 hop-by-hop, destination options, routing and atomic fragment headers', () => {
    const { code, input, connections } = one('crafted/ipv6-ext-headers.pcap');
    expect(code).toBe(0);
    expect(input.accounting).toEqual({ tcp: 16 });
    expect(connections[0]!.banner?.code).toBe(220);
    expect(transcript(connections[0]!)).toEqual(DELIVERED_2RCPT);
  });

  it('an IPv4-fragmented message body is reassembled: delivered, all three fragment frames accounted', () => {
    const { code, input, connections } = one('crafted/ipv4-fragmented.pcap');
    expect(code).toBe(0);
    expect(input.packets).toBe(18);
    expect(input.accounting).toEqual({ tcp: 15, 'ip-fragment': 3 });
    expect(connections[0]!.tcp.gaps).toEqual([]);
    expect(connections[0]!.outcome).toBe('delivered');
    expect(transcript(connections[0]!)).toEqual(DELIVERED_2RCPT);
  });
});

describe('containers and inputs', () => {
  it('gzip is recognised by its magic (.gz pcap and .gz pcapng)', () => {
    const a = one('spine/variant.pcap.gz');
    expect(a.input).toMatchObject({ format: 'pcap', compressed: true, packets: 17 });
    const b = one('formats/nano.pcapng.gz');
    expect(b.input).toMatchObject({ format: 'pcapng', compressed: true, precision: 'ns', packets: 17 });
    expect(b.connections[0]!.start).toBe('2026-11-28T16:30:52.942832792Z');
  });

  it('stdin ("-") is named (stdin) in inputs', () => {
    const run = runJson(['-'], readFileSync(fixturePath('spine/postfix-pipelined-3rcpt.pcap')));
    expect(run.code).toBe(0);
    expect(run.report.inputs[0]).toMatchObject({ file: '(stdin)', format: 'pcap', packets: 17 });
  });

  it('rotated files given together are one capture: one connection, both inputs listed', () => {
    const run = runJson([fixturePath('spine/rotated-00.pcap'), fixturePath('spine/rotated-01.pcap')]);
    expect(run.code).toBe(0);
    expect(run.report.inputs.map((i) => i.packets)).toEqual([9, 8]);
    expect(run.report.connections).toHaveLength(1);
    expect(transcript(run.report.connections[0]!)).toEqual(DELIVERED_3RCPT);
  });
});
