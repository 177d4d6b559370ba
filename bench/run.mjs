// `npm run bench`: builds what the benchmark needs, then runs it. tsc compiles the engine and
// bench/*.ts to out/ (the in-process probes), esbuild bundles dist/cli.js (the CLI timing).
// The benchmark starts its own Postfix/Dovecot test instance (test/servers), so it needs root
// like `npm test`; it prints a table and writes bench/results/<time>.json.
//   npm run bench -- --runs 30 --strict    (--strict: exit 1 when a target is missed)
//   npm run bench -- --no-build            (reuse out/ and dist/ as they are)
//   npm run bench -- --only cipher         (the cipher scan cases alone)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const args = process.argv.slice(2);

function build(title, command, argv) {
  console.log(`== ${title}`);
  const r = spawnSync(command, argv, { stdio: 'inherit' });
  return r.status === 0;
}

if (!args.includes('--no-build')) {
  // tsc still emits when another part of the tree has type errors; go on if our output exists.
  if (!build('compile (tsc -p .)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'])) {
    console.warn('tsc reported errors (see above); running with what it emitted.');
  }
  if (!build('bundle (esbuild)', process.execPath, ['esbuild.mjs'])) {
    console.warn('esbuild failed: the CLI timing will be skipped or stale.');
  }
}
const entry = 'out/bench/main.js';
if (!existsSync(entry)) {
  console.error(`${entry} is missing: the build did not produce it.`);
  process.exit(1);
}
const r = spawnSync(process.execPath, [entry, ...args.filter((a) => a !== '--no-build')], { stdio: 'inherit' });
// The config parsers' benchmark needs no servers (bench/config.mjs).
const config = args.includes('--only') ? { status: 0 } : spawnSync(process.execPath, ['bench/config.mjs', ...args.filter((a) => a === '--strict')], { stdio: 'inherit' });
process.exit(r.status ?? 1 ? (r.status ?? 1) : (config.status ?? 1));
