import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportJson } from '../analysis/report-model.js';
import { maskCredentials, recoverFlightBytes, type FlightWanted } from './flight-bytes.js';
import { replayRecipe } from './recipe.js';

export interface ExtractResult {
  files: string[];
  notes: string[];
}

/** --extract DIR: for each flight of a problem connection that was not fully answered, the exact client bytes
 * (`flight-<connection>-<flight>.bin`) and a replay recipe (`flight-<connection>-<flight>.sh`). */
export async function extractFlights(captureFiles: string[], report: ReportJson, dir: string): Promise<ExtractResult> {
  const wanted: FlightWanted[] = [];
  for (const c of report.connections) {
    if (c.diagnosis === 'none') continue;
    for (const f of c.flights) if (f.answered < f.commands) wanted.push({ connection: c, flight: f.index, offset: f.offset, length: f.length });
  }
  const notes: string[] = [];
  if (!wanted.length) return { files: [], notes: ['--extract: no stalled flight in the selected connections; nothing written'] };
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const fb of await recoverFlightBytes(captureFiles, wanted)) {
    const { connection: c, flight } = fb.want;
    const name = `flight-${c.id}-${flight}`;
    writeFileSync(join(dir, `${name}.bin`), maskCredentials(fb.bytes));
    writeFileSync(join(dir, `${name}.sh`), replayRecipe(c, c.flights.find((f) => f.index === flight)!, `${name}.bin`), { mode: 0o755 });
    files.push(join(dir, `${name}.bin`), join(dir, `${name}.sh`));
    notes.push(`--extract: wrote ${join(dir, name)}.bin (${fb.want.length} bytes${fb.missing ? `, ${fb.missing} of them missing from the capture and left as zeros` : ''}) and ${name}.sh`);
  }
  return { files, notes };
}
