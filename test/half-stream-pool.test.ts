import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { ACK, FIN, SYN } from '../src/decode/packet.js';
import { HalfStream } from '../src/tcp/half-stream.js';
import { ackFact as ack, clientPacket as packet } from './helpers/tcp-packet.js';

// A finished connection's half-streams are made anew for later connections (HalfStream.obtain). A field the reset
// forgets would carry one connection's state into another's diagnosis: a half that went through everything a
// direction can go through, then was released and obtained again, must equal a new one field by field; and a capture
// analysed twice in one process (the second time from recycled halves) must give the same report.

const LIMITS = { maxBufferedBytes: 1 << 20, maxPacketFacts: 1000 };
const SINK = { data() {}, gap() {} };
const ISN = 5000;

/** A half's own fields, and those of its packet log and first-copy list, as plain values. */
function state(h: HalfStream): Record<string, unknown> {
  const own = (o: object) =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [k, ArrayBuffer.isView(v) ? `${v.constructor.name}(${(v as Float64Array).length})` : v]),
    );
  const fields = own(h);
  return { ...fields, sink: fields.sink === SINK, packets: own(h.packets), recent: own((h as unknown as { recent: object }).recent) };
}

describe('half-streams reused across connections', () => {
  it('a half obtained again equals a new one, whatever the first connection left in it', () => {
    const used = HalfStream.obtain(SINK, LIMITS, null);
    used.sent(packet(ISN, Buffer.alloc(0), SYN), 1);
    used.sent(packet(ISN + 1, Buffer.from('EHLO a\r\n')), 2);
    used.sent(packet(ISN + 40, Buffer.from('later bytes\r\n')), 3); // out of order: buffered
    used.acknowledgedBy(ISN + 20, null, -1, ack(4)); // a hole acknowledged: a gap
    used.sent(packet(ISN + 1, Buffer.from('EHLO b\r\n')), 5); // a retransmission that differs
    used.sent(packet(ISN + 60, Buffer.alloc(0), ACK | FIN), 6);
    used.sent(packet(ISN + 61, Buffer.alloc(0), ACK | 0x04), 7); // RST
    used.acknowledgedBy(ISN + 62, null, -1, ack(8));
    void used.flights;
    void used.packets.get(0);
    expect(used.gaps.length).toBeGreaterThan(0);
    expect(used.inconsistentRetransmissions).toBe(1);
    used.finish();
    const gapsHandedOut = used.gaps;
    const gapCount = gapsHandedOut.length;
    used.recycle();
    const again = HalfStream.obtain(SINK, LIMITS, null);
    expect(again).toBe(used);
    expect(state(again)).toEqual(state(new HalfStream(SINK, LIMITS, null)));
    expect(gapsHandedOut).toHaveLength(gapCount); // what was handed out is left to its holder
  });

  it('an idle half keeps nothing of its finished connection alive', () => {
    // The pool is last-in first-out: a half deep in it may wait for the rest of the run. Its sink is the finished
    // connection's SMTP session (every command and reply), so it must let go of it, and of what it handed out.
    const session = { data() {}, gap() {} };
    const used = HalfStream.obtain(session, LIMITS, null);
    used.sent(packet(ISN, Buffer.alloc(0), SYN), 1);
    used.sent(packet(ISN + 1, Buffer.from('EHLO a\r\n')), 2);
    used.sent(packet(ISN + 40, Buffer.from('later bytes\r\n')), 3);
    used.acknowledgedBy(ISN + 20, null, -1, ack(4));
    used.sent(packet(ISN + 1, Buffer.from('EHLO b\r\n')), 5);
    const flights = used.flights;
    const fact = used.packets.get(0);
    used.finish();
    const gaps = used.gaps;
    used.recycle();
    const held = Object.values(state(used));
    for (const handedOut of [session, flights, fact, gaps]) expect(held).not.toContain(handedOut);
    const idle = used as unknown as { sink: unknown; flightObjects: unknown; firstInconsistency: unknown; packets: { made: unknown } };
    expect(idle.sink).not.toBe(session);
    expect(idle.flightObjects).toBeNull();
    expect(idle.firstInconsistency).toBeNull();
    expect(idle.packets.made).toBeNull();
    expect(HalfStream.obtain(SINK, LIMITS, null)).toBe(used); // and it is still handed out again
  });

  it('a capture analysed again from recycled halves gives the same report', async () => {
    const file = 'fixtures/lab/incident-513-client.pcap';
    const first = JSON.stringify((await analyze([file])).report);
    const second = JSON.stringify((await analyze([file])).report);
    expect(second).toBe(first);
  });
});
