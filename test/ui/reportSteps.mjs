/* global document, window, getComputedStyle -- readReport's callback runs in the page */
// The UI smoke test's report steps: the report panel after a real probe, looked at in the
// light, dark and high-contrast themes, and the exported file read with JavaScript off.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../support/codeServer.mjs';
import { paletteCommands, selectors } from './selectors.mjs';

const WAIT = 30_000;

/** What a report page shows, read the same way in the webview and in the exported file. */
function readReport(root) {
  return root.evaluate((main) => ({
    letters: [...main.querySelectorAll('.card-letter')].map((e) => e.textContent),
    phases: [...main.querySelectorAll('[data-phase]')].map((e) => e.getAttribute('data-phase')),
    bars: [...main.querySelectorAll('.bar')].map((b) => b.getBoundingClientRect().width),
    chain: [...main.querySelectorAll('.cert')].map((c) => c.getAttribute('data-role')),
    reasons: [...main.querySelectorAll('.reason')].map((r) => r.textContent),
    background: getComputedStyle(document.body).backgroundColor,
  }));
}

export async function runReportSteps({ page, ctx, step, shot, screenshotDir, commandTitle, chooseRow, runCommand }) {
  const target = ctx.endpoints[0];
  const show = commandTitle('.showReport');
  const frame = page.frameLocator(selectors.webviewFrame).frameLocator(selectors.webviewContent);
  let inPanel = null;

  await step(`"Show Report" draws ${target ?? 'the probed endpoint'}: grade, timeline bars, chain boxes`, async () => {
    assert.ok(target, 'no test server endpoint in the workspace settings');
    assert.ok(show, 'the installed bundle has no showReport command');
    const started = performance.now();
    await runCommand(page, show);
    // Two endpoints were probed: the command asks which one.
    await chooseRow(page, target);
    const main = frame.locator('main.report');
    await main.locator('.card-letter').first().waitFor({ timeout: WAIT });
    const drawnMs = performance.now() - started;
    inPanel = await readReport(main);
    assert.deepEqual(inPanel.letters, ['A-'], `grade: ${inPanel.letters}`);
    assert.ok(inPanel.reasons.some((r) => /capped at A-: TLS 1\.0 and TLS 1\.1 accepted.*\(tls-legacy-version\)/.test(r)), inPanel.reasons.join(' | '));
    for (const p of ['connect', 'greeting', 'starttls', 'handshake']) assert.ok(inPanel.phases.includes(p), `no ${p} row: ${inPanel.phases}`);
    assert.ok(inPanel.bars.every((w) => w > 0), `a bar without width: ${inPanel.bars}`);
    assert.deepEqual(inPanel.chain, ['leaf', 'intermediate', 'root']);
    // The first row's transcript opens without any script of ours: it is a <details>.
    await frame.locator('details[data-phase="greeting"] > summary').click();
    await frame.locator('details[data-phase="greeting"] .lines').waitFor({ timeout: WAIT });
    return `palette to drawn report ${Math.round(drawnMs)} ms; ${inPanel.letters[0]}, ${inPanel.bars.length} bars, chain ${inPanel.chain.join(' → ')}`;
  });

  await step('the report moves focus with the arrow keys, and its CSP runs no script without the nonce', async () => {
    assert.ok(inPanel, 'no report was drawn (see the step above)');
    const main = frame.locator('main.report');
    // Where the focus is among the report's stops (cards, phases, certificates, buttons), in document order.
    const focusAt = () => main.evaluate(() => {
      const stops = [...document.querySelectorAll('#root summary, #root button, #root [tabindex="0"]')];
      return { at: stops.indexOf(document.activeElement), count: stops.length };
    });
    const card = frame.locator('[data-part="grade-card"]').first();
    await card.focus();
    const start = await focusAt();
    assert.equal(start.at, 0, 'the grade card is the first stop');
    assert.ok(start.count > 10, `only ${start.count} stops`);
    const moves = [];
    for (const [key, expected] of [['ArrowDown', 1], ['ArrowDown', 2], ['ArrowUp', 1], ['End', start.count - 1], ['ArrowDown', start.count - 1], ['Home', 0], ['ArrowUp', 0]]) {
      await frame.locator(':focus').press(key);
      const { at } = await focusAt();
      moves.push(`${key}→${at}`);
      assert.equal(at, expected, `${key}: focus on stop ${at}, expected ${expected} (${moves.join(', ')})`);
    }
    // The policy as the webview carries it, and what it does to a script injected without the nonce.
    const csp = await main.evaluate(async () => {
      const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
      const policy = meta?.getAttribute('content') ?? '';
      const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1] ?? null;
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const injected = document.createElement('script');
      injected.textContent = 'window.__mtiInjected = 1';
      document.body.append(injected);
      await new Promise((r) => setTimeout(r, 300));
      // VS Code's host writes its own script (acquireVsCodeApi) ahead of our policy; ours come after it.
      const all = [...document.querySelectorAll('script')].filter((x) => x !== injected);
      const ours = all.filter((x) => meta && meta.compareDocumentPosition(x) & 4 /* Node.DOCUMENT_POSITION_FOLLOWING */);
      injected.remove();
      return { policy, nonce, ran: window.__mtiInjected === 1, violations, host: all.length - ours.length, scripts: ours.map((x) => ({ nonce: x.nonce, src: x.getAttribute('src') ?? '' })) };
    });
    assert.match(csp.policy, /(^|; )default-src 'none'(;|$)/, csp.policy);
    assert.ok(csp.nonce, `no script nonce: ${csp.policy}`);
    // No source that lets any script or remote content in: no unsafe keywords, no bare * or scheme.
    assert.doesNotMatch(csp.policy, /'unsafe-inline'|'unsafe-eval'|(^|\s)(\*|https?:|data:|blob:)(\s|;|$)/, csp.policy);
    assert.equal(csp.ran, false, 'a script without the nonce ran');
    assert.ok(csp.violations.some((d) => d.startsWith('script-src')), `no CSP violation reported: ${csp.violations}`);
    assert.deepEqual(csp.scripts.map((x) => x.nonce === csp.nonce && /\/media\/report\.js$/.test(x.src)), [true], `the scripts under the policy: ${JSON.stringify(csp.scripts)}`);
    return `${start.count} stops: ${moves.join(', ')}; CSP: ${csp.policy.replace(/nonce-[^']+/g, 'nonce-…')}; under it one script, media/report.js with the nonce (${csp.host} of VS Code's host before it)`;
  });

  await step('the report follows the theme: dark, light, high contrast (screenshots)', async () => {
    assert.ok(inPanel, 'no report was drawn (see the step above)');
    // The screenshots (report-light.png is the README's picture) show the report from its top
    // down to the chain: the window is made taller and the Problems panel hidden to give the
    // webview the height, the greeting's transcript is folded again and the page scrolled back
    // up (the click above scrolled it).
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: viewport.width, height: 1360 });
    await runCommand(page, paletteCommands.hidePanel);
    await page.locator(selectors.problemsPanel).waitFor({ state: 'hidden', timeout: WAIT });
    await frame.locator('details[data-phase="greeting"] > summary').click();
    await frame.locator('details[data-phase="greeting"] .lines').waitFor({ state: 'hidden', timeout: WAIT });
    await frame.locator('main.report').evaluate(() => document.scrollingElement.scrollTo(0, 0));
    await sleep(500);
    const view = await frame.locator('main.report').evaluate((main) => {
      const box = (sel) => main.querySelector(sel)?.getBoundingClientRect() ?? null;
      const part = (sel) => { const r = box(sel); return r ? { top: Math.round(r.top), bottom: Math.round(r.bottom) } : null; };
      return { height: window.innerHeight, card: part('[data-part="grade-card"]'), timeline: part('[data-part="timeline"]'), chain: part('[data-part="chain"] .chain') };
    });
    assert.ok(view.card && view.card.top >= 0 && view.card.bottom <= view.height, `the grade card is not wholly in view: ${JSON.stringify(view)}`);
    const backgrounds = [];
    for (const [theme, name] of [['Dark Modern', 'dark'], ['Light Modern', 'light'], ['Dark High Contrast', 'hc']]) {
      await runCommand(page, paletteCommands.colorTheme);
      const input = page.locator(selectors.quickInput);
      for (const deadline = Date.now() + WAIT; (await input.inputValue()).startsWith('>'); await sleep(200)) {
        assert.ok(Date.now() < deadline, 'the theme picker did not open');
      }
      await input.fill(theme);
      await chooseRow(page, theme);
      await sleep(1200);
      const now = await readReport(frame.locator('main.report'));
      backgrounds.push(now.background);
      await page.locator(selectors.webviewFrame).screenshot({ path: join(screenshotDir, `report-${name}.png`) });
      await shot(`report-workbench-${name}`);
    }
    assert.equal(new Set(backgrounds).size, 3, `the webview's background did not change with the theme: ${backgrounds.join(', ')}`);
    await page.setViewportSize(viewport);
    const seen = (p) => (p ? Math.max(0, Math.min(p.bottom, view.height) - Math.max(p.top, 0)) / (p.bottom - p.top) : 0);
    return `backgrounds ${backgrounds.join(' / ')}; webview ${view.height} px high: card whole, timeline ${Math.round(100 * seen(view.timeline))} %, chain ${Math.round(100 * seen(view.chain))} % in view`;
  });

  await step('the exported report reads the same with JavaScript off, and matches the panel', async () => {
    const state = process.env.MAIL_TLS_TEST_SERVERS ? JSON.parse(readFileSync(process.env.MAIL_TLS_TEST_SERVERS, 'utf8')) : null;
    assert.ok(inPanel, 'no report was drawn (see the step above)');
    assert.ok(state, 'MAIL_TLS_TEST_SERVERS is not set');
    const file = join(screenshotDir, 'report-export.html');
    const cli = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'probe', '--html', file, '--ca', state.caFile, target], { encoding: 'utf8' });
    assert.ok(existsSync(file), `mail-tls probe --html wrote nothing: ${cli.stderr}`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: process.env.MAIL_TLS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'] });
    try {
      const looks = {};
      for (const javaScriptEnabled of [true, false]) {
        for (const colorScheme of ['light', 'dark']) {
          const context = await browser.newContext({ javaScriptEnabled, colorScheme, viewport: { width: 1100, height: 1400 } });
          const p = await context.newPage();
          await p.goto(pathToFileURL(file).href);
          looks[`${javaScriptEnabled ? 'js' : 'nojs'}-${colorScheme}`] = { dom: await readReport(p.locator('main.report')), png: await p.screenshot({ fullPage: true }) };
          if (!javaScriptEnabled) await p.screenshot({ path: join(screenshotDir, `report-export-${colorScheme}.png`), fullPage: true });
          await context.close();
        }
      }
      for (const scheme of ['light', 'dark']) {
        assert.deepEqual(looks[`nojs-${scheme}`].dom, looks[`js-${scheme}`].dom, `${scheme}: the page differs with JavaScript off`);
        assert.ok(looks[`nojs-${scheme}`].png.equals(looks[`js-${scheme}`].png), `${scheme}: the screenshots differ with JavaScript off`);
      }
      assert.notEqual(looks['nojs-light'].dom.background, looks['nojs-dark'].dom.background, 'no dark variant');
      const exported = looks['nojs-light'].dom;
      assert.deepEqual(exported.letters, inPanel.letters);
      assert.deepEqual(exported.chain, inPanel.chain);
      assert.deepEqual(exported.phases, inPanel.phases, 'the same dialog rows as in the panel');
      return `${statSync(file).size} bytes; identical with JavaScript on and off (pixels and DOM), light and dark`;
    } finally {
      await browser.close();
    }
  });
}
