// Rendered report pieces go to a scratch file in batches (ScratchFile gathers appends and writes them ~256 KB at a
// time, encoded into one reused buffer): every piece must read back exactly, whether it was written out already or is
// still pending, across batch boundaries and with multi-byte UTF-8 text.
import { describe, expect, it } from 'vitest';
import { ScratchFile } from '../src/report/scratch-file.js';

describe('ScratchFile', () => {
  it('reads back every piece exactly, written out or pending, across batch boundaries', () => {
    const file = new ScratchFile('pieces.txt');
    try {
      const pieces: { text: string; at: [number, number] }[] = [];
      let expectedEnd = 0;
      for (let i = 0; i < 3000; i++) {
        // Sizes from a few bytes to ~3 KB, some with characters of 2, 3 and 4 bytes in UTF-8.
        const text = `${i}:` + 'x'.repeat((i * 7919) % 3000) + (i % 5 === 0 ? 'é→𝄞' : '');
        const at = file.append(text);
        expect(at[0]).toBe(expectedEnd);
        expect(at[1]).toBe(Buffer.byteLength(text, 'utf8'));
        expectedEnd += at[1];
        pieces.push({ text, at });
        // Now and then read an earlier piece while later ones are still pending.
        if (i % 997 === 0) expect(file.readBytes(...pieces[i >> 1]!.at).toString('utf8')).toBe(pieces[i >> 1]!.text);
      }
      expect(expectedEnd).toBeGreaterThan(4 << 20); // many batches
      for (const p of [...pieces].reverse()) expect(file.readBytes(...p.at).toString('utf8')).toBe(p.text);
    } finally {
      file.dispose();
    }
  });
});
