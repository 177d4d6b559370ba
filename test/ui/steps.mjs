// The UI smoke test's steps, in the order a person would go: each one asserts what is on screen
// and leaves a screenshot. A step whose feature the installed bundle lacks fails; none is skipped.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runReportSteps } from './reportSteps.mjs';
import { paletteCommands, selectors } from './selectors.mjs';

const WAIT = 30_000;

async function openPalette(page, text) {
  const input = page.locator(selectors.quickInput);
  // The palette closes when something takes the focus as it opens (a view refreshed by a probe
  // that has just finished, a notification): open it again rather than type into nothing.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: WAIT });
      await input.fill(text, { timeout: WAIT / 3 });
      return input;
    } catch (err) {
      if (attempt >= 3) throw err;
      // A modal dialog is a finding, not a focus race: never press it away.
      const dialogs = await page.locator(selectors.dialog).evaluateAll((rows) => rows.map((r) => r.innerText.replace(/\s+/g, ' ').trim()));
      assert.equal(dialogs.length, 0, `a dialog took the palette's place: ${dialogs.join(' | ')}`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Picks the palette row whose label contains `label` (quick input filters as it is typed). */
async function choosePaletteRow(page, label) {
  const row = page.locator(selectors.quickInputRows).filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: WAIT });
  await row.click();
}

async function runCommand(page, title) {
  await openPalette(page, `>${title}`);
  await choosePaletteRow(page, title);
}

async function openFile(page, relativePath) {
  const name = relativePath.split('/').pop();
  await openPalette(page, relativePath);
  await choosePaletteRow(page, name);
  await page.locator(selectors.activeTab).filter({ hasText: name }).waitFor({ timeout: WAIT });
  await page.locator(selectors.editorLines).first().waitFor({ timeout: WAIT });
}

const rowTexts = (page, selector) => page.locator(selector).evaluateAll((rows) => rows.map((r) => r.innerText.replace(/\s+/g, ' ').trim()));

/** A contributed command the installed bundle registers, with its palette title, or null. */
function registeredCommand(ctx, suffix) {
  const command = (ctx.manifest.contributes?.commands ?? []).find((c) => c.command.endsWith(suffix));
  if (!command || !ctx.features.commands.includes(command.command)) return null;
  return { id: command.command, title: `${ctx.localized(command.category)}: ${ctx.localized(command.title)}` };
}

/** Fails the step when the installed bundle lacks what it is about to use. */
function requireFeature(present, what) {
  assert.ok(present, `the installed bundle has no ${what}`);
}

/** Fails on what VS Code shows when a command throws or is missing: a modal dialog. */
async function assertNoCommandError(page) {
  const dialogs = await rowTexts(page, selectors.dialog);
  assert.equal(dialogs.length, 0, `the command raised a dialog: ${dialogs.join(' | ')}`);
  const toasts = await rowTexts(page, selectors.notifications);
  const failed = toasts.find((t) => /not found|resulted in an error/i.test(t));
  assert.equal(failed, undefined, `the command reported: ${failed}`);
}

/** The codicon names of one tree row, e.g. ['pass'] once an endpoint probed clean. */
const rowIcons = (row) => row.locator(selectors.rowIcon).evaluateAll((els) =>
  els.flatMap((el) => [...el.classList].filter((c) => c.startsWith('codicon-')).map((c) => c.slice('codicon-'.length))));

export async function runSteps(page, ctx) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const shot = (name) => page.screenshot({ path: join(ctx.screenshotDir, `${name}.png`) });
  let broken = false;

  async function step(name, body) {
    if (broken) {
      counts.skipped++;
      console.log(`  - ${name} (not run: an earlier step failed)`);
      return;
    }
    const started = performance.now();
    try {
      const note = await body();
      // Steps never skip: one that cannot do its work must say why, by failing.
      assert.notEqual(note, 'skip', 'the step skipped itself');
      counts.passed++;
      console.log(`  ✔ ${name} (${Math.round(performance.now() - started)} ms)${note ? `\n      ${note}` : ''}`);
    } catch (err) {
      counts.failed++;
      broken = true;
      console.log(`  ✖ ${name}\n      ${String(err?.message ?? err).split('\n').join('\n      ')}`);
      await shot(`failure-${counts.passed + counts.failed}`).catch(() => {});
    }
  }

  console.log('\n  UI smoke');
  await step('the workbench loads the fixtures workspace', async () => {
    await page.locator(selectors.workbenchReady).waitFor({ timeout: 60_000 });
  });

  await step(`the activity bar shows the "${ctx.container?.title}" container and it opens`, async () => {
    assert.ok(ctx.container, 'package.json contributes no activity bar container');
    const item = page.locator(selectors.activityItem(ctx.container.title)).first();
    await item.waitFor({ timeout: WAIT });
    await item.click();
    await page.locator(selectors.viewContainer(ctx.container.id)).waitFor({ state: 'visible', timeout: WAIT });
    await sleep(500);
    await shot('01-container');
  });

  const category = ctx.localized(ctx.manifest.contributes?.commands?.[0]?.category);
  await step(`the palette lists the "${category}" commands`, async () => {
    assert.ok(category, 'package.json contributes no command');
    await openPalette(page, `>${category}: `);
    const rows = page.locator(selectors.quickInputRows).filter({ hasText: `${category}:` });
    await rows.first().waitFor({ timeout: WAIT });
    await shot('02-palette');
    const texts = await rowTexts(page, selectors.quickInputRows);
    await page.keyboard.press('Escape');
    return `palette: ${texts.join(' | ')}`;
  });

  // Probe one of the real test servers by URL, the way a person would.
  const probeOne = registeredCommand(ctx, '.probeEndpoint');
  const target = ctx.endpoints[0];
  const probe = probeOne && target ? { ...probeOne, input: target } : null;
  await step(`the palette runs "${probeOne?.title ?? 'Probe Endpoint…'}" on ${target ?? 'a test server'}`, async () => {
    requireFeature(probeOne, 'probeEndpoint command');
    assert.ok(target, 'no test server endpoint in the workspace settings');
    await runCommand(page, probe.title);
    // The command's own input box replaces the palette: wait until the '>' prefix is gone.
    const input = page.locator(selectors.quickInput);
    for (const deadline = Date.now() + WAIT; ; await sleep(200)) {
      if ((await input.isVisible()) && !(await input.inputValue()).startsWith('>')) break;
      assert.ok(Date.now() < deadline, 'the command did not ask for an endpoint');
    }
    await input.fill(probe.input);
    await input.press('Enter');
    await sleep(1000);
    await assertNoCommandError(page);
  });

  await step('the Endpoint Explorer lists the workspace endpoints and the probe result', async () => {
    requireFeature(ctx.features.treeView, 'tree view');
    assert.ok(probe, 'no probe ran (see the step above)');
    const rowsSelector = selectors.viewRows(ctx.container.id);
    await page.locator(rowsSelector).first().waitFor({ timeout: WAIT });
    // One group per config root (the Postfix and the Dovecot folder, each with its server's name
    // and host), plus the endpoints from settings.
    let texts = [];
    const wanted = ['Postfix ·', 'Dovecot ·', ...ctx.endpoints.map((url) => new URL(url).host)];
    for (const deadline = Date.now() + WAIT; Date.now() < deadline; await sleep(500)) {
      texts = await rowTexts(page, rowsSelector);
      if (wanted.every((w) => texts.some((t) => t.includes(w)))) break;
    }
    for (const w of wanted) assert.ok(texts.some((t) => t.includes(w)), `no row for ${w}; rows: ${texts.join(' | ')}`);
    // The probed endpoint's row turns from "not probed" to a verdict, then opens on its details.
    const row = page.locator(rowsSelector).filter({ hasText: probe.input }).first();
    let icons = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(500)) {
      icons = await rowIcons(row);
      if (icons.some((i) => ['pass', 'warning', 'error'].includes(i))) break;
    }
    const verdict = icons.find((i) => ['pass', 'warning', 'error'].includes(i));
    assert.ok(verdict, `${probe.input} shows no verdict; icons: ${icons.join(', ')}`);
    // The test Postfix completes STARTTLS and its CA is configured: a failed verdict is a bug.
    assert.notEqual(verdict, 'error', `probing ${probe.input} failed in the editor (the same probe from the CLI passes)`);
    await row.locator(selectors.rowTwistie).click();
    let details = [];
    for (const deadline = Date.now() + WAIT; Date.now() < deadline; await sleep(300)) {
      details = await rowTexts(page, rowsSelector);
      if (details.some((t) => /TLSv1\.[0-3]/.test(t))) break;
    }
    const negotiated = details.find((t) => /TLSv1\.[0-3]/.test(t));
    assert.ok(negotiated, `no negotiated TLS version under ${probe.input}; rows: ${details.join(' | ')}`);
    await shot('03-explorer');
    return `${probe.input}: ${verdict}; ${negotiated}`;
  });

  // The other way to name an endpoint: a host (with its port), then the protocol from a list.
  const imaps = ctx.endpoints.find((url) => url.startsWith('imaps://'));
  await step(`the palette probes ${imaps ? new URL(imaps).host : 'a host'}, then "imaps" picked from the protocol list`, async () => {
    requireFeature(probeOne, 'probeEndpoint command');
    requireFeature(ctx.features.treeView, 'tree view');
    assert.ok(imaps, `no imaps:// endpoint among the test servers: ${ctx.endpoints.join(', ')}`);
    await runCommand(page, probeOne.title);
    const input = page.locator(selectors.quickInput);
    for (const deadline = Date.now() + WAIT; ; await sleep(200)) {
      if ((await input.isVisible()) && !(await input.inputValue()).startsWith('>')) break;
      assert.ok(Date.now() < deadline, 'the command did not ask for an endpoint');
    }
    await input.fill(new URL(imaps).host);
    await input.press('Enter');
    // The protocol list replaces the input box: its rows name the schemes with their ports.
    const row = page.locator(selectors.quickInputRows).filter({ hasText: 'imaps' }).first();
    await row.waitFor({ timeout: WAIT });
    const offered = await rowTexts(page, selectors.quickInputRows);
    assert.ok(['smtp', 'submission', 'pop3s', 'sieve'].every((p) => offered.some((t) => t.includes(p))), `protocols offered: ${offered.join(' | ')}`);
    await input.fill('imaps');
    await input.press('Enter');
    const rowsSelector = selectors.viewRows(ctx.container.id);
    const endpointRow = page.locator(rowsSelector).filter({ hasText: new URL(imaps).host }).first();
    let icons = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(500)) {
      icons = await rowIcons(endpointRow);
      if (icons.some((i) => ['pass', 'warning'].includes(i))) break;
    }
    const verdict = icons.find((i) => ['pass', 'warning', 'error'].includes(i));
    assert.ok(verdict === 'pass' || verdict === 'warning', `${imaps} shows ${verdict ?? 'no verdict'}; icons: ${icons.join(', ')}`);
    await assertNoCommandError(page);
    return `${imaps}: ${verdict}; offered ${offered.length} protocols`;
  });

  await step('postfix/main.cf opens in an editor', async () => {
    await openFile(page, 'postfix/main.cf');
    await shot('04-editor');
  });

  await step('the Problems panel lists findings for main.cf', async () => {
    requireFeature(ctx.features.diagnostics, 'diagnostic collection');
    await runCommand(page, paletteCommands.focusProblems);
    await page.locator(selectors.problemsPanel).waitFor({ state: 'visible', timeout: WAIT });
    let texts = [];
    for (const deadline = Date.now() + WAIT; Date.now() < deadline; await sleep(500)) {
      texts = await rowTexts(page, selectors.problemsRows);
      if (texts.some((t) => t.includes('main.cf')) && texts.length > 1) break;
    }
    assert.ok(texts.some((t) => t.includes('main.cf')), `no problems for main.cf; rows: ${texts.join(' | ')}`);
    assert.ok(texts.length > 1, 'the Problems panel has a file row but no finding');
    await shot('05-problems');
    return `rows: ${texts.slice(0, 6).join(' | ')}${texts.length > 6 ? ` (+${texts.length - 6})` : ''}`;
  });

  // The extension's own hover, not the diagnostic's: its title, the setting's documentation,
  // the table of effective values per master.cf service, and the link to postconf(5).
  await step('hovering smtpd_use_tls in main.cf shows its documentation and effective values', async () => {
    requireFeature(ctx.features.hover, 'hover provider');
    const token = page.locator(selectors.editorToken('smtpd_use_tls')).first();
    await token.waitFor({ timeout: WAIT });
    await token.hover({ position: { x: 4, y: 4 } });
    const hover = page.locator(selectors.hover).filter({ has: page.locator('table') }).first();
    await hover.waitFor({ state: 'visible', timeout: WAIT });
    const text = (await hover.innerText()).replace(/\s+/g, ' ').trim();
    assert.match(text, /smtpd_use_tls — Postfix/, `the hover has no title: ${text}`);
    assert.match(text, /Deprecated yes\/no switch for STARTTLS/, `the hover has no documentation: ${text}`);
    const table = await hover.locator('table').first().evaluate((t) =>
      [...t.rows].map((r) => [...r.cells].map((c) => c.innerText.replace(/\s+/g, ' ').trim())));
    assert.deepEqual(table[0], ['Service', 'Effective value', 'From'], `table header: ${JSON.stringify(table)}`);
    // The fixture's master.cf runs smtpd as smtp, submission and submissions; none overrides it.
    for (const service of ['smtp/inet', 'submission/inet', 'submissions/inet']) {
      const row = table.find((r) => r[0] === service);
      assert.ok(row, `no row for ${service}: ${JSON.stringify(table)}`);
      assert.deepEqual(row.slice(0, 2), [service, 'yes'], `${service}: ${JSON.stringify(row)}`);
      assert.match(row[2], /^main\.cf/, `${service} comes from: ${row[2]}`);
    }
    const links = await hover.locator('a').evaluateAll((as) => as.map((a) => [a.innerText.trim(), a.getAttribute('href') ?? a.dataset.href ?? '']));
    assert.ok(links.some(([label, href]) => label === 'Documentation' && href.includes('smtpd_use_tls')), `documentation link: ${JSON.stringify(links)}`);
    await sleep(600); // let the hover fade in before the picture
    return `hover: ${text.slice(0, 160)}${text.length > 160 ? '…' : ''}`;
  });

  if (!broken) await shot('overview');

  // After the overview picture: these open the report and change the colour theme.
  await runReportSteps({
    page, ctx, step, shot, screenshotDir: ctx.screenshotDir, runCommand, chooseRow: choosePaletteRow,
    commandTitle: (suffix) => registeredCommand(ctx, suffix)?.title ?? null,
  });
  return counts;
}
