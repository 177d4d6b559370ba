// The report webview against the real test Postfix and a server that speaks markup: the
// webview draws the grade, the timeline bars and the chain boxes (it reports what is in its
// own DOM), survives being hidden, the exported file and PNG are written, and a click on a
// finding's config link opens the file at its line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ProbeResult } from '../../../src/core/probe/types';
import type { MailTlsApi } from '../../../src/extension/api';
import { MARKUP, markupServer, type MarkupServer } from '../../support/mailServers/markup';
import { getApi, lineOf, nextDraw, removeGenerated, report, setSetting, testServers, useTestServerSettings, waitFor, writeLiveConfigs } from './support';

describe('Mail TLS report', function () {
  const state = testServers();
  let api: MailTlsApi;
  let dir: string;

  before(async function () {
    if (!state) return this.skip();
    api = await getApi();
    assert.ok(api.testing, 'the extension runs in test mode');
    await useTestServerSettings(state);
    dir = mkdtempSync(join(tmpdir(), 'mail-tls-report-'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the real Postfix probe: grade A-, timeline bars to scale, three chain boxes (and measures the time)', async () => {
    const smtp = state!.endpoints.smtp;
    const result = await vscode.commands.executeCommand<ProbeResult>('mailTls.probeEndpoint', smtp);
    assert.equal(result.ok, true);
    const drawn = nextDraw(api, (d) => d.letters.length === 1);
    const started = performance.now();
    await vscode.commands.executeCommand('mailTls.showReport', smtp);
    const d = await drawn;
    const ms = performance.now() - started;
    report(`    command to drawn report: ${ms.toFixed(0)} ms (first open: webview created, script loaded, DOM built in ${d.drawMs.toFixed(1)} ms)`);
    // Port 25 with TLS 1.0 and 1.1 accepted: A- (not B: opportunistic), the cap naming its finding.
    assert.deepEqual(d.letters, ['A-']);
    assert.match(d.text, /capped at A-: TLS 1\.0 and TLS 1\.1 accepted; on port 25 .*\(tls-legacy-version\)/);
    const phases = d.bars.map((b) => b.phase);
    for (const p of ['connect', 'greeting', 'command', 'starttls', 'handshake', 'checks']) assert.ok(phases.includes(p), `no ${p} bar: ${phases.join(', ')}`);
    for (const b of d.bars) assert.match(b.width, /^\d+(\.\d+)?%$/, `bar ${b.phase} has no width`);
    const handshake = d.bars.find((b) => b.phase === 'handshake')!;
    const expected = (result.timings.handshake! / result.timings.total) * 100;
    assert.ok(Math.abs(parseFloat(handshake.width) - expected) < 0.5, `handshake bar ${handshake.width}, expected about ${expected.toFixed(2)}%`);
    assert.deepEqual(d.chainBoxes.map((c) => c.role), ['leaf', 'intermediate', 'root']);
    assert.equal(d.chainBoxes[0]!.name, 'mail.test.example');
    assert.equal(d.scriptsInReport, 0);
  });

  it('comes back from its saved state when hidden and shown again', async () => {
    // An empty editor in front of the panel hides it (its webview is discarded); closing the
    // editor shows the panel again, which draws from its saved state before any new message.
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    const restored = nextDraw(api, (d) => d.restored);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const d = await restored;
    assert.deepEqual(d.letters, ['A-']);
  });

  it('exports one self-contained HTML file and the grade card as PNG (and measures their size)', async () => {
    const smtp = state!.endpoints.smtp;
    const htmlFile = join(dir, 'one.html');
    await vscode.commands.executeCommand('mailTls.exportReportHtml', smtp, htmlFile);
    const html = readFileSync(htmlFile, 'utf8');
    assert.match(html, /data-grade="A-"/);
    assert.doesNotMatch(html, /<script|\bsrc=|href=/i);
    const pngFile = join(dir, 'card.png');
    await vscode.commands.executeCommand('mailTls.exportReportPng', smtp, pngFile);
    const png = readFileSync(pngFile);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    assert.ok(png.length > 2000, `the PNG is only ${png.length} bytes`);
    report(`    exported report for one endpoint: ${statSync(htmlFile).size} bytes; grade card PNG ${png.length} bytes`);
  });

  it("a click on a finding's config link opens the config file at that line", async function () {
    this.timeout(120_000);
    // A main.cf for the test Postfix that asks for TLS 1.2+ while the server accepts TLS 1.0:
    // the joined finding sits at smtpd_tls_protocols, and the report links to that line.
    const live = writeLiveConfigs(state!);
    try {
      await vscode.commands.executeCommand('mailTls.refreshExplorer');
      await api.whenIdle();
      await vscode.commands.executeCommand('mailTls.probeEndpoint', live.smtp);
      await api.whenIdle();
      const main = await vscode.workspace.openTextDocument(live.mainCf);
      const line = lineOf(main, 'smtpd_tls_protocols') + 1;
      await waitFor('the joined TLS-version finding at smtpd_tls_protocols', () =>
        api.liveFindings(live.smtp).find((f) => f.id === 'live-version-below-config' && f.range.file === live.mainCf && f.range.start.line + 1 === line), 60_000);

      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const drawn = nextDraw(api, (d) => d.configLinks.some((l) => l.file === live.mainCf && l.line === line));
      await vscode.commands.executeCommand('mailTls.showReport', live.smtp);
      await drawn;
      assert.notEqual(vscode.window.activeTextEditor?.document.uri.fsPath, live.mainCf, 'main.cf is not open before the click');
      assert.ok(api.testing!.clickReportLink(live.mainCf, line), 'no report open');
      const editor = await waitFor('main.cf opened by the click', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.fsPath === live.mainCf ? e : undefined;
      });
      assert.equal(editor.selection.active.line, line - 1, 'the cursor on the finding\'s line');
      assert.equal(editor.document.lineAt(editor.selection.active.line).text, 'smtpd_tls_protocols = >=TLSv1.2');
      assert.equal(editor.viewColumn, vscode.ViewColumn.One);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      removeGenerated('live');
      await vscode.commands.executeCommand('mailTls.refreshExplorer');
      await api.whenIdle();
    }
  });

  describe('a server whose greeting, EHLO reply and certificate subject are markup', () => {
    let server: MarkupServer;

    before(async () => {
      server = await markupServer();
      await setSetting('caFile', server.certFile);
    });
    after(async () => {
      await server?.close();
      if (state) await useTestServerSettings(state);
    });

    it('the webview shows the markup as text and has no element of it; the exported file neither', async () => {
      const result = await vscode.commands.executeCommand<ProbeResult>('mailTls.probeEndpoint', server.url);
      assert.equal(result.ok, true, JSON.stringify(result.findings));
      const drawn = nextDraw(api, (d) => d.text.includes('__pwned'));
      await vscode.commands.executeCommand('mailTls.showReport', server.url);
      const d = await drawn;
      for (const text of [MARKUP.greeting, MARKUP.ehlo, result.certificate!.chain[0]!.subject]) assert.ok(d.text.includes(text), `not shown as text: ${text}`);
      assert.equal(d.scriptsInReport, 0, 'a script element in the report');
      assert.equal(d.imagesInReport, 0, 'an img/iframe element in the report');
      const file = join(dir, 'markup.html');
      await vscode.commands.executeCommand('mailTls.exportReportHtml', server.url, file);
      const html = readFileSync(file, 'utf8');
      assert.ok(html.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'));
      assert.doesNotMatch(html, /<script|<img|<iframe/i);
    });
  });
});
