// Hover on a TLS setting: documentation, effective value per service, the live result of the
// endpoints that setting governs, and a trusted command link that probes now.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MailTlsApi } from '../../../src/extension/api';
import { getApi, lineOf, removeGenerated, testServers, useTestServerSettings, waitFor, workspaceRoot, writeGenerated, writeLiveConfigs } from './support';

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
    // Probed ("url — result") or not yet ("Not probed yet (1): [url](link)"): whichever an earlier suite left.
    const live = text.slice(text.indexOf('**Live**'));
    const targets = [...new Set([...live.matchAll(/(\w+:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]))];
    assert.deepEqual(targets, ['submission://127.0.0.1:587']);
    assert.ok(text.includes(`command:mailTls.probeEndpoint?${encodeURIComponent(JSON.stringify(['submission://127.0.0.1:587']))}`), 'a probe-now link for it');
  });
});

describe('hover inside a Dovecot remote/protocol block (scoped hover)', function () {
  this.timeout(60_000);
  let document: vscode.TextDocument;
  const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
  const hoverAt = async (line: number, what: string) => {
    const character = document.lineAt(line).firstNonWhitespaceCharacterIndex + 2;
    return waitFor(what, async () => {
      const { text } = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(line, character)));
      return text.includes('— Dovecot') ? text : undefined;
    });
  };

  before(async () => {
    const api = await getApi();
    const path = writeGenerated('scoped/dovecot/dovecot.conf', [
      'protocols = imap pop3',
      'listen = 127.0.0.1',
      'ssl = yes',
      'disable_plaintext_auth = yes',
      'ssl_min_protocol = TLSv1.2',
      'remote 127.0.0.1 {',
      '  disable_plaintext_auth = no',
      '}',
      'remote 192.0.2.0/24 {',
      '  disable_plaintext_auth = no',
      '}',
      'protocol pop3 {',
      '  ssl_min_protocol = TLSv1.3',
      '}',
      '',
    ].join('\n'));
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    document = await vscode.workspace.openTextDocument(path);
  });

  after(() => removeGenerated('scoped'));

  it('in remote 127.0.0.1: the block value, the value elsewhere, and why the finding is only information', async () => {
    const line = 6;
    const text = await hoverAt(line, 'the hover in the loopback block');
    assert.match(text, /In `remote 127\.0\.0\.1`: `no` \(dovecot\.conf:7\) · elsewhere: `yes` \(dovecot\.conf:4\)/);
    assert.match(text, /Severity downgraded to information: this block reaches only clients connecting from the server itself \(remote 127\.0\.0\.1\)/);
    assert.match(text, /Effective value outside this block/, 'the listener table is labelled as the value outside the block');
    // The hover and the Problems panel tell the same story.
    const diagnostic = await waitFor('the plaintext finding in the block', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => codeOf(d) === 'dovecot-plaintext-auth' && d.range.start.line === line));
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Information);
  });

  it('in a remote block for another network: a warning at most, and says who reaches it', async () => {
    const text = await hoverAt(9, 'the hover in the network block');
    assert.match(text, /In `remote 192\.0\.2\.0\/24`: `no`/);
    assert.match(text, /Severity downgraded to a warning at most: this block reaches clients from 192\.0\.2\.0\/24/);
    const diagnostic = await waitFor('the plaintext finding in the network block', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => codeOf(d) === 'dovecot-plaintext-auth' && d.range.start.line === 9));
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
  });

  it('in protocol pop3: the block value, no downgrade; a global line has no block section', async () => {
    const text = await hoverAt(12, 'the hover in the protocol block');
    assert.match(text, /In `protocol pop3`: `TLSv1\.3` \(dovecot\.conf:13\) · elsewhere: `TLSv1\.2` \(dovecot\.conf:5\)/);
    assert.doesNotMatch(text, /Severity downgraded/);
    const global = await hoverAt(3, 'the hover on the global line');
    assert.doesNotMatch(global, /In `remote/);
  });

  it('Postfix: a main.cf line governing a service bound to loopback says only local clients reach it', async () => {
    const api = await getApi();
    const main = writeGenerated('scoped/postfix/main.cf', 'myhostname = mx.example.org\nsmtpd_tls_security_level = may\nsmtpd_tls_auth_only = no\n');
    writeGenerated('scoped/postfix/master.cf', '127.0.0.1:40587 inet n - n - - smtpd\n40588 inet n - n - - smtpd\n');
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const doc = await vscode.workspace.openTextDocument(main);
    const text = await waitFor('the hover on smtpd_tls_auth_only', async () => {
      const { text: t } = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(2, 3)));
      return t.includes('— Postfix') ? t : undefined;
    });
    assert.match(text, /127\.0\.0\.1:40587\/inet listen on loopback only: only local clients reach them/);
    assert.doesNotMatch(text, /40588\/inet listen on loopback/, 'the service on every interface is not called local');
  });
});
