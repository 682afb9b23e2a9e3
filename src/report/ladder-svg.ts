import type { ConnectionJson } from '../analysis/report-model.js';
import { escapeHtml as x } from './escape.js';
import { buildExchange, type ExchangeEvent, type Lane } from './exchange.js';
import { formatMs, isoDiffMs } from './time.js';

/** Silences longer than this are drawn as a break (zigzag, labelled with their length) instead of to scale. */
const BREAK_MS = 1000;
const BREAK_PX = 40;
/** Height available to the longest unbroken stretch, and the most pixels one millisecond may take. */
const SEGMENT_PX = 460;
const MAX_PX_PER_MS = 6;
const LABEL_GAP_PX = 14;
const TOP = 56;

const WIDTH = 720;
const LANE_X: Record<Lane, number> = { client: 190, middle: 410, server: 630 };

interface Arrow {
  e: ExchangeEvent;
  departMs: number;
  arriveMs: number;
  /** Departs before the data it acknowledges could have reached the sender (faster than the path allows). */
  impossible: boolean;
}

/** One-way times between lanes, estimated from the handshake (TCP's terminator) and, with a middlebox, from the
 * fastest SMTP reply (the real server, farther away). Only the capture point's times are measured; the rest is
 * drawn from these estimates, which is what makes a forged ACK visibly wrong. */
function oneWays(c: ConnectionJson, splitProxy: boolean): (a: Lane, b: Lane) => number {
  const h = c.handshake;
  const rtt = h?.synAt && h.synAckAt ? isoDiffMs(h.synAckAt, h.synAt) : (c.handshakeRttMs ?? 0);
  const quick = c.commands.filter((k) => k.reply && ['EHLO', 'HELO', 'MAIL', 'RCPT', 'NOOP', 'QUIT'].includes(k.command)).map((k) => k.reply!.latencyMs);
  let near: number;
  let far: number;
  if (splitProxy) {
    // The proxy answered the handshake; the server is as far as its fastest reply says.
    near = rtt / 2;
    far = quick.length ? Math.max(near, Math.min(...quick) / 2) : near;
  } else {
    // The handshake went to the server; a box that forged ACKs is at most half its fastest ACK away.
    far = rtt / 2;
    const forged = c.flights.filter((f) => f.answered < f.commands && f.ack).map((f) => f.ack!.delayMs);
    near = forged.length ? Math.min(far, Math.min(...forged) / 2) : far / 2;
  }
  // Called for every arrow of every ladder: the two lanes compared as they are, in either order (no pair made).
  const between = (a: Lane, b: Lane, x: Lane, y: Lane) => (a === x && b === y) || (a === y && b === x);
  return (a, b) => {
    if (between(a, b, 'client', 'middle')) return Math.max(0, near);
    if (between(a, b, 'middle', 'server')) return Math.max(0, far - near);
    return Math.max(0, far);
  };
}

/** Maps time (ms after the connection start) to y, linear within stretches and with long silences cut short. */
function timeScale(times: number[]): { y: (ms: number) => number; breaks: { fromMs: number; toMs: number; y: number }[]; bottom: number } {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const segments: { start: number; end: number }[] = [];
  for (const t of sorted) {
    const last = segments[segments.length - 1];
    if (last && t - last.end <= BREAK_MS) last.end = t;
    else segments.push({ start: t, end: t });
  }
  const longest = Math.max(1e-3, ...segments.map((s) => s.end - s.start));
  const pxPerMs = Math.min(MAX_PX_PER_MS, SEGMENT_PX / longest);
  const offsets: number[] = [];
  let y = TOP;
  const breaks: { fromMs: number; toMs: number; y: number }[] = [];
  segments.forEach((s, i) => {
    if (i > 0) {
      breaks.push({ fromMs: segments[i - 1]!.end, toMs: s.start, y: y + BREAK_PX / 2 });
      y += BREAK_PX;
    }
    offsets.push(y);
    y += (s.end - s.start) * pxPerMs;
  });
  const yOf = (ms: number) => {
    let i = segments.findIndex((s) => ms <= s.end + 1e-9);
    if (i < 0) i = segments.length - 1;
    const s = segments[i]!;
    return offsets[i]! + (Math.max(s.start, ms) - s.start) * pxPerMs;
  };
  return { y: yOf, breaks, bottom: y };
}

/** An SVG ladder diagram of a connection, drawn to time scale: lanes for client, middlebox (when inferred) and
 * server; the capture point's times exact, the far ends' estimated from the measured one-way delays. Unanswered
 * flights are red and end in ✗; an ACK that left its sender before the data could have arrived is red and dashed. */
export function ladderSvg(c: ConnectionJson): string {
  const ex = buildExchange(c);
  const ow = oneWays(c, ex.splitProxy);
  const capture: Lane = c.vantage === 'server' ? 'server' : 'client';
  const arrows: Arrow[] = [];
  const notes: ExchangeEvent[] = [];
  for (const e of ex.events) {
    if (e.kind === 'note') {
      notes.push(e);
      continue;
    }
    const d = ow(e.from, e.to);
    const departMs = e.from === capture ? e.atMs : e.atMs - d;
    const arriveMs = e.from === capture ? e.atMs + d : e.atMs;
    arrows.push({ e, departMs, arriveMs, impossible: false });
  }
  // The server cannot acknowledge a flight faster than a round trip to it: an ACK back in under half of that
  // (half, to leave room for jitter and delayed handshakes) came from something nearer.
  const serverRtt = 2 * ow('client', 'server');
  let lastData: Arrow | null = null;
  for (const a of arrows) {
    if (a.e.kind === 'data') lastData = a;
    else if (a.e.kind === 'ack' && lastData && a.e.atMs - lastData.e.atMs < serverRtt / 2) a.impossible = true;
  }
  // Every time drawn, in one list made at its size (spreading a list of pairs cost a quarter of the ladder's time).
  const times: number[] = new Array(1 + 2 * arrows.length + 2 * notes.length);
  let t = 0;
  times[t++] = 0;
  for (const a of arrows) {
    times[t++] = a.departMs;
    times[t++] = a.arriveMs;
  }
  for (const n of notes) times[t++] = n.atMs;
  for (const n of notes) times[t++] = n.atMs + (n.spanMs ?? 0);
  const sc = timeScale(times);
  const lanes: Lane[] = ex.middle ? ['client', 'middle', 'server'] : ['client', 'server'];
  const laneName: Record<Lane, string> = { client: `client ${c.client}`, middle: `middlebox (${c.middlebox?.kind ?? ''}, inferred)`, server: `server ${c.server}` };
  const body: string[] = [];
  let labelY = 0;
  const label = (text: string, anchorX: number, ay: number, cls: string) => {
    const ly = Math.max(ay - 3, labelY + LABEL_GAP_PX);
    labelY = ly;
    if (ly - ay > 4) body.push(`<line class="leader" x1="${anchorX}" y1="${ay.toFixed(1)}" x2="${anchorX}" y2="${(ly - 10).toFixed(1)}"/>`);
    body.push(`<text class="${cls}" x="${anchorX}" y="${ly.toFixed(1)}" text-anchor="middle">${x(text)}</text>`);
  };
  for (const a of arrows) {
    const x1 = LANE_X[a.e.from];
    const x2 = LANE_X[a.e.to];
    const y1 = sc.y(a.departMs);
    const y2 = sc.y(a.arriveMs);
    const bad = a.e.alarm || a.impossible;
    const cls = `${a.e.kind}${bad ? ' alarm' : ''}${a.impossible ? ' impossible' : ''}`;
    body.push(`<line class="${cls}" x1="${x1}" y1="${y1.toFixed(1)}" x2="${x2}" y2="${y2.toFixed(1)}" marker-end="url(#${a.e.kind === 'data' && a.e.alarm ? 'cross' : bad ? 'head-alarm' : 'head'})"/>`);
    const text = `+${formatMs(a.e.atMs)} ${a.e.label}${a.impossible ? ' — faster than a round trip to the server' : ''}${a.e.kind === 'data' && a.e.alarm ? ' ✗ unanswered' : ''}`;
    label(text, (x1 + x2) / 2, (y1 + y2) / 2, `label${bad ? ' alarm' : ''}`);
  }
  for (const n of notes) {
    const y = sc.y(n.atMs);
    if (n.spanMs !== undefined) {
      const xs = LANE_X.server + 22;
      const y2 = sc.y(n.atMs + n.spanMs);
      body.push(`<line class="silence" x1="${xs}" y1="${y.toFixed(1)}" x2="${xs}" y2="${y2.toFixed(1)}"/>`);
      body.push(`<text class="label alarm" x="${xs + 6}" y="${((y + y2) / 2).toFixed(1)}" transform="rotate(90 ${xs + 6} ${((y + y2) / 2).toFixed(1)})" text-anchor="middle">${x(n.label)}</text>`);
    } else {
      body.push(`<line class="end" x1="${LANE_X.client - 40}" y1="${y.toFixed(1)}" x2="${LANE_X.server + 40}" y2="${y.toFixed(1)}"/>`);
      body.push(`<text class="label" x="${(LANE_X.client + LANE_X.server) / 2}" y="${(y - 3).toFixed(1)}" text-anchor="middle">+${x(formatMs(n.atMs))} ${x(n.label)}</text>`);
    }
  }
  for (const b of sc.breaks) {
    body.push(`<path class="break" d="M 20 ${b.y - 4} l 8 -6 l 8 12 l 8 -6 H ${WIDTH - 20}"/>`);
    body.push(`<text class="break-label" x="24" y="${b.y - 8}">${x(`${formatMs(b.toMs - b.fromMs)} not to scale`)}</text>`);
  }
  const height = Math.ceil(Math.max(sc.bottom, labelY) + 30);
  const head = lanes.map((l) => `<text class="lane" x="${LANE_X[l]}" y="20" text-anchor="middle">${x(laneName[l])}</text><line class="lane" x1="${LANE_X[l]}" y1="30" x2="${LANE_X[l]}" y2="${height - 10}"/>`);
  const capX = LANE_X[capture] + (capture === 'client' ? 8 : -8);
  head.push(`<text class="capture" x="${capX}" y="42" text-anchor="${capture === 'client' ? 'start' : 'end'}">◉ capture point</text>`);
  const scaleNote = `<text class="break-label" x="20" y="${height - 8}">time runs down; ${x(ex.omittedFlights ? `${ex.omittedFlights} answered flight(s) left out; ` : '')}far-end times estimated from the measured one-way delays</text>`;
  return [
    `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${x(`ladder diagram of connection ${c.id}`)}">`,
    '<defs>',
    '<marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#333"/></marker>',
    '<marker id="head-alarm" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#c62828"/></marker>',
    '<marker id="cross" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10"><path d="M1 1 L9 9 M9 1 L1 9" stroke="#c62828" stroke-width="2"/></marker>',
    '</defs>',
    ...head,
    ...body,
    scaleNote,
    '</svg>',
  ].join('\n');
}
