import { describe, expect, it } from 'vitest';
import { RowsHint } from '../src/tcp/size-hint.js';
import { PacketLog } from '../src/tcp/packet-log.js';

describe('RowsHint', () => {
  it('starts at the minimum and moves to the power of two at the typical final size', () => {
    const h = new RowsHint(16, 4096);
    expect(h.rows).toBe(16);
    for (let i = 0; i < 200; i++) h.learn(50);
    expect(h.rows).toBe(64);
    for (let i = 0; i < 200; i++) h.learn(3);
    expect(h.rows).toBe(16); // never below the minimum
  });

  it('is not dragged up by one huge column, and stays within its bounds', () => {
    const h = new RowsHint(16, 1024);
    for (let i = 0; i < 200; i++) h.learn(30);
    expect(h.rows).toBe(32);
    h.learn(1_000_000);
    expect(h.rows).toBeLessThanOrEqual(64);
    for (let i = 0; i < 500; i++) h.learn(1_000_000);
    expect(h.rows).toBe(1024);
  });

  it('ignores columns released empty', () => {
    const h = new RowsHint(16, 4096);
    for (let i = 0; i < 200; i++) h.learn(100);
    h.learn(0);
    expect(h.rows).toBe(128);
  });

  it('sizes a packet log without changing what it holds', () => {
    const h = new RowsHint(16, 4096);
    for (let i = 0; i < 200; i++) h.learn(200);
    const log = new PacketLog(50_000, h);
    for (let i = 0; i < 300; i++) log.add(i, i + 1, 0, 3, 64, i, true, 1000, i * 7, 0, 0);
    expect(log.length).toBe(300);
    expect(log.get(299)).toMatchObject({ at: 299, frame: 300, ipId: 299, tsVal: 2093, kind: 'ack' });
    log.release();
    expect(h.rows).toBe(256);
  });
});
