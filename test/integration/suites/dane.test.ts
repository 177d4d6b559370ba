// DANE in the editor: the hover on a certificate setting shows the `3 1 1` record of the key in
// the file (checked against the openssl CLI on the same file), its copy link is a trusted
// command link, and Copy TLSA Record puts the record on the clipboard, from the link and from
// the cursor.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MailTlsApi } from '../../../src/extension/api';
import { makeDanePki, opensslTlsaData } from '../../support/certs';
import { getApi, lineOf, removeGenerated, waitFor, writeGenerated } from './support';

/** The openssl CLI's `3 1 1`: SHA-256 of the certificate's SubjectPublicKeyInfo. */
const opensslRecord = (certFile: string) => `3 1 1 ${opensslTlsaData(certFile, 1, 1)}`;

async function hoverAt(uri: vscode.Uri, line: number, character = 2): Promise<{ text: string; markdown: vscode.MarkdownString[] }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, character));
  const markdown = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString);
  return { text: markdown.map((m) => m.value).join('\n'), markdown };
}

describe('DANE: the TLSA record of a configured certificate', function () {
  const pki = makeDanePki();
  let api: MailTlsApi;
  let mainCf = '';
  let dovecotConf = '';
  let chainFile = '';
  let expected = '';

  before(async () => {
    api = await getApi();
    // Postfix's chain file: key first, then the certificates; it lives in the workspace.
    chainFile = writeGenerated('dane/postfix/chain.pem', readFileSync(pki.file('leaf.key'), 'utf8') + readFileSync(pki.file('leaf'), 'utf8') + readFileSync(pki.file('int'), 'utf8'));
    writeGenerated('dane/postfix/leaf.pem', readFileSync(pki.file('leaf'), 'utf8'));
    expected = opensslRecord(pki.file('leaf'));
    mainCf = writeGenerated('dane/postfix/main.cf', [
      'myhostname = mx.dane.test',
      'smtpd_tls_security_level = may',
      'smtpd_tls_chain_files = chain.pem',
      '',
    ].join('\n'));
    writeGenerated('dane/postfix/master.cf', 'smtp inet n - n - - smtpd\n');
    dovecotConf = writeGenerated('dane/dovecot/dovecot.conf', `protocols = imap\nssl = required\nssl_cert = <${pki.file('leaf')}\nssl_key = <${pki.file('leaf.key')}\n`);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
  });

  after(() => removeGenerated('dane'));

  it('the hover on smtpd_tls_chain_files shows the 3 1 1 record openssl computes, and the issuer 2 1 1', async () => {
    const document = await vscode.workspace.openTextDocument(mainCf);
    const line = lineOf(document, 'smtpd_tls_chain_files');
    const { text, markdown } = await waitFor('a hover with the TLSA record', async () => {
      const h = await hoverAt(document.uri, line);
      return h.text.includes('3 1 1 ') ? h : undefined;
    });
    assert.ok(text.includes(`\`${expected}\``), `expected ${expected} in:\n${text}`);
    assert.match(text, /`2 1 1 [0-9a-f]{64}`/, 'the issuing CA as the rollover record');
    assert.ok(text.includes(chainFile), 'names the file');
    assert.doesNotMatch(text, /PRIVATE KEY|BEGIN/, 'no PEM text in the hover');
    const link = `command:mailTls.copyTlsaRecord?${encodeURIComponent(JSON.stringify([expected]))}`;
    assert.ok(text.includes(link), 'a copy link for the record');
    const ours = markdown.find((m) => m.value.includes(link))!;
    assert.ok(typeof ours.isTrusted === 'object' && ours.isTrusted.enabledCommands.includes('mailTls.copyTlsaRecord'), 'the copy command is an enabled command, the hover is not trusted wholesale');
  });

  it('Copy TLSA Record from the link copies that record to the clipboard', async () => {
    await vscode.env.clipboard.writeText('');
    const copied = await vscode.commands.executeCommand<string>('mailTls.copyTlsaRecord', expected);
    assert.equal(copied, expected);
    assert.equal(await vscode.env.clipboard.readText(), expected);
  });

  it('Copy TLSA Record with the cursor on the setting (palette, context menu) copies the record of that line', async () => {
    const document = await vscode.workspace.openTextDocument(mainCf);
    const editor = await vscode.window.showTextDocument(document);
    const line = lineOf(document, 'smtpd_tls_chain_files');
    editor.selection = new vscode.Selection(line, 5, line, 5);
    await vscode.env.clipboard.writeText('');
    const copied = await vscode.commands.executeCommand<string>('mailTls.copyTlsaRecord');
    assert.equal(copied, expected);
    assert.equal(await vscode.env.clipboard.readText(), expected);
  });

  it('the hover on Dovecot ssl_cert shows the same record (the same key)', async () => {
    const document = await vscode.workspace.openTextDocument(dovecotConf);
    const { text } = await waitFor('a Dovecot hover with the TLSA record', async () => {
      const h = await hoverAt(document.uri, lineOf(document, 'ssl_cert'));
      return h.text.includes('3 1 1 ') ? h : undefined;
    });
    assert.ok(text.includes(`\`${expected}\``));
  });

  it('a setting that names no certificate has no TLSA part', async () => {
    const document = await vscode.workspace.openTextDocument(mainCf);
    const { text } = await hoverAt(document.uri, lineOf(document, 'smtpd_tls_security_level'));
    assert.match(text, /smtpd_tls_security_level/);
    assert.doesNotMatch(text, /TLSA/);
  });
});
