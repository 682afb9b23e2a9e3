/** Numbers the connections of a sharded run as a single-threaded run would: in the order of the frames that opened
 * them. Each worker reports the frames at which it opened connections, in order, and how far it has read (its
 * watermark). A connection opened at frame F gets its number once every worker has read past F: then every
 * connection opened before F is known. Until then what waits for the number is held here. */
export class ConnectionNumbering {
  private readonly opens: number[][];
  private readonly watermarks: number[];
  private waiting: { openedAt: number; then: (id: number) => void }[] = [];

  constructor(workers: number) {
    this.opens = Array.from({ length: workers }, () => []);
    this.watermarks = new Array(workers).fill(0);
  }

  /** Worker `w` opened connections at these frames (ascending, after those it reported before) and has read every
   * frame up to `watermark` (Infinity: all of them). */
  progress(w: number, opens: number[], watermark: number): void {
    const list = this.opens[w]!;
    for (const f of opens) list.push(f);
    this.watermarks[w] = watermark;
  }

  /** Calls `then` with the number of the connection opened at frame `openedAt`, now or at a later `release`. */
  whenNumbered(openedAt: number, then: (id: number) => void): void {
    this.waiting.push({ openedAt, then });
  }

  /** Numbers what can be numbered now, in order of opening. */
  release(): void {
    if (!this.waiting.length) return;
    const known = Math.min(...this.watermarks);
    const ready = this.waiting.filter((x) => x.openedAt <= known).sort((a, b) => a.openedAt - b.openedAt);
    if (!ready.length) return;
    this.waiting = this.waiting.filter((x) => x.openedAt > known);
    for (const x of ready) x.then(this.idOf(x.openedAt));
  }

  /** 1 + the connections opened before frame `f`, over all workers. */
  private idOf(f: number): number {
    let before = 0;
    for (const list of this.opens) {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]! < f) lo = mid + 1;
        else hi = mid;
      }
      before += lo;
    }
    return before + 1;
  }
}
