// Hover on a TLS setting: documentation, effective value per service, the live result of the
// endpoints that setting governs, and a trusted command link that probes now.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MailTlsApi } from '../../../src/extension/api';
import { getApi, lineOf, removeGenerated, testServers, useTestServerSettings, waitFor, workspaceRoot, writeLiveConfigs } from './support';

function hoverText(hovers: vscode.Hover[]): { text: string; markdown: vscode.MarkdownString[] } {
  const markdown = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString);
  return { text: markdown.map((m) => m.value).join('\n'), markdown };
}

describe('hover on config settings', function () {
  const state = testServers();
  let api: MailTlsApi;
  let live: ReturnType<typeof writeLiveConfigs>;

  before(async function () {
    if (!state) return this.skip();
    api = await getApi();
    await useTestServerSettings(state);
    live = writeLiveConfigs(state);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
  });

  after(() => removeGenerated('live'));

  it('shows the effective value per service and the live result with its age and a probe-now link', async () => {
    const document = await vscode.workspace.openTextDocument(live.mainCf);
    assert.equal(document.languageId, 'postfix-main');
    await vscode.commands.executeCommand('mailTls.probeEndpoint', live.smtp);
    await api.whenIdle();
    const line = lineOf(document, 'smtpd_tls_protocols');
    const { text, markdown } = await waitFor('a hover with the live result', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(line, 3));
      const h = hoverText(hovers);
      return h.text.includes('TLSv1.') && h.text.includes(live.smtp) ? h : undefined;
    });
    assert.match(text, /\*\*smtpd_tls_protocols\*\* — Postfix/);
    assert.match(text, /TLS versions the SMTP server accepts/, 'what the setting does');
    assert.match(text, /Default: `>=TLSv1`|Default: `!SSLv2/);
    assert.match(text, /Recommended: `>=TLSv1\.2`/);
    assert.match(text, new RegExp(`\\| 127\\.0\\.0\\.1:${live.smtp.split(':').pop()}/inet \\| \`>=TLSv1\\.2\` \\| main\\.cf`));
    assert.match(text, /accepts TLSv1, TLSv1\.1, TLSv1\.2, TLSv1\.3/, 'the live result shows the accepted versions');
    assert.match(text, /\(just now\)/, 'the age of the result is shown');
    const link = `command:mailTls.probeEndpoint?${encodeURIComponent(JSON.stringify([live.smtp]))}`;
    assert.ok(text.includes(link), `no probe-now link in:\n${text}`);
    const ours = markdown.find((m) => m.value.includes(link))!;
    // Only the commands its links use (the TLSA section's copy link among them), never `true`.
    assert.deepEqual(ours.isTrusted, { enabledCommands: ['mailTls.probeEndpoint', 'mailTls.showTranscript', 'mailTls.copyTlsaRecord'] });
  });

  it('on a Dovecot setting: the documentation and the listener it governs', async () => {
    const document = await vscode.workspace.openTextDocument(live.dovecotConf);
    assert.equal(document.languageId, 'dovecot');
    const line = lineOf(document, 'ssl_min_protocol');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(line, 2));
    const { text } = hoverText(hovers);
    assert.match(text, /\*\*ssl_min_protocol\*\* — Dovecot/);
    assert.match(text, /imap-login\/imaps :\d+ \| `TLSv1\.2`/);
    assert.ok(text.includes(live.imaps), 'the imaps endpoint is listed as governed by this line');
    assert.match(text, /doc\.dovecot\.org/);
  });

  it('says nothing on a comment line', async () => {
    const document = await vscode.workspace.openTextDocument(live.mainCf);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 3));
    assert.equal(hoverText(hovers).text.includes('Mail TLS'), false);
    assert.equal(hoverText(hovers).text.includes('Postfix'), false);
  });
});

describe('hover on a master.cf -o override', () => {
  it('marks the one service the override applies to and lists only its endpoint', async () => {
    await getApi();
    const document = await vscode.workspace.openTextDocument(join(workspaceRoot(), 'postfix', 'master.cf'));
    assert.equal(document.languageId, 'postfix-master');
    const line = lineOf(document, '  -o smtpd_tls_security_level=encrypt');
    const character = document.lineAt(line).text.indexOf('smtpd_tls_security_level') + 2;
    const { text } = await waitFor('the hover', async () => {
      const h = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(line, character)));
      return h.text.includes('smtpd_tls_security_level') ? h : undefined;
    });
    assert.match(text, /\| submission\/inet \| `encrypt` \| -o \$\(arrow-left\) \|/);
    assert.match(text, /\| smtp\/inet \| `may` \| main\.cf \|/);
    const targets = [...text.matchAll(/ (\w+:\/\/127\.0\.0\.1:\d+) — /g)].map((m) => m[1]);
    assert.deepEqual(targets, ['submission://127.0.0.1:587']);
    assert.ok(text.includes(`command:mailTls.probeEndpoint?${encodeURIComponent(JSON.stringify(['submission://127.0.0.1:587']))}`), 'a probe-now link for it');
  });
});
