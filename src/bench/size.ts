/** "10M", "100M", "1G", "512k" or a plain byte count → bytes (decimal units: 1M = 10^6 bytes, as MB/s is). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a size (try 10M, 100M or 1G)`);
  const unit = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}

export function sizeLabel(bytes: number): string {
  if (bytes >= 1e9 && bytes % 1e9 === 0) return `${bytes / 1e9}G`;
  if (bytes >= 1e6 && bytes % 1e6 === 0) return `${bytes / 1e6}M`;
  return `${bytes}B`;
}
