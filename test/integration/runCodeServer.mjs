// Runs the integration suites (out/test/integration/suites) inside a real VS Code: code-server
// with its Node extension host, opened in headless Chromium on the fixtures workspace. Prints
// mocha's output as the extension host writes it and exits with the suites' result
// (0 passed, 1 failed, 124 timed out, 2 harness error).
//
//   node test/integration/runCodeServer.mjs [--timeout SECONDS] [--summary FILE] [--keep] [--restricted]
//
// --restricted opens the workspace in real restricted mode (workspace trust on, the folder not
// trusted, no prompt) and runs only the trust suite there.
//
// Needs `tsc -p .` and `node esbuild.mjs` first (npm run test:integration does both).
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, format } from 'node:util';
import {
  fixturesWorkspace, launchChromium, locateCodeServer, makeRunDir, removeRunDir, repoRoot, startCodeServer, workbenchUrl,
} from '../support/codeServer.mjs';

const { values: opts } = parseArgs({
  options: {
    timeout: { type: 'string', default: process.env.MAIL_TLS_VSCODE_TIMEOUT ?? '600' },
    summary: { type: 'string' },
    keep: { type: 'boolean', default: false },
    restricted: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: process.env.MAIL_TLS_VSCODE_VERBOSE === '1' },
  },
});
const logDir = join(repoRoot, '.test-run', opts.restricted ? 'integration-restricted' : 'integration');
mkdirSync(logDir, { recursive: true });
const timing = { codeServerStartMs: 0, suitesMs: 0 };
const counts = { passed: 0, failed: 0, pending: 0 };
const serverLog = [];

/** Mocha's summary lines, as the spec reporter prints them. */
function countLine(line) {
  const m = /^\s*(\d+) (passing|failing|pending)\b/.exec(line);
  if (!m) return;
  const key = { passing: 'passed', failing: 'failed', pending: 'pending' }[m[2]];
  counts[key] = Number(m[1]);
}

// Marks mocha's lines in the extension host (see test/integration/index.ts): in the browser
// console they arrive as ('%c INFO', 'color: ...', fmt, ...args), like the workbench's own log.
const consoleTag = '[mail-tls-test] ';

/** Mocha's text for one browser console message, or null when the workbench wrote it. */
function hostText(values) {
  const [first, second, fmt, ...rest] = values;
  if (typeof first !== 'string' || !first.startsWith('%c') || typeof second !== 'string') return null;
  if (fmt === consoleTag.trimEnd()) return format(...rest);
  if (typeof fmt !== 'string' || !fmt.startsWith(consoleTag)) return null;
  return format(fmt.slice(consoleTag.length), ...rest);
}

async function main() {
  const server = locateCodeServer({ install: process.env.MAIL_TLS_INSTALL_CODE_SERVER !== '0' });
  // Restricted mode: trust enabled and never asked for, so the folder opens untrusted.
  const run = makeRunDir('mti', opts.restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {});
  // A copy of the fixtures: suites may write files into their workspace, and a run that is
  // interrupted must not leave them in the working tree.
  const workspace = join(run.dir, 'workspace');
  cpSync(fixturesWorkspace, workspace, { recursive: true, filter: (src) => !src.startsWith(join(fixturesWorkspace, 'generated')) });
  // What the suites need to find: passed to code-server, whose extension host inherits it.
  const env = { MAIL_TLS_INTEGRATION: 'code-server', MAIL_TLS_CONSOLE_TAG: consoleTag };
  if (process.env.MAIL_TLS_TEST_SERVERS) env.MAIL_TLS_TEST_SERVERS = process.env.MAIL_TLS_TEST_SERVERS;
  if (process.env.MAIL_TLS_TEST_GREP) env.MAIL_TLS_TEST_GREP = process.env.MAIL_TLS_TEST_GREP;
  if (opts.restricted) env.MAIL_TLS_RESTRICTED = '1';

  let cs = null;
  let browser = null;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await cs?.stop();
    if (!opts.keep) removeRunDir(run);
  };
  const onSignal = (sig) => cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    cs = await startCodeServer(server, run, { env, log: (t) => serverLog.push(t), workspaceTrust: opts.restricted });
    timing.codeServerStartMs = cs.startMs;
    console.log(`code-server up on ${cs.authority} in ${cs.startMs} ms`);

    browser = await launchChromium(run);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const workbenchLog = [];
    let queue = Promise.resolve();
    page.on('console', (msg) => {
      // Keep the order: each message's arguments are fetched one message after another.
      queue = queue.then(async () => {
        const values = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '[unserialisable]')));
        const text = hostText(values);
        if (text !== null) {
          for (const line of text.split('\n')) countLine(line);
          process.stdout.write(text + '\n');
        } else {
          workbenchLog.push(`[${msg.type()}] ${msg.text()}`);
          if (opts.verbose) process.stderr.write(`[workbench ${msg.type()}] ${msg.text()}\n`);
        }
      });
    });
    page.on('pageerror', (err) => workbenchLog.push(`[pageerror] ${err.message}`));

    let settle;
    const finished = new Promise((res) => (settle = res));
    await page.exposeFunction('codeAutomationExit', (code, logs) => settle({ code, logs }));

    const authority = cs.authority;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${repoRoot}`],
      ['extensionTestsPath', `vscode-remote://${authority}${join(repoRoot, 'out', 'test', 'integration', 'index.js')}`],
      ['skipWelcome', 'true'],
    ];
    const started = performance.now();
    // On a busy machine the workbench's load event can take well over playwright's default 30 s;
    // the suites' own deadline (--timeout) bounds the run.
    await page.goto(workbenchUrl(cs, workspace, payload), { timeout: Number(opts.timeout) * 1000 });

    const seconds = Number(opts.timeout);
    let timer;
    const timedOut = new Promise((res) => (timer = setTimeout(() => res({ code: 124, logs: [] }), seconds * 1000)));
    const result = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    await queue;
    timing.suitesMs = Math.round(performance.now() - started);
    if (result.code === 124) console.error(`integration tests timed out after ${seconds} s`);

    writeFileSync(join(logDir, 'workbench-console.log'), workbenchLog.join('\n') + '\n');
    writeFileSync(join(logDir, 'code-server.log'), serverLog.join(''));
    for (const entry of Array.isArray(result.logs) ? result.logs : []) {
      if (!entry?.relativePath) continue;
      const file = join(logDir, 'window', entry.relativePath.replace(/\.\.+/g, '_'));
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, entry.contents ?? '');
    }
    // A suite that threw before mocha counted anything still fails the run.
    if (result.code !== 0 && result.code !== 124 && counts.failed === 0) counts.failed = 1;
    // So does a run that passed nothing, whatever the workbench said.
    if (result.code === 0 && counts.passed === 0) {
      console.error('integration: no test passed');
      counts.failed = Math.max(counts.failed, 1);
      return 1;
    }
    return result.code === 0 ? 0 : result.code === 124 ? 124 : 1;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

let code;
try {
  code = await main();
} catch (err) {
  console.error(`integration harness error: ${err?.stack ?? err}`);
  code = 2;
}
console.log(`integration: code-server start ${timing.codeServerStartMs} ms, page load to tests finished ${timing.suitesMs} ms`);
if (opts.summary) writeFileSync(opts.summary, JSON.stringify({ ...counts, exitCode: code, ...timing }, null, 2));
process.exit(code);
