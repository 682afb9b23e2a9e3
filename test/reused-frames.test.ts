// One input hands every record on in a single reused RecordFrame, read in place and decoded into a single reused
// packet; merged inputs get a frame of their own per record. Both must decode every fixture to the same packets.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureInput } from '../src/capture/input.js';
import { RecordFrame, capturedLength } from '../src/capture/record-frame.js';
import { decodeFrame } from '../src/decode/ip-tcp.js';
import { parseIPv4, parseIPv6 } from '../src/synth/addresses.js';
import { linkTypeOf, tcpFrame, TCP_FLAGS, type LinkSpec } from '../src/synth/frames.js';
import { linkHeaderLength } from '../src/synth/link.js';
import { fixturePath } from './helpers/cli.js';

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** Everything a decoded frame says, as text (what is kept must be copied: the reused objects are refilled). */
function describeFrame(f: Parameters<typeof decodeFrame>[0]): string {
  const p = decodeFrame(f);
  const head = `${f.number} ${f.sec}.${f.nsec} len=${capturedLength(f)}/${f.origLen} @${f.offset}`;
  if (typeof p === 'string') return `${head} ${p}`;
  return `${head} ${p.src}:${p.srcPort}>${p.dst}:${p.dstPort} v${p.ipVersion} ttl=${p.ttl} id=${p.ipId} df=${p.dontFragment} seq=${p.seq} ack=${p.ack} flags=${p.flags} win=${p.window} opt=${p.options.toString('hex')} pay=${p.payloadLength}:${p.payload.toString('hex')} key=${p.flowKey}`;
}

interface Run {
  lines: string[];
  error: string | null;
}

async function viaOneInput(file: string): Promise<Run & { reused: boolean }> {
  const lines: string[] = [];
  let reused = true;
  let first: unknown = null;
  let error: string | null = null;
  try {
    await new CaptureInput(file, 0).eachFrame((f) => {
      first ??= f;
      if (!(f instanceof RecordFrame) || f !== first) reused = false;
      lines.push(describeFrame(f));
    });
  } catch (e) {
    error = (e as Error).message;
  }
  return { lines, error, reused };
}

async function viaBatches(file: string): Promise<Run> {
  const lines: string[] = [];
  let error: string | null = null;
  try {
    for await (const batch of new CaptureInput(file, 0).batches()) {
      for (const f of batch) {
        expect(f).not.toBeInstanceOf(RecordFrame);
        lines.push(describeFrame(f));
      }
    }
  } catch (e) {
    error = (e as Error).message;
  }
  return { lines, error };
}

describe('reused frames and packets decode as frames of their own do', () => {
  it.each(captures(fixturePath('')).map((f) => [f.slice(fixturePath('').length)]))('%s', async (rel) => {
    const file = fixturePath(rel);
    const one = await viaOneInput(file);
    const batched = await viaBatches(file);
    // Faulty fixtures included: the frames before the fault, and the fault itself, must agree too.
    expect(one.lines).toEqual(batched.lines);
    expect(one.error).toBe(batched.error);
    if (one.lines.length) expect(one.reused).toBe(true);
  });
});

/** A classic pcap (microseconds) of the given link type; each record is [captured bytes, length on the wire]. */
function pcapFile(linkType: number, records: [Buffer, number][]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262_144, 16);
  header.writeUInt32LE(linkType, 20);
  const parts = [header];
  records.forEach(([data, wire], i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_710_000_000 + i, 0);
    r.writeUInt32LE(i * 1000, 4);
    r.writeUInt32LE(data.length, 8);
    r.writeUInt32LE(wire, 12);
    parts.push(r, data);
  });
  return Buffer.concat(parts);
}

/** Frames that exercise every length rule of the decoder: offload (IP length 0), snaplen cuts in the payload and in
 * the headers, Ethernet padding, options. */
function edgeFrames(link: LinkSpec, version: 4 | 6): [Buffer, number][] {
  const ip =
    version === 4
      ? { version: 4 as const, src: parseIPv4('192.0.2.1'), dst: parseIPv4('198.51.100.7'), ttl: 61, id: 4242, df: true }
      : { version: 6 as const, src: parseIPv6('2001:db8::1'), dst: parseIPv6('2001:db8::25') };
  const payload = Buffer.from('MAIL FROM:<a@example.org>\r\n');
  const whole = tcpFrame({
    link,
    ip,
    tcp: { srcPort: 40001, dstPort: 25, seq: 1000, ack: 2000, flags: TCP_FLAGS.ACK | TCP_FLAGS.PSH, window: 501, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval: 7, tsecr: 9 }] },
    payload,
  });
  const syn = tcpFrame({ link, ip, tcp: { srcPort: 40001, dstPort: 25, seq: 999, ack: 0, flags: TCP_FLAGS.SYN, options: [{ kind: 'mss', value: 1460 }, { kind: 'sackPermitted' }, { kind: 'wscale', shift: 7 }] } });
  const ipAt = linkHeaderLength(link);
  const offload = Buffer.from(whole);
  offload.writeUInt16BE(0, ipAt + (version === 4 ? 2 : 4)); // IPv4 total length / IPv6 payload length left 0
  const headerEnd = whole.length - payload.length;
  return [
    [syn, syn.length],
    [whole, whole.length],
    [offload, offload.length],
    [whole.subarray(0, whole.length - 5), whole.length], // snaplen cut inside the payload
    [whole.subarray(0, headerEnd - 3), whole.length], // snaplen cut inside the TCP header
    [whole.subarray(0, headerEnd - 3), headerEnd - 3], // the same bytes with nothing more on the wire: malformed
    [Buffer.concat([whole, Buffer.alloc(12)]), whole.length + 12], // trailing padding is not payload
    [whole.subarray(0, ipAt + 8), whole.length], // cut inside the IP header
  ];
}

describe('reused frames on crafted edge cases, every link type', () => {
  const links: LinkSpec[] = [
    { type: 'ethernet' },
    { type: 'ethernet', tags: [{ tpid: 0x88a8, vid: 5 }, { tpid: 0x8100, vid: 7 }] },
    { type: 'raw' },
    { type: 'null' },
    { type: 'loop' },
    { type: 'sll' },
    { type: 'sll2' },
  ];
  it.each(links.flatMap((l) => [4, 6].map((v) => [`${l.type}${'tags' in l && l.tags ? '+vlan' : ''} IPv${v}`, l, v] as const)))('%s', async (_name, link, version) => {
    const dir = mkdtempSync(join(tmpdir(), 'reused-frames-'));
    try {
      const file = join(dir, 'edge.pcap');
      writeFileSync(file, pcapFile(linkTypeOf(link), edgeFrames(link, version as 4 | 6)));
      const one = await viaOneInput(file);
      const batched = await viaBatches(file);
      expect(one.error).toBeNull();
      expect(one.lines).toHaveLength(8);
      expect(one.lines).toEqual(batched.lines);
      expect(one.reused).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
