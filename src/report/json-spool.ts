import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionJson, ReportJson } from '../analysis/report-model.js';

interface Entry {
  start: string;
  id: number;
  pos: number;
  length: number;
}

/** The JSON report without holding every connection in memory: each connection is written to a scratch file as it is
 * diagnosed, with only its place kept (a few dozen bytes), and the document is assembled at the end in the report's
 * order (by start time, then id). The bytes are exactly those of `renderJson` on the whole report. */
export class JsonConnectionSpool {
  private readonly dir: string;
  private readonly fd: number;
  private readonly entries: Entry[] = [];
  private pos = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'smtp-pcap-diagnose-'));
    this.fd = openSync(join(this.dir, 'connections.json'), 'w+');
  }

  add(c: ConnectionJson): void {
    // Inside the report a connection sits two levels deep ({ "connections": [ … ] }), so each line gains 4 spaces:
    // stringified two arrays deep it has them already, and "[\n  [\n" and "\n  ]\n]" are cut off (a third of the
    // time of indenting by a regular expression afterwards).
    const wrapped = JSON.stringify([[c]], null, 2);
    const text = wrapped.slice(6, wrapped.length - 6);
    const bytes = Buffer.from(text, 'utf8');
    writeSync(this.fd, bytes, 0, bytes.length, this.pos);
    this.entries.push({ start: c.start, id: c.id, pos: this.pos, length: bytes.length });
    this.pos += bytes.length;
  }

  /** Writes the whole document to `out` (a file descriptor) and removes the scratch file. `report.connections` must be
   * empty: the spooled connections take their place. */
  writeTo(out: number, report: ReportJson): void {
    try {
      const head = JSON.stringify({ ...report, connections: [] }, null, 2);
      const marker = '"connections": []';
      const at = head.indexOf(marker);
      const entries = this.entries.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id));
      if (!entries.length) {
        writeAll(out, `${head}\n`);
        return;
      }
      writeAll(out, `${head.slice(0, at)}"connections": [\n`);
      let buf = Buffer.alloc(0);
      entries.forEach((e, i) => {
        if (buf.length < e.length) buf = Buffer.alloc(Math.max(e.length, buf.length * 2));
        readSync(this.fd, buf, 0, e.length, e.pos);
        writeAllBytes(out, buf.subarray(0, e.length));
        writeAll(out, i < entries.length - 1 ? ',\n' : '\n');
      });
      writeAll(out, `  ]${head.slice(at + marker.length)}\n`);
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeAll(fd: number, text: string): void {
  writeAllBytes(fd, Buffer.from(text, 'utf8'));
}

function writeAllBytes(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      // A non-blocking pipe (stdout to a slow reader) may say EAGAIN: try again.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}
