import { isPcapMagic } from './pcap.js';
import { isPcapngMagic } from './pcapng.js';

export const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];
}

export type Sniffed = 'pcap' | 'pcapng' | 'unknown';

export function sniffFormat(head: Buffer): Sniffed {
  if (isPcapngMagic(head)) return 'pcapng';
  if (isPcapMagic(head)) return 'pcap';
  return 'unknown';
}

/** A human description of what a non-capture file seems to be, for the error line. */
export function describeForeign(head: Buffer): string {
  const hex = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'a PNG image, not a capture';
  if (head.subarray(0, 4).toString('latin1') === 'PK\x03\x04') return 'a ZIP archive, not a capture';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'a PDF document, not a capture';
  const sample = head.subarray(0, 64);
  const printable = sample.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (printable && sample.length > 0) return `text, not a capture (starts "${sample.toString('latin1').slice(0, 24).replace(/[\r\n\t]/g, ' ')}")`;
  return `not a pcap or pcapng capture (magic bytes ${hex})`;
}
