import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analysis/analyzer.js';
import type { ConnectionJson, ReportJson } from '../../src/analysis/report-model.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../shared/captures/', import.meta.url));
export const hasShared = existsSync(SHARED);

export function fixture(rel: string): string {
  return `${ROOT}fixtures/${rel}`;
}

/** Analyse capture files with the library, as the CLI does. */
export async function analyseFiles(...paths: string[]): Promise<ReportJson> {
  const { report } = await analyze(paths);
  return report;
}

/** The one SMTP connection a single-session fixture holds. */
export async function only(rel: string): Promise<ConnectionJson> {
  const r = await analyseFiles(fixture(rel));
  if (r.connections.length !== 1) throw new Error(`${rel}: expected one connection, got ${r.connections.length}`);
  return r.connections[0]!;
}

export function verbs(c: ConnectionJson): string[] {
  return c.commands.map((x) => x.command);
}

export function codes(c: ConnectionJson): (number | null)[] {
  return c.commands.map((x) => x.reply?.code ?? null);
}
