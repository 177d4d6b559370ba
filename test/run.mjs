// `npm test`: type-check and build, bring up the private Postfix and Dovecot test instances,
// run the unit and real-server suites with node's test runner, then tear the servers down.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);

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

rmSync('out', { recursive: true, force: true });
step('type-check and compile (tsc)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);
step('bundle (esbuild)', process.execPath, ['esbuild.mjs']);

const runDir = resolve('.test-run');
mkdirSync(runDir, { recursive: true });

// Real Postfix and Dovecot for the suites under test/real; see test/servers.
let servers = null;
const serverCli = 'out/test/servers/cli.js';
const serversWanted = process.env.MAIL_TLS_SKIP_SERVERS !== '1';
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
process.on('SIGINT', () => { stopServers(); process.exit(130); });
process.on('SIGTERM', () => { stopServers(); process.exit(143); });

const files = [...testFiles('out/test/unit'), ...(serversWanted ? testFiles('out/test/real') : [])];
console.log(`\n== node --test (${files.length} files)`);
const env = { ...process.env };
if (servers) env.MAIL_TLS_TEST_SERVERS = servers;
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env });
const code = await new Promise((res) => child.on('exit', (c, s) => res(c ?? (s ? 1 : 0))));
stopServers();
process.exit(code);
