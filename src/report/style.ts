/** Terminal styling that switches itself off for pipes, NO_COLOR (https://no-color.org) and --no-color. */
export interface Style {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

const plain: Style = { bold: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s };

function wrap(code: number, reset: number) {
  return (s: string) => `\x1b[${code}m${s}\x1b[${reset}m`;
}

const ansi: Style = { bold: wrap(1, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22) };

export function chooseStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColorFlag: boolean): Style {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !stream.isTTY) return plain;
  return ansi;
}

export const PLAIN = plain;
