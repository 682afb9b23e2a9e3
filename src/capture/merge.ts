import { CaptureError } from './errors.js';
import type { Frame } from './frame.js';
import { CaptureInput } from './input.js';

/** Reads every input and hands each frame to `onFrame` in timestamp order across inputs (several files are one capture
 * cut into pieces, e.g. tcpdump -C/-G rotation). Within one input, file order is kept. A faulty input stops at its
 * fault and the others go on; the faults are returned so the caller can report every one. */
export async function readFrames(inputs: CaptureInput[], onFrame: (f: Frame) => void): Promise<CaptureError[]> {
  const errors: CaptureError[] = [];
  if (inputs.length === 1) {
    try {
      await inputs[0]!.eachFrame(onFrame);
    } catch (e) {
      if (e instanceof CaptureError) errors.push(e);
      else throw e;
    }
    return errors;
  }
  const cursors = inputs.map((input) => new Cursor(input, errors));
  for (const c of cursors) await c.fill();
  for (;;) {
    let best: Cursor | null = null;
    for (const c of cursors) {
      const f = c.peek();
      if (f && (!best || earlier(f, best.peek()!))) best = c;
    }
    if (!best) break;
    onFrame(best.take());
    if (!best.peek()) await best.fill();
  }
  return errors;
}

function earlier(a: Frame, b: Frame): boolean {
  return a.sec < b.sec || (a.sec === b.sec && a.nsec < b.nsec);
}

class Cursor {
  private it: AsyncGenerator<Frame[]>;
  private batch: Frame[] = [];
  private pos = 0;
  private done = false;

  constructor(
    input: CaptureInput,
    private readonly errors: CaptureError[],
  ) {
    this.it = input.batches();
  }

  async fill(): Promise<void> {
    while (!this.done && this.pos >= this.batch.length) {
      try {
        const n = await this.it.next();
        if (n.done) this.done = true;
        else {
          this.batch = n.value;
          this.pos = 0;
        }
      } catch (e) {
        this.done = true;
        if (e instanceof CaptureError) this.errors.push(e);
        else throw e;
      }
    }
  }
  peek(): Frame | undefined {
    return this.batch[this.pos];
  }
  take(): Frame {
    return this.batch[this.pos++]!;
  }
}
