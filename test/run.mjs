// `npm test`: type-check, lint and build, bring up the private Postfix and Dovecot test instances,
// run the unit and real-server suites with node's test runner, then (unless
// MAIL_TLS_SKIP_VSCODE=1) the integration suites and the UI smoke test inside code-server, then
// tear the servers down. Closes with one line counting every tier: `N passed, N failed`.
// `--unit` (npm run test:unit): only the build and the tests under test/unit, which need no
// test mail server and no editor.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const unitOnly = process.argv.includes('--unit');

function step(title, command, args, options = {}) {
  console.log(`\n== ${title}`);
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function testFiles(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = out.concat(testFiles(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

// The editor tiers probe the test servers; without them their suites would skip, and a tier
// that skips its suites fails. Say so before the minutes of building and starting.
if (!unitOnly && process.env.MAIL_TLS_SKIP_SERVERS === '1' && process.env.MAIL_TLS_SKIP_VSCODE !== '1') {
  console.error('MAIL_TLS_SKIP_SERVERS=1 needs MAIL_TLS_SKIP_VSCODE=1 too: the editor tiers run against the test servers. For the tests that need neither: npm run test:unit.');
  process.exit(2);
}

rmSync('out', { recursive: true, force: true });
step('type-check and compile (tsc)', process.execPath, ['node_modules/@typescript/native/bin/tsc', '-p', '.']);
// The report webview's script is browser code: its own project, with the DOM's types.
step('type-check the report webview (tsc)', process.execPath, ['node_modules/@typescript/native/bin/tsc', '-p', 'src/webview']);
step('lint (eslint)', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
step('bundle (esbuild)', process.execPath, ['esbuild.mjs']);

const runDir = resolve('.test-run');
mkdirSync(runDir, { recursive: true });

// Real Postfix and Dovecot for the suites under test/real; see test/servers.
let servers = null;
const serverCli = 'out/test/servers/cli.js';
const serversWanted = !unitOnly && process.env.MAIL_TLS_SKIP_SERVERS !== '1';
if (serversWanted) {
  console.log('\n== start the test mail servers');
  const stateFile = join(runDir, 'servers.json');
  const r = spawnSync(process.execPath, [serverCli, 'start', '--state', stateFile], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('The test mail servers did not start (see above). Set MAIL_TLS_SKIP_SERVERS=1 to run only the unit tests.');
    process.exit(r.status || 1);
  }
  servers = stateFile;
}

function stopServers() {
  if (!servers) return;
  spawnSync(process.execPath, [serverCli, 'stop', '--state', servers], { stdio: 'inherit' });
  servers = null;
}
// The child running now gets the signal too, so that it can stop what it started.
let current = null;
const onSignal = (signal, code) => { current?.kill(signal); stopServers(); process.exit(code); };
process.on('SIGINT', () => onSignal('SIGINT', 130));
process.on('SIGTERM', () => onSignal('SIGTERM', 143));

function run(command, args, env = process.env) {
  current = spawn(command, args, { stdio: 'inherit', env });
  return new Promise((res) => current.on('exit', (c, s) => { current = null; res(c ?? (s ? 1 : 0)); }));
}
const totals = { passed: 0, failed: 0, skipped: 0 };
const readJson = (file) => { try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return null; } };
let failedTiers = 0;

// Dovecot 2.4, the oracle for 2.4 configs: Debian 13's packages, fetched and unpacked once per
// machine into ~/.cache (nothing installed). When this fails, the 2.4 oracle suite says so.
if (serversWanted) {
  console.log('\n== Dovecot 2.4 for the config oracle (unpacked once per machine into ~/.cache)');
  if (spawnSync('bash', ['scripts/install-dovecot24.sh'], { stdio: ['ignore', 'inherit', 'inherit'] }).status !== 0) {
    console.error('Fetching Dovecot 2.4 failed (see above); the 2.4 oracle tests will fail.');
  }
}

const files = [...testFiles('out/test/unit'), ...(serversWanted ? testFiles('out/test/real') : [])];
console.log(`\n== node --test (${files.length} files)`);
if (files.length === 0) {
  console.error('node --test: no test files under out/test/unit (did tsc emit?)');
  process.exit(1);
}
const env = { ...process.env };
if (servers) env.MAIL_TLS_TEST_SERVERS = servers;
// Spec output for people, TAP to a file for the closing count.
const tapFile = join(runDir, 'node-test.tap');
const skippedFile = join(runDir, 'node-test-skipped-suites.jsonl');
rmSync(skippedFile, { force: true });
const nodeCode = await run(process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  '--test-reporter=./test/skippedSuites.mjs', `--test-reporter-destination=${skippedFile}`, ...files], env);
const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
const tapCount = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
totals.passed += tapCount('pass');
totals.failed += tapCount('fail') + tapCount('cancelled');
totals.skipped += tapCount('skipped') + tapCount('todo');
if (nodeCode !== 0) failedTiers++;
// A tier that ran nothing proves nothing: no files found, or none of their tests passed.
if (tapCount('pass') === 0) {
  console.error(`node --test: ${tapCount('tests')} tests ran, none passed: the tier fails`);
  failedTiers++;
  totals.failed++;
}

// A real-server suite whose every test skipped (one that needs root, run without it) proves
// nothing either: the tier fails, as the editor tiers do.
const realDir = resolve('out/test/real');
const skippedReal = (existsSync(skippedFile) ? readFileSync(skippedFile, 'utf8') : '').split('\n').filter(Boolean)
  .map((line) => JSON.parse(line)).filter((s) => s.file.startsWith(`${realDir}/`));
if (skippedReal.length > 0) {
  console.error(`node --test: every test was skipped in: ${skippedReal.map((s) => `${s.suite} (${s.file.slice(realDir.length + 1)})`).join('; ')}: the tier fails`);
  failedTiers++;
  totals.failed += skippedReal.length;
}

/** Runs one editor tier, which writes its counts to a summary file, and adds them up. */
async function editorTier(title, script, ...args) {
  console.log(`\n== ${title}`);
  const summaryFile = join(runDir, `${script.split('/')[1]}${args.join('')}-summary.json`);
  rmSync(summaryFile, { force: true });
  const exitCode = await run(process.execPath, [script, '--summary', summaryFile, ...args], env);
  const summary = readJson(summaryFile) ?? {};
  // Exit 0 is not enough: the tier must have written its counts and passed at least one test
  // (a tier whose suites all skipped in their `before` hooks passes none).
  const problem = exitCode !== 0 ? `exit ${exitCode}`
    : !readJson(summaryFile) ? 'it wrote no summary'
    : !(summary.passed > 0) ? `no test passed (${summary.pending ?? summary.skipped ?? 0} skipped)`
    : null;
  if (problem) console.error(`${title} failed: ${problem}`);
  totals.passed += summary.passed ?? 0;
  // A tier that failed without counting a failure (a timeout, a harness error) still counts one.
  totals.failed += Math.max(summary.failed ?? 0, problem ? 1 : 0);
  totals.skipped += (summary.pending ?? 0) + (summary.skipped ?? 0);
  if (problem) failedTiers++;
}

// Inside a real VS Code (code-server in Chromium), while the mail servers are still up.
if (!unitOnly && process.env.MAIL_TLS_SKIP_VSCODE !== '1') {
  console.log('\n== code-server (installed once per machine into ~/.cache)');
  if (spawnSync('bash', ['scripts/install-code-server.sh'], { stdio: ['ignore', 'inherit', 'inherit'] }).status !== 0) {
    console.error('Installing code-server failed (see above). Set MAIL_TLS_SKIP_VSCODE=1 to skip the editor tiers.');
    failedTiers++;
    totals.failed++;
  } else {
    await editorTier('integration suites in code-server', 'test/integration/runCodeServer.mjs');
    await editorTier('trust suite in code-server, restricted mode', 'test/integration/runCodeServer.mjs', '--restricted');
    console.log('\n== package the .vsix');
    if ((await run('npm', ['run', '--silent', 'package'])) === 0) {
      await editorTier('UI smoke test in code-server', 'test/ui/smoke.mjs');
    } else {
      failedTiers++;
      totals.failed++;
    }
  }
}
stopServers();
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedTiers > 0 || totals.failed > 0 ? 1 : 0);
