// Bundles the built CLI (dist/cli.js), its worker (dist/analysis/shard-worker.js) and the bench's measuring child
// (dist/bench/measure-child.js) into one file each, in dist/bundle/. Why: Node 20's ES module loader resolves, reads,
// compiles and links each of our ~150 modules in turn, about 70 ms of every run before a byte is read; one file is
// compiled lazily in ~12 ms. The lab fixture: 0.25 -> 0.16 s a run, medians of 7 (the README's performance notes).
//
// The bundle keeps the layout the code relies on: dist/bundle/ is two levels below the package, as dist/analysis/
// is (version.ts reads ../../package.json), and the worker sits beside the CLI (sharded.ts starts ./shard-worker.js).
// yargs stays outside: the CLI imports it only for --help, --version and errors (cli-args.ts), and it reads its own
// locale files from beside its modules. Run after tsc (npm run build does both).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  // The measuring child is bundled so that the analysis the bench times starts as the installed command does.
  entryPoints: { cli: 'dist/cli.js', 'shard-worker': 'dist/analysis/shard-worker.js', 'measure-child': 'dist/bench/measure-child.js' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['yargs'],
  // CommonJS dependencies (cli-table3 and what it requires) call require() for Node's own modules: give the ES module
  // a require of its own.
  banner: { js: "import { createRequire as bundleRequire } from 'node:module';\nconst require = bundleRequire(import.meta.url);" },
  logLevel: 'warning',
});
