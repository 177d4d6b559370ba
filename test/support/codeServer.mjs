// Runs a real VS Code for the tests: code-server (from npm, on its own Node 24) with per-run
// XDG directories and TMPDIR, and Debian's Chromium driven by playwright-core. Shared by the
// integration launcher (test/integration/runCodeServer.mjs) and the UI smoke test (test/ui).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const fixturesWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');
export const CODE_SERVER_VERSION = '4.139.1';
const chromiumPath = process.env.MAIL_TLS_CHROMIUM ?? '/usr/bin/chromium';

function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || join(process.env.HOME ?? tmpdir(), '.cache');
  return process.env.MAIL_TLS_CODE_SERVER_CACHE || join(base, 'mail-tls-inspector');
}

/** Finds the cached code-server install, installing it first when `install` is set. */
export function locateCodeServer({ install = false } = {}) {
  const dir = join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
  if (!existsSync(join(dir, '.complete'))) {
    if (!install) {
      throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed: run bash scripts/install-code-server.sh`);
    }
    const r = spawnSync('bash', [join(repoRoot, 'scripts', 'install-code-server.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`installing code-server failed (exit ${r.status ?? r.signal})`);
  }
  const node = readFileSync(join(dir, 'node-path'), 'utf8').trim();
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(node) || !existsSync(entry)) throw new Error(`broken code-server install in ${dir}: remove it and install again`);
  return { node, entry };
}

const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  // The suites open hundreds of loopback servers; a remote host would scan /proc for them to
  // offer port forwarding, work that has nothing to do with the extension under test.
  'remote.autoForwardPorts': false,
};

/**
 * A per-run directory under the system temp dir: unix socket paths inside TMPDIR must stay under
 * 108 characters, so it must be short. Holds XDG dirs, TMPDIR, user data, extensions, profile.
 */
export function makeRunDir(prefix, settings = {}) {
  const dir = mkdtempSync(join('/tmp', `${prefix}-`));
  const paths = {
    dir,
    tmp: join(dir, 'tmp'),
    dataHome: join(dir, 'data'),
    configHome: join(dir, 'config'),
    cacheHome: join(dir, 'cache'),
    userData: join(dir, 'user-data'),
    extensions: join(dir, 'extensions'),
    profile: join(dir, 'chromium'),
  };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  // A quiet workbench: no welcome page, no chat side bar, nothing that reaches out.
  mkdirSync(join(paths.userData, 'User'), { recursive: true });
  writeFileSync(join(paths.userData, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...settings }, null, 2));
  return paths;
}

/** The environment both code-server and Chromium get: nothing written to the real home. */
export function isolatedEnv(run, extra = {}) {
  return {
    ...process.env,
    XDG_DATA_HOME: run.dataHome,
    XDG_CONFIG_HOME: run.configHome,
    XDG_CACHE_HOME: run.cacheHome,
    TMPDIR: run.tmp,
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

export async function freePort() {
  const server = createServer();
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address();
  await new Promise((res) => server.close(res));
  return port;
}

/** Runs the code-server CLI once (e.g. `--install-extension x.vsix`) with the run's dirs. */
export function codeServerCli(server, run, args) {
  const r = spawnSync(server.node, [server.entry, '--user-data-dir', run.userData, '--extensions-dir', run.extensions, ...args], {
    env: isolatedEnv(run),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/**
 * Starts code-server on a free loopback port and waits until it answers. The process gets its
 * own process group so that stop() also ends the extension host and the other children.
 */
export async function startCodeServer(server, run, { env = {}, log = () => {}, workspaceTrust = false } = {}) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    server.node,
    [
      server.entry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      // Trust is off unless a run asks for it (the restricted-mode run), so that the workbench
      // never stops at a trust prompt.
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir', run.userData,
      '--extensions-dir', run.extensions,
      // Without it VS Code 1.139 ignores the URL payload that carries the test paths.
      '--vscode-option', 'enable-smoke-test-driver',
    ],
    { env: isolatedEnv(run, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  child.stdout.setEncoding('utf8').on('data', (text) => log(text));
  child.stderr.setEncoding('utf8').on('data', (text) => log(text));

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`code-server exited during start (${exited})`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error('code-server did not answer within 60 s');
    }
    await sleep(100);
  }
  const startMs = Math.round(performance.now() - started);

  async function stop() {
    if (exited !== null) return;
    const done = new Promise((res) => child.once('exit', res));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await done;
    clearTimeout(timer);
    // Children that outlive the server (the extension host) are in the same group.
    killGroup(child, 'SIGKILL');
  }
  return { port, base, authority: `127.0.0.1:${port}`, startMs, stop, child };
}

function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Debian's Chromium, headless, with everything that would reach the internet turned off. */
export async function launchChromium(run) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(run.profile, {
    executablePath: chromiumPath,
    headless: true,
    env: isolatedEnv(run),
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  // Loading the workbench is not what is tested: on a machine busy with other builds its first
  // load has taken more than playwright's default 30 s. The tiers keep their own overall limits.
  context.setDefaultNavigationTimeout(180_000);
  return context;
}

/** The workbench URL for a folder, with the optional test payload (list of [key, value]). */
export function workbenchUrl(cs, folder, payload) {
  let url = `${cs.base}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

export function removeRunDir(run) {
  rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
}
