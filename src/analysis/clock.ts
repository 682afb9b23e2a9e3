import type { TimestampPrecision } from '../capture/frame.js';
import type { Instant } from '../tcp/facts.js';

const MAX_CACHED_SECONDS = 4096;
/** Instants remembered with their text (direct-mapped by value): a connection's report names the same instant many
 * times (pipelined commands share a send time, an ACK often comes with the reply). A prime, so that instants in whole
 * microseconds spread over every slot. */
const RECENT_INSTANTS = 509;
/** "000" … "999": the fraction is written three digits at a time, with no number-to-text conversion or padding. */
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Nanoseconds from second `baseSec` to `sec` + `nsec` ns. Written as (Δs × 4e9) / 4, bit for bit the number Δs × 1e9
 * is (scaling by a power of two is exact), because 4e9 is not a small integer: V8 then types this as floating-point
 * arithmetic from the first packet on. With 1e9 it typed the product as a small integer while a capture's first two
 * seconds lasted, and when the third overflowed it, threw away the optimised per-packet code it had inlined around it
 * (the pcap parser's loop with the frame's analysis, decoding and tracking inside: `--trace-deopt` showed it three
 * times per run) and compiled it again. The second 50 MB of a cold 1 GB run: 162–203 → 126–172 ms. */
export function instantSince(baseSec: number, sec: number, nsec: number): Instant {
  return ((sec - baseSec) * 4e9) / 4 + nsec;
}

/** Turns capture instants (ns since `baseSec`) into ISO-8601 text at the capture's own precision, and durations
 * into milliseconds. */
export class Clock {
  constructor(
    readonly baseSec: number,
    readonly precision: TimestampPrecision,
  ) {}

  /** The instant of a frame stamped `sec`, `nsec`: nanoseconds since `baseSec`. */
  instant(sec: number, nsec: number): Instant {
    return instantSince(this.baseSec, sec, nsec);
  }

  private readonly recentKeys = new Float64Array(RECENT_INSTANTS).fill(NaN);
  private readonly recentTexts: string[] = new Array<string>(RECENT_INSTANTS).fill('');

  iso(t: Instant): string {
    // The slot from the whole microseconds' low 32 bits: integer arithmetic (a remainder of the float itself is a
    // library call), and any slot will do as long as the same instant always lands in the same one.
    const slot = ((t * 1e-3) >>> 0) % RECENT_INSTANTS;
    if (this.recentKeys[slot] === t) return this.recentTexts[slot]!;
    const text = this.format(t);
    this.recentKeys[slot] = t;
    this.recentTexts[slot] = text;
    return text;
  }

  private format(t: Instant): string {
    const totalNs = Math.round(t);
    const sec = this.baseSec + Math.floor(totalNs / 1e9);
    const ns = totalNs - Math.floor(totalNs / 1e9) * 1e9;
    if (!(ns >= 0 && ns < 1e9)) return this.formatOddly(sec, ns);
    const prefix = this.secondText(sec);
    const micro = Math.floor(ns / 1000);
    const high = Math.floor(micro / 1000);
    const text = prefix + THREE_DIGITS[high]! + THREE_DIGITS[micro - high * 1000]!;
    return this.precision === 'ns' ? text + THREE_DIGITS[ns - micro * 1000]! + 'Z' : text + 'Z';
  }

  /** What format() writes for a fraction outside 0…1e9 (rounding far from the base second), as it always did. */
  private formatOddly(sec: number, ns: number): string {
    const frac = this.precision === 'ns' ? String(ns).padStart(9, '0') : String(Math.floor(ns / 1000)).padStart(6, '0');
    return `${this.dateText(sec)}.${frac}Z`;
  }

  /** "YYYY-MM-DDTHH:MM:SS." of a second since the epoch; the last one asked for is kept at hand. */
  private secondText(sec: number): string {
    if (sec !== this.lastSecond) {
      this.lastSecond = sec;
      this.lastSecondText = `${this.dateText(sec)}.`;
    }
    return this.lastSecondText;
  }

  private lastSecond = NaN;
  private lastSecondText = '';

  /** "YYYY-MM-DDTHH:MM:SS" of a second since the epoch. Cached: a report asks for the same few seconds many times. */
  private dateText(sec: number): string {
    let text = this.dates.get(sec);
    if (text === undefined) {
      if (this.dates.size >= MAX_CACHED_SECONDS) this.dates.clear();
      text = new Date(sec * 1000).toISOString().slice(0, 19);
      this.dates.set(sec, text);
    }
    return text;
  }

  private readonly dates = new Map<number, string>();

  /** Short wall-clock time for tables: HH:MM:SS.mmm. */
  short(t: Instant): string {
    return this.iso(t).slice(11, 23);
  }
}

export function ms(ns: number): number {
  return Math.round(ns / 1e3) / 1e3;
}

/** A duration in words a human reads at a glance: 37 µs, 4.2 ms, 1.5 s, 5 min 2 s. */
export function humanDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e6) return `${Math.round(ns / 1e3)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 2 : a < 1e8 ? 1 : 0)} ms`;
  if (a < 60e9) return `${(ns / 1e9).toFixed(a < 1e10 ? 2 : 1)} s`;
  const m = Math.floor(a / 60e9);
  const s = Math.round((a - m * 60e9) / 1e9);
  return `${ns < 0 ? '-' : ''}${m} min${s ? ` ${s} s` : ''}`;
}
