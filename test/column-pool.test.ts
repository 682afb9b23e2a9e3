import { describe, expect, it } from 'vitest';
import { giveBlock, growBlock, growPairedBlock, releaseIdleBlocks, taken, takeBlock } from '../src/tcp/column-pool.js';
import { KIND_ACK, KIND_DATA, LAYOUT_NONE, PacketLog } from '../src/tcp/packet-log.js';
import { Prng } from '../src/bench/prng.js';

// A block is a run of a slab, reached through the slab's views and where it starts. A block handed to two owners at
// once, or a start inside another block, would mix two connections' packets: each log here must read back exactly
// what it stored while hundreds of others grow, are released and are made again in a random order.

/** The block takeBlock just made or found, as its own values (taken is refilled by the next call). */
function take(bytes: number) {
  takeBlock(bytes);
  return { ...taken };
}

describe('column pool', () => {
  it('blocks taken at once do not overlap, their int view covers the same bytes, and one given back is taken again', () => {
    const a = take(256);
    const b = take(256);
    const aEnd = a.start + 32;
    expect(a.floats === b.floats && b.start < aEnd && a.start < b.start + 32).toBe(false);
    a.floats[a.start + 3] = 1.5;
    expect(new Float64Array(a.ints.buffer, a.ints.byteOffset + (a.start + 3) * 8, 1)[0]).toBe(1.5);
    expect(a.ints.buffer).toBe(a.floats.buffer);
    giveBlock(a.floats, a.start, 256);
    const again = take(256);
    expect(again.floats).toBe(a.floats);
    expect(again.start).toBe(a.start);
    expect(again.ints).toBe(a.ints);
    // A large block has a buffer of its own.
    const large = take(64 << 10);
    expect(large.start).toBe(0);
    expect(large.floats.length).toBe(8 << 10);
  });

  it('a grown block holds every row of the old one, copied one by one (small blocks) or at once (large ones)', () => {
    for (const rows of [1, 2, 100, 128, 129, 256, 257, 1000, 3000]) {
      // One column of 2 numbers a row.
      const one = take(rows * 16);
      for (let i = 0; i < rows * 2; i++) one.floats[one.start + i] = rows * 1e4 + i + 0.5;
      growBlock(one.floats, one.start, rows, 2, 4);
      const grown = { ...taken };
      expect(grown.floats.length - grown.start).toBeGreaterThanOrEqual(rows * 4);
      for (let i = 0; i < rows * 2; i++) expect(grown.floats[grown.start + i]).toBe(rows * 1e4 + i + 0.5);
      giveBlock(grown.floats, grown.start, rows * 4 * 16);
      // Two columns: 1 number and 3 int32s a row.
      const pair = take(rows * 20);
      const intStart = 2 * pair.start + rows * 2;
      for (let i = 0; i < rows; i++) pair.floats[pair.start + i] = -i - 0.25;
      for (let i = 0; i < rows * 3; i++) pair.ints[intStart + i] = rows - i;
      const newIntStart = growPairedBlock(pair.floats, pair.ints, pair.start, intStart, rows, rows * 2, 1, 3);
      const both = { ...taken };
      for (let i = 0; i < rows; i++) expect(both.floats[both.start + i]).toBe(-i - 0.25);
      for (let i = 0; i < rows * 3; i++) expect(both.ints[newIntStart + i]).toBe(rows - i);
      giveBlock(both.floats, both.start, rows * 2 * 20);
    }
  });

  it('lets go of its idle blocks once an analysis is over, and blocks still in use come back to it afterwards', () => {
    const idle = take(512);
    const inUse = take(512);
    inUse.floats[inUse.start] = 42;
    giveBlock(idle.floats, idle.start, 512);
    releaseIdleBlocks();
    // The idle block is no longer handed out: the pool kept nothing of it.
    const next = take(512);
    expect(next.floats === idle.floats && next.start === idle.start).toBe(false);
    expect(inUse.floats[inUse.start]).toBe(42);
    giveBlock(inUse.floats, inUse.start, 512);
    const back = take(512);
    expect([back.floats, back.start]).toEqual([inUse.floats, inUse.start]);
  });

  it('many packet logs growing and released in random order each read back what they stored', () => {
    const prng = new Prng(0x5eed);
    const random = () => prng.next();
    type Live = { log: PacketLog; frames: number[]; tag: number };
    const live: Live[] = [];
    let tag = 0;
    for (let step = 0; step < 40_000; step++) {
      const r = random();
      if (live.length < 5 || r < 0.05) live.push({ log: new PacketLog(5_000), frames: [], tag: ++tag });
      else if (r < 0.08) {
        const gone = live.splice(Math.floor(random() * live.length), 1)[0]!;
        // Everything it stored is still its own up to the moment it is released.
        for (let i = 0; i < gone.frames.length; i++) expect(gone.log.atOf(i)).toBe(gone.tag * 1e6 + i);
        gone.log.release();
      } else {
        const l = live[Math.floor(random() * live.length)]!;
        const i = l.frames.length;
        const frame = l.tag * 1e6 + i;
        l.log.add(frame, frame, 0, i % 2 ? KIND_DATA : KIND_ACK, l.tag & 0xff, i & 0xffff, false, 100, true, frame | 0, LAYOUT_NONE, i);
        l.frames.push(frame);
      }
    }
    for (const l of live) {
      for (let i = 0; i < l.frames.length; i++) {
        expect(l.log.atOf(i)).toBe(l.frames[i]);
        expect(l.log.ttlOf(i)).toBe(l.tag & 0xff);
        expect(l.log.kindOf(i)).toBe(i % 2 ? KIND_DATA : KIND_ACK);
      }
    }
    expect(live.some((l) => l.frames.length > 64)).toBe(true); // logs did grow past a few block sizes
  });
});
