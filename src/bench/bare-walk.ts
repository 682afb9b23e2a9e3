import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 4 << 20;

/** The reference: walk a classic pcap's record headers with fs.readSync and touch nothing else. Any analysis has to
 * do at least this much; the benchmark states our time as a multiple of it. Returns the number of records. */
export function bareRecordWalk(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let have = readSync(fd, buf, 0, CHUNK_BYTES, null);
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4 || buf.readUInt32LE(0) === 0xa1b23c4d;
  let pos = 24;
  let records = 0;
  for (;;) {
    if (have - pos < 16 || have - pos < 16 + (le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8))) {
      // Move the partial record to the front and read more behind it.
      buf.copy(buf, 0, pos, have);
      have -= pos;
      pos = 0;
      const n = readSync(fd, buf, have, CHUNK_BYTES - have, null);
      if (n === 0) break;
      have += n;
      continue;
    }
    const incl = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
    pos += 16 + incl;
    records++;
  }
  closeSync(fd);
  return records;
}
