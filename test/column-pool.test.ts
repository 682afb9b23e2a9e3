import { describe, expect, it } from 'vitest';
import { giveBlock, intsOf, releaseIdleBlocks, takeBlock } from '../src/tcp/column-pool.js';
import { KIND_ACK, KIND_DATA, LAYOUT_NONE, PacketLog } from '../src/tcp/packet-log.js';
import { Prng } from '../src/bench/prng.js';

// The pool hands blocks back out with the int view they were given back with. A block handed to two owners at once,
// or a view over another block's memory, would mix two connections' packets: each log here must read back exactly
// what it stored while hundreds of others grow, are released and are made again in a random order.

describe('column pool', () => {
  it('an int view handed out again covers its own block, and a block without one gets a fresh view', () => {
    const a = takeBlock(256);
    const ints = intsOf(a);
    giveBlock(a, ints);
    const again = takeBlock(256);
    expect(again).toBe(a);
    expect(intsOf(again)).toBe(ints);
    again[3] = 1.5;
    expect(new Float64Array(intsOf(again).buffer, intsOf(again).byteOffset, 4)[3]).toBe(1.5);
    giveBlock(again); // given back without its view
    const third = takeBlock(256);
    const view = intsOf(third);
    expect(view.byteOffset).toBe(third.byteOffset);
    expect(view.length).toBe(third.length * 2);
  });

  it('lets go of its idle blocks once an analysis is over, and blocks still in use come back to it afterwards', () => {
    const idle = takeBlock(512);
    const inUse = takeBlock(512);
    inUse[0] = 42;
    giveBlock(idle);
    releaseIdleBlocks();
    // The idle block is no longer handed out: the pool kept nothing of it.
    const next = takeBlock(512);
    expect(next).not.toBe(idle);
    expect(inUse[0]).toBe(42);
    giveBlock(inUse);
    expect(takeBlock(512)).toBe(inUse);
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
