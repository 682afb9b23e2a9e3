import type { TimedFrame } from '../synth/index.js';

/** One session's frames, read one ahead so that sessions can be merged by the time of their next frame. */
export interface FrameSource {
  head: TimedFrame;
  rest: Iterator<TimedFrame>;
  /** Tie-breaker: sessions started earlier go first at equal times (keeps the output deterministic). */
  order: number;
}

/** A binary min-heap of frame sources ordered by their next frame's timestamp. */
export class FrameHeap {
  private readonly items: FrameSource[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): FrameSource | undefined {
    return this.items[0];
  }

  push(s: FrameSource): void {
    const a = this.items;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  /** Removes the top source; if it has more frames, it goes back in at its next frame's time. Returns the frame. */
  take(): TimedFrame {
    const a = this.items;
    const top = a[0]!;
    const frame = top.head;
    const n = top.rest.next();
    if (n.done) {
      const last = a.pop()!;
      if (a.length === 0) return frame;
      a[0] = last;
    } else top.head = n.value;
    this.siftDown(0);
    return frame;
  }

  private siftDown(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(a[l]!, a[m]!)) m = l;
      if (r < a.length && before(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}

function before(x: FrameSource, y: FrameSource): boolean {
  return x.head.tsNs < y.head.tsNs || (x.head.tsNs === y.head.tsNs && x.order < y.order);
}
