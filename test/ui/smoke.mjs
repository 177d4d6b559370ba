// UI smoke test: what a person sees. Installs the packaged .vsix into a fresh code-server, opens
// a copy of the fixtures workspace in headless Chromium and drives the workbench: our activity
// bar container, a command from the palette, the Endpoint Explorer rows, a hover in a config
// file, the Problems panel. Screenshots go to .test-run/screenshots/.
//
//   node test/ui/smoke.mjs [--vsix FILE] [--update-screenshot] [--summary FILE] [--keep]
//
// --update-screenshot also writes media/screenshot.png and media/report.png (the README's
// pictures); CI never does. Needs the real test servers (MAIL_TLS_TEST_SERVERS, as npm test
// sets it): the workspace lists their endpoints, so the explorer shows real probe results.
// Every step must pass: a step whose feature is missing fails, and the run fails unless every
// step ran and passed.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  codeServerCli, fixturesWorkspace, launchChromium, locateCodeServer, makeRunDir, removeRunDir, repoRoot, startCodeServer, workbenchUrl,
} from '../support/codeServer.mjs';
import { runSteps } from './steps.mjs';

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string', default: join(repoRoot, 'mail-tls-inspector.vsix') },
    'update-screenshot': { type: 'boolean', default: false },
    summary: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const nls = existsSync(join(repoRoot, 'package.nls.json')) ? JSON.parse(readFileSync(join(repoRoot, 'package.nls.json'), 'utf8')) : {};
/** A manifest string with its `%key%` placeholder resolved the way VS Code does. */
const localized = (text) => (typeof text === 'string' ? text.replace(/^%(.+)%$/, (_, key) => nls[key] ?? text) : text);
const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

const outDir = join(repoRoot, '.test-run', 'ui');
const screenshotDir = join(repoRoot, '.test-run', 'screenshots');
rmSync(screenshotDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
mkdirSync(screenshotDir, { recursive: true });

/** The workspace the browser opens: a copy, so the run can add settings without touching git. */
function prepareWorkspace(run) {
  const dir = join(run.dir, 'workspace');
  cpSync(fixturesWorkspace, dir, { recursive: true, filter: (src) => !src.startsWith(join(fixturesWorkspace, 'generated')) });
  const stateFile = process.env.MAIL_TLS_TEST_SERVERS;
  if (!stateFile || !existsSync(stateFile)) {
    throw new Error('the UI smoke test probes the test servers: start them (node out/test/servers/cli.js start --state F) and set MAIL_TLS_TEST_SERVERS=F');
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  const settings = {
    'mailTls.endpoints': [state.endpoints.smtp, state.endpoints.submission, state.endpoints.imaps, state.endpoints.sieve],
    'mailTls.caFile': state.caFile,
  };
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  return { dir, endpoints: settings['mailTls.endpoints'] };
}

/** What the installed bundle registers: a step whose feature is missing fails on it. */
function installedFeatures(run) {
  const folder = readdirSync(run.extensions).find((name) => name.toLowerCase().startsWith(`${extensionId}-`));
  if (!folder) throw new Error(`${extensionId} is not in the extensions dir after --install-extension`);
  const bundle = readFileSync(join(run.extensions, folder, manifest.main ?? 'dist/extension.js'), 'utf8');
  const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
  return {
    folder,
    commands: contributed.filter((id) => bundle.includes(`"${id}"`) || bundle.includes(`'${id}'`) || bundle.includes(`\`${id}\``)),
    treeView: /\b(createTreeView|registerTreeDataProvider)\b/.test(bundle),
    hover: /\bregisterHoverProvider\b/.test(bundle),
    diagnostics: /\bcreateDiagnosticCollection\b/.test(bundle),
  };
}

async function main() {
  if (!existsSync(opts.vsix)) throw new Error(`${opts.vsix} not found: run npm run package first`);
  const server = locateCodeServer({ install: process.env.MAIL_TLS_INSTALL_CODE_SERVER !== '0' });
  const run = makeRunDir('mti-ui');
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
  const workbenchLog = [];
  try {
    codeServerCli(server, run, ['--install-extension', opts.vsix]);
    const features = installedFeatures(run);
    console.log(`installed ${features.folder} (tree view: ${features.treeView}, hover: ${features.hover}, diagnostics: ${features.diagnostics}, commands: ${features.commands.length})`);
    const workspace = prepareWorkspace(run);

    cs = await startCodeServer(server, run, { log: () => {} });
    console.log(`code-server up on ${cs.authority} in ${cs.startMs} ms`);
    browser = await launchChromium(run);
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (msg) => workbenchLog.push(`[${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => workbenchLog.push(`[pageerror] ${err.message}`));
    await page.goto(workbenchUrl(cs, workspace.dir), { timeout: 180_000 });

    const container = manifest.contributes?.viewsContainers?.activitybar?.[0];
    return await runSteps(page, {
      manifest,
      localized,
      features,
      container: container ? { id: container.id, title: localized(container.title) } : null,
      endpoints: workspace.endpoints,
      screenshotDir,
    });
  } finally {
    writeFileSync(join(outDir, 'workbench-console.log'), workbenchLog.join('\n') + '\n');
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

let counts = { passed: 0, failed: 1, skipped: 0 };
const started = performance.now();
try {
  counts = await main();
  if (opts['update-screenshot'] && counts.failed === 0) {
    copyFileSync(join(screenshotDir, 'overview.png'), join(repoRoot, 'media', 'screenshot.png'));
    if (existsSync(join(screenshotDir, 'report-light.png'))) copyFileSync(join(screenshotDir, 'report-light.png'), join(repoRoot, 'media', 'report.png'));
    console.log('updated media/screenshot.png');
  }
} catch (err) {
  console.error(`UI smoke test error: ${err?.stack ?? err}`);
}
const ms = Math.round(performance.now() - started);
console.log(`\nUI smoke: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} not run (${ms} ms); screenshots in .test-run/screenshots/`);
// A step not run (after an earlier failure) or a run with no step passed fails as well.
const ok = counts.failed === 0 && counts.skipped === 0 && counts.passed > 0;
if (!ok && counts.failed === 0) console.error('UI smoke: not every step ran and passed');
if (opts.summary) writeFileSync(opts.summary, JSON.stringify({ ...counts, ms }, null, 2));
process.exit(ok ? 0 : 1);
