#!/usr/bin/env node
// Performance work must not change a single byte of the report. This runs a build's CLI (`--format json`) over every
// fixture, every shared capture and a small synthetic bench capture, and either records the outputs or compares them
// with a recording.
//   node scripts/json-golden.mjs record  DIR [--dist dist] [--jobs N]
//   node scripts/json-golden.mjs compare DIR [--dist dist] [--jobs N]   (exit 1 on any difference, named per file)
// --format text|markdown|html records a human format instead (--arg X passes one more CLI option, e.g. --arg --verbose).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const [mode, dir, ...rest] = process.argv.slice(2);
if ((mode !== 'record' && mode !== 'compare') || !dir) {
  console.error('usage: json-golden.mjs record|compare DIR [--dist DIST] [--jobs N] [--extra FILE]... [--format F] [--arg X]...');
  process.exit(2);
}
let dist = join(root, 'dist');
const extraArgs = [];
const extraFiles = [];
let format = 'json';
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--dist') dist = resolve(rest[++i]);
  else if (rest[i] === '--jobs') extraArgs.push('--jobs', rest[++i]);
  else if (rest[i] === '--extra') extraFiles.push(resolve(rest[++i]));
  else if (rest[i] === '--format') format = rest[++i];
  else if (rest[i] === '--arg') extraArgs.push(rest[++i]);
  else throw new Error(`unknown option ${rest[i]}`);
}

/** The build's command: its bundle (what npm installs), or for a build made before bundling, dist/cli.js. */
function cliOf(d) {
  const bundled = join(d, 'bundle', 'cli.js');
  return existsSync(bundled) ? bundled : join(d, 'cli.js');
}

function captures(base) {
  if (!existsSync(base)) return [];
  const out = [];
  for (const name of readdirSync(base)) {
    const p = join(base, name);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(name)) out.push(p);
  }
  return out.sort();
}

const files = [...captures(join(root, 'fixtures')), ...captures(join(root, '../shared/captures')), ...extraFiles];
mkdirSync(dir, { recursive: true });
let differences = 0;
for (const file of files) {
  const r = spawnSync(process.execPath, [cliOf(dist), '--format', format, ...extraArgs, file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const got = `exit ${r.status}\n${r.stderr}\n${r.stdout}`;
  const name = relative(join(root, '..'), file).replace(/^[./]+/, '').replace(/[/]/g, '__') + '.out';
  const path = join(dir, name);
  if (mode === 'record') writeFileSync(path, got);
  else {
    const want = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (want !== got) {
      differences++;
      console.log(`DIFFERS: ${relative(root, file)}${want === null ? ' (no recording)' : ''}`);
    }
  }
}
console.log(`${files.length} captures ${mode === 'record' ? 'recorded' : `compared, ${differences} differ`}`);
process.exit(differences ? 1 : 0);
