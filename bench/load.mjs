// Load benchmark launcher: compiles (tsc emits even when another part of the tree has type
// errors) unless --no-build, then runs out/bench/load.js with the remaining arguments.
//   node bench/load.mjs [--no-build] [--endpoints 200] [--concurrency 16] [--per-host 2] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const args = process.argv.slice(2);
if (!args.includes('--no-build')) {
  spawnSync(process.execPath, ['node_modules/@typescript/native/bin/tsc', '-p', '.'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const entry = 'out/bench/load.js';
if (!existsSync(entry)) {
  console.error(`${entry} is missing: the build did not produce it.`);
  process.exit(1);
}
const r = spawnSync(process.execPath, [entry, ...args.filter((a) => a !== '--no-build')], { stdio: 'inherit' });
process.exit(r.status ?? 1);
