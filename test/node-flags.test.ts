// The CLI runs with Node options that cannot be set once Node runs (src/analysis/gc-tuning.ts): its shebang and
// `npm start` must carry exactly those, or the memory the README promises is not what a user gets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocatorEnvWords, NODE_FLAGS } from '../src/analysis/gc-tuning.js';
import { ROOT } from './helpers/cli.js';

describe('Node options of the CLI', () => {
  it('the shebang of the CLI and npm start pass the options and the environment gc-tuning.ts lists', () => {
    const launch = `${allocatorEnvWords().join(' ')} node ${NODE_FLAGS.join(' ')}`;
    const shebang = readFileSync(`${ROOT}src/cli.ts`, 'utf8').split('\n')[0]!;
    expect(shebang).toBe(`#!/usr/bin/env -S ${launch}`);
    expect(shebang.length).toBeLessThan(128); // what older Linux kernels read of a shebang line
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string }; bin: Record<string, string> };
    const start = pkg.scripts.start;
    const bin = pkg.bin['smtp-pcap-diagnose']!;
    expect(start.startsWith(`${launch} ${bin} `)).toBe(true);
    // tsc keeps the shebang in its build, and the bundler in the bundle that npm installs as the command.
    expect(readFileSync(`${ROOT}dist/cli.js`, 'utf8').split('\n')[0]).toBe(shebang);
    expect(readFileSync(`${ROOT}${bin}`, 'utf8').split('\n')[0]).toBe(shebang);
  });
});
