// Every real third-party capture in ../shared/captures (see its SOURCES.md) must analyse: exit 0 or 1, never a crash,
// never a false "middlebox-blackhole" (none of these captures was taken behind such a box). The one corrupt file must
// report its 18 readable packets and then the precise error. Skips where the folder is absent (a user's machine).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasSharedCaptures, runJson, SHARED_CAPTURES } from './helpers/cli.js';

const CORRUPT = 'suricata-verify__smtp-to-comma__10.7.29.101_49898-178.63.41.150_25.pcap';
const files = hasSharedCaptures ? readdirSync(SHARED_CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort() : [];

if (!hasSharedCaptures) console.warn(`${SHARED_CAPTURES} is absent: skipping test/shared-captures.test.ts`);

describe.skipIf(!hasSharedCaptures)('../shared/captures', () => {
  it('holds the files SOURCES.md lists', () => {
    expect(files.length).toBeGreaterThanOrEqual(31);
    expect(files).toContain(CORRUPT);
  });

  it.each(files.filter((f) => f !== CORRUPT))('%s: exit 0 or 1, no error, no middlebox-blackhole', (name) => {
    const run = runJson([SHARED_CAPTURES + name]);
    expect(run.errorLines).toEqual([]);
    expect([0, 1]).toContain(run.code);
    const input = run.report.inputs[0]!;
    expect(input.truncated).toBeNull();
    expect(input.packets).toBeGreaterThan(0);
    // Every frame is accounted for: decoded, or counted under a named reason.
    expect(Object.values(input.accounting).reduce((a, b) => a + b, 0)).toBe(input.packets);
    const blackholed = run.report.connections.filter((c) => c.diagnosis === 'middlebox-blackhole').map((c) => `${c.client} → ${c.server}`);
    expect(blackholed).toEqual([]);
    // Exit 1 exactly when some connection has a diagnosis.
    expect(run.code).toBe(run.report.connections.some((c) => c.diagnosis !== 'none') ? 1 : 0);
  });

  it(`${CORRUPT}: 18 packets analysed, then the corrupt record named by offset and size, exit 2`, () => {
    const file = SHARED_CAPTURES + CORRUPT;
    const run = runJson([file]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([
      `smtp-pcap-diagnose: ${file}: byte 3695: record 19 claims 3925868813 captured bytes, more than the 262144-byte maximum (corrupt record header); analysed 18 packets before it`,
    ]);
    expect(run.report.inputs[0]).toMatchObject({ packets: 18, truncated: { offset: 3695 } });
    // The 18 packets still make a report: the pipelined MAIL rejected (553), RCPT and DATA 503.
    const c = run.report.connections[0]!;
    expect(c.commands.slice(1, 4).map((x) => `${x.command}:${x.reply?.code}`)).toEqual(['MAIL:553', 'RCPT:503', 'DATA:503']);
    expect(c.diagnosis).not.toBe('middlebox-blackhole');
  });

  it('link types seen across the folder include Ethernet, NULL and pcapng', () => {
    const seen = new Set<string>();
    for (const name of ['suricata-verify__smtp-pipelining__input.pcap', 'packetlife__ipv6-smtp.pcapng', 'zeek__smtp.pcap']) {
      const i = runJson([SHARED_CAPTURES + name]).report.inputs[0]!;
      seen.add(`${i.format}/${i.linkTypes.join(',')}`);
    }
    expect([...seen].sort()).toEqual(['pcap/0', 'pcap/1', 'pcapng/1']);
  });
});
