import { describe, expect, it } from 'vitest';
import { KIND_ACK, KIND_DATA, KIND_FIN, KIND_RST, KIND_SYN, KIND_SYN_ACK, LAYOUT_NONE, LAYOUT_NOP_NOP_TS, PacketLog } from '../src/tcp/packet-log.js';

// The log packs the one- and two-byte header fields into shared words: every field must come back exactly, at the
// edges of its range too, and nulls must stay null.

describe('PacketLog', () => {
  it('gives back every field as stored, edges and nulls included', () => {
    const log = new PacketLog(1000);
    const a = log.add(1.5e12, 4_000_000_000, 3, KIND_SYN_ACK, 255, 65535, true, 65535, true, 0xffffffff | 0, LAYOUT_NOP_NOP_TS, 0);
    const b = log.add(7, 1, 0, KIND_DATA, 0, null, false, 0, false, 0, -1, 65_495);
    log.setLayoutText(b, 'mss,sack,weird');
    const c = log.add(8, 2, 1, KIND_RST, 64, 0, false, 1, true, 0, LAYOUT_NONE, 0);
    log.setOffset(a, -1);
    log.setAckOffset(a, 5_000_000_000);
    log.setOffset(b, 123_456);
    log.setAckOffset(b, null);
    expect(log.get(a)).toEqual({
      at: 1.5e12, frame: 4_000_000_000, input: 3, kind: 'syn-ack', ttl: 255, ipId: 65535, dontFragment: true, window: 65535,
      tsVal: 0xffffffff, optionLayout: 'nop,nop,ts', offset: -1, length: 0, ackOffset: 5_000_000_000,
    });
    expect(log.get(b)).toEqual({
      at: 7, frame: 1, input: 0, kind: 'data', ttl: 0, ipId: null, dontFragment: false, window: 0, tsVal: null,
      optionLayout: 'mss,sack,weird', offset: 123_456, length: 65_495, ackOffset: null,
    });
    expect(log.get(c)).toMatchObject({ kind: 'rst', ttl: 64, ipId: 0, window: 1, tsVal: 0, optionLayout: '', ackOffset: null });
    expect([log.kindOf(a), log.kindOf(b), log.kindOf(c)]).toEqual([KIND_SYN_ACK, KIND_DATA, KIND_RST]);
    expect([log.ttlOf(a), log.ttlOf(b), log.ttlOf(c)]).toEqual([255, 0, 64]);
  });

  it('finds kinds and the most common TTL across growth', () => {
    const log = new PacketLog(10_000);
    const kinds = [KIND_SYN, KIND_ACK, KIND_DATA, KIND_FIN];
    for (let i = 0; i < 500; i++) log.add(i, i + 1, 0, kinds[i % 4]!, i % 4 === 0 ? 128 : 57, i, true, 100, true, i, LAYOUT_NONE, i % 4 === 2 ? 10 : 0);
    expect(log.firstOfKind(KIND_DATA)).toBe(2);
    expect(log.lastOfKind(KIND_FIN)).toBe(499);
    expect(log.firstOfKind(KIND_RST)).toBe(-1);
    expect(log.ofKind(KIND_DATA)).toHaveLength(125);
    expect(log.mostCommonTtl()).toBe(57);
    expect(log.mostCommonTtlOfKind(KIND_SYN)).toBe(128);
  });
});
