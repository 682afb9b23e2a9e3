import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Conversation, PcapngWriter } from '../src/synth/index.js';
import { runCli } from './helpers/cli.js';

// Found by the fuzzer (multi-section.pcapng with flipped bits): an interface whose if_tsoffset was corrupted into
// billions of seconds made a timestamp no calendar can print, and the report crashed on it. Written with src/synth:
// no tool writes such a file on purpose.
describe('a pcapng packet whose timestamp is out of any calendar', () => {
  it('stops reading with one line naming the packet and the byte, after reporting what came before', () => {
    const c = new Conversation({ client: { ip: '198.18.9.1', port: 40001 }, server: { ip: '198.18.9.2', port: 25 }, startNs: 1_700_000_000_000_000_000n });
    c.handshake({ rttNs: 1_000_000 });
    c.serverSends('220 mx ESMTP\r\n');
    const frames = [...c.frames()];
    const w = new PcapngWriter();
    w.section();
    const good = w.addInterface({ linkType: c.linkType });
    const bad = w.addInterface({ linkType: c.linkType, tsoffsetSec: 9_000_000_000_000n });
    for (const f of frames.slice(0, 3)) w.epb(good, f.tsNs, f.data);
    w.epb(bad, frames[3]!.tsNs, frames[3]!.data);
    const file = join(mkdtempSync(join(tmpdir(), 'spd-ts-')), 'bad-offset.pcapng');
    writeFileSync(file, w.toBuffer());
    const run = runCli(['-f', 'json', file]);
    expect(run.code).toBe(2);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/bad-offset\.pcapng: byte \d+: pcapng packet 4 has a timestamp outside years 1–9999 .*; analysed 3 packets before it/);
    expect(JSON.parse(run.stdout).inputs[0].packets).toBe(3);
  });
});
