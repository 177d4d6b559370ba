// Diagnostics: the static checks follow unsaved edits, quick fixes apply their edit, and after a
// probe the findings that join config and live result appear at the line that causes them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MailTlsApi } from '../../../src/extension/api';
import {
  getApi, lineOf, removeGenerated, setSetting, testServers, useTestServerSettings, waitFor, workspaceRoot, writeGenerated, writeLiveConfigs,
} from './support';

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Mail TLS');

describe('diagnostics and quick fixes', function () {
  const state = testServers();
  let api: MailTlsApi;

  before(async () => {
    api = await getApi();
  });

  after(async () => {
    removeGenerated('static');
    removeGenerated('live');
    await setSetting('expiryWarningDays', undefined);
  });

  it('reports the static findings of a config with a documentation link', async () => {
    const fixture = readFileSync(join(workspaceRoot(), 'postfix', 'main.cf'), 'utf8');
    const path = writeGenerated('static/main.cf', fixture + 'tls_preempt_cipherlist = yes\n');
    writeGenerated('static/master.cf', readFileSync(join(workspaceRoot(), 'postfix', 'master.cf'), 'utf8'));
    const document = await vscode.workspace.openTextDocument(path);
    await vscode.window.showTextDocument(document);
    const deprecated = await waitFor('the deprecated-parameter diagnostic', () =>
      ours(document.uri).find((d) => codeOf(d) === 'postfix-deprecated-parameter' && d.range.start.line === lineOf(document, 'smtpd_use_tls')));
    assert.equal(deprecated.severity, vscode.DiagnosticSeverity.Warning);
    const code = deprecated.code as { value: string; target: vscode.Uri };
    assert.equal(code.target.authority, 'www.postfix.org');
  });

  it('re-checks about 300 ms after an edit, before saving', async () => {
    const document = vscode.window.activeTextEditor!.document;
    const end = new vscode.Position(document.lineCount, 0);
    const started = Date.now();
    await vscode.window.activeTextEditor!.edit((b) => b.insert(end, 'smtp_enforce_tls = yes\n'));
    const line = lineOf(document, 'smtp_enforce_tls');
    await waitFor('a diagnostic on the typed line', () => ours(document.uri).find((d) => d.range.start.line === line && codeOf(d) === 'postfix-deprecated-parameter'), 5_000);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250, `re-checked after ${elapsed} ms: the edit debounce is missing`);
    assert.equal(document.isDirty, true, 'the finding came from the unsaved text');
  });

  it('a quick fix applies the finding’s safe edit', async () => {
    const document = vscode.window.activeTextEditor!.document;
    const line = lineOf(document, 'tls_preempt_cipherlist');
    const diagnostic = await waitFor('the preempt diagnostic', () => ours(document.uri).find((d) => d.range.start.line === line && codeOf(d) === 'postfix-preempt-cipherlist'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Let the client choose (no)');
    assert.ok(fix?.edit, `no quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(line).text, 'tls_preempt_cipherlist = no');
    await waitFor('the fixed diagnostic to go away', () => !ours(document.uri).some((d) => codeOf(d) === 'postfix-preempt-cipherlist'), 5_000);
    await document.save();
  });

  it('after a probe: config asks TLS 1.2+ but the server accepted 1.0; served certificate is not ssl_cert’s file; expiry', async function () {
    if (!state) return this.skip();
    await useTestServerSettings(state);
    await setSetting('expiryWarningDays', 100_000);
    const live = writeLiveConfigs(state);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    await vscode.commands.executeCommand('mailTls.probeEndpoint', live.smtp);
    await vscode.commands.executeCommand('mailTls.probeEndpoint', live.imaps);

    const main = await vscode.workspace.openTextDocument(live.mainCf);
    const version = await waitFor('the joined TLS-version finding', () => ours(main.uri).find((d) => codeOf(d) === 'live-version-below-config'));
    assert.equal(version.range.start.line, lineOf(main, 'smtpd_tls_protocols'));
    assert.match(version.message, /TLS 1\.2 or newer .* accepted TLS 1\.0/);
    assert.match((version.code as { target: vscode.Uri }).target.toString(), /postconf\.5\.html#smtpd_tls_protocols/);

    const dovecot = await vscode.workspace.openTextDocument(live.dovecotConf);
    const mismatch = await waitFor('the certificate-file mismatch finding', () => ours(dovecot.uri).find((d) => codeOf(d) === 'live-cert-not-configured-file'));
    assert.equal(mismatch.range.start.line, lineOf(dovecot, 'ssl_cert'));
    assert.match(mismatch.message, /certificate served on :\d+ .* is not the file ssl_cert names/);
    const expiring = ours(dovecot.uri).find((d) => codeOf(d) === 'live-cert-expiring');
    assert.ok(expiring, 'the served certificate expires within the (raised) warning window');
    assert.match(expiring.message, /expires in \d+ day/);
    // The static checks still report the configured (expired) file itself.
    assert.ok(ours(dovecot.uri).some((d) => codeOf(d) === 'dovecot-cert-expired'), 'static expired-file finding missing');
  });
});
