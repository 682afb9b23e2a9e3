// Selection for post-mortems on fixtures/crafted/message-view-0{0,1,2}.pcap (fixtures/craft/message-view.mjs): one
// message from alice@example.net to bob@example.org tried three times over three connections, cut into rotated files
// (a cut falls inside attempt 2), plus an unrelated delivered message (connection 2).
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { selectConnections, type Selection } from '../src/select/filters.js';
import { buildMessageView } from '../src/select/message-view.js';
import { parseTimeSpec } from '../src/select/time-spec.js';

const FILES = ['fixtures/crafted/message-view-00.pcap', 'fixtures/crafted/message-view-01.pcap', 'fixtures/crafted/message-view-02.pcap'];

async function ids(sel: Selection): Promise<number[]> {
  const { report } = await analyze(FILES);
  return selectConnections(report, sel).connections.map((c) => c.id);
}

const time = (s: string) => {
  const t = parseTimeSpec(s);
  if (typeof t === 'string') throw new Error(t);
  return t;
};

describe('message view', () => {
  it('finds every attempt across connections and rotated files, in time order, and tells the story', async () => {
    const { report } = await analyze(FILES);
    const sel = { rcpt: ['BOB@Example.org'] };
    const view = buildMessageView(selectConnections(report, sel), sel);
    expect(view.attempts.map((a) => [a.connectionId, a.envelopeBytes, a.outcome, a.diagnosis])).toEqual([
      [1, 513, 'timeout', 'middlebox-blackhole'],
      [3, 513, 'timeout', 'middlebox-blackhole'],
      [4, 498, 'delivered', 'none'],
    ]);
    expect(view.attempts.map((a) => a.at.slice(11, 19))).toEqual(['10:02:11', '12:08:30', '16:14:03']);
    expect(view.story).toBe(
      '3 attempts between 10:02:11 and 16:14:03 (UTC) on 2024-03-12; each stalled after the 513-byte envelope (middlebox-blackhole); delivered at 16:14:03 (attempt 3) when the envelope was 498 bytes.',
    );
    expect(view.delivered).toEqual({ attempt: 3, at: view.attempts[2]!.at });
  });

  it('attempt 2 needs both files it was cut across', async () => {
    const { report } = await analyze(FILES.slice(0, 1));
    const view = buildMessageView(report, { from: ['alice@example.net'] });
    // File 00 alone ends after attempt 2's EHLO: its envelope is not there yet.
    expect(view.attempts.map((a) => a.connectionId)).toEqual([1]);
  });

  it('--from matches the sender case-insensitively; a domain pattern works; another sender is not mixed in', async () => {
    expect(await ids({ from: ['Alice@EXAMPLE.net'] })).toEqual([1, 3, 4]);
    expect(await ids({ from: ['@example.net'] })).toEqual([1, 2, 3, 4]);
    expect(await ids({ from: ['carol@example.net'] })).toEqual([2]);
    expect(await ids({ from: ['nobody@example.net'] })).toEqual([]);
  });

  it('--message-id finds the attempt whose body was captured', async () => {
    const { report } = await analyze(FILES);
    const view = buildMessageView(report, { messageId: ['20240312100211.4471@relay.example.net'] });
    expect(view.attempts.map((a) => a.connectionId)).toEqual([4]);
    expect(view.story).toMatch(/^1 attempt at 16:14:03 .*delivered at 16:14:03 \(attempt 1\)\.$/);
  });
});

describe('connection filters', () => {
  it('--problems-only, --connection, --port, --host', async () => {
    expect(await ids({ problemsOnly: true })).toEqual([1, 3]);
    expect(await ids({ connection: [2, 4] })).toEqual([2, 4]);
    expect(await ids({ port: [47610] })).toEqual([2]);
    expect(await ids({ host: ['198.18.6.25'] })).toEqual([1, 2, 3, 4]);
    expect(await ids({ host: ['198.18.9.9'] })).toEqual([]);
  });

  it('--since/--until: ISO (UTC when no zone) and relative to the capture', async () => {
    expect(await ids({ since: time('2024-03-12T12:00:00Z') })).toEqual([3, 4]);
    expect(await ids({ since: time('2024-03-12 12:00') })).toEqual([3, 4]);
    expect(await ids({ until: time('2024-03-12T11:30:00+00:00') })).toEqual([1, 2]);
    expect(await ids({ since: time('+55m'), until: time('-1h') })).toEqual([2, 3]);
    // attempt 1 lasts 5 min: a window inside it still selects it
    expect(await ids({ since: time('+2m'), until: time('+3m') })).toEqual([1]);
  });

  it('rejects times that are neither ISO nor relative', () => {
    expect(parseTimeSpec('yesterday')).toMatch(/neither an ISO time/);
    expect(parseTimeSpec('+5x')).toMatch(/neither an ISO time/);
  });
});
