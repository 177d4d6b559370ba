// Suppressions in the editor: a `# mail-tls-disable-next-line ID` comment removes that finding's
// diagnostic (and only that one), the quick fix "Ignore this finding here" writes the comment and
// the diagnostic goes away, and `mailTls.lint.ignore` drops an id everywhere.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { getApi, lineOf, removeGenerated, setSetting, waitFor, writeGenerated } from './support';

const ID = 'postfix-deprecated-parameter';
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Mail TLS' && codeOf(d) === ID);

describe('suppressions in the editor', function () {
  this.timeout(60_000);
  let document: vscode.TextDocument;

  before(async () => {
    const api = await getApi();
    const path = writeGenerated('suppress/postfix/main.cf', [
      'myhostname = mx.example.org',
      'smtpd_tls_security_level = may',
      `# mail-tls-disable-next-line ${ID} -- kept for the old relay`,
      'smtpd_use_tls = yes',
      'smtp_enforce_tls = yes',
      'smtpd_enforce_tls = no',
      '',
    ].join('\n'));
    writeGenerated('suppress/postfix/master.cf', '127.0.0.1:40125 inet n - n - - smtpd\n');
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    document = await vscode.workspace.openTextDocument(path);
    await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await setSetting('lint.ignore', undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    removeGenerated('suppress');
  });

  it('# mail-tls-disable-next-line removes that finding, the same finding on other lines stays', async () => {
    const lines = await waitFor('the deprecated-parameter diagnostics', () => {
      const found = ours(document.uri).map((d) => d.range.start.line).sort((a, b) => a - b);
      return found.length >= 2 ? found : undefined;
    });
    assert.deepEqual(lines, [lineOf(document, 'smtp_enforce_tls'), lineOf(document, 'smtpd_enforce_tls')]);
    assert.ok(!lines.includes(lineOf(document, 'smtpd_use_tls')), 'the suppressed line has no diagnostic');
  });

  it('the quick fix "Ignore this finding here" writes the comment and the diagnostic goes away', async () => {
    const line = lineOf(document, 'smtp_enforce_tls');
    const diagnostic = ours(document.uri).find((d) => d.range.start.line === line)!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const ignore = actions.find((a) => a.title === `Ignore this finding here (${ID})`);
    assert.ok(ignore?.edit, `no "Ignore this finding here" among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(ignore.edit));
    assert.match(document.lineAt(line).text, new RegExp(`^# mail-tls-disable-next-line ${ID}\\b`));
    assert.equal(document.lineAt(line + 1).text, 'smtp_enforce_tls = yes');
    const left = await waitFor('the ignored diagnostic to go away', () => {
      const now = ours(document.uri).map((d) => d.range.start.line);
      return now.length === 1 ? now : undefined;
    }, 10_000);
    assert.deepEqual(left, [lineOf(document, 'smtpd_enforce_tls')], 'only the other finding is left');
  });

  it('mailTls.lint.ignore drops the id everywhere', async () => {
    await setSetting('lint.ignore', [ID]);
    await waitFor('every deprecated-parameter diagnostic to go away', () => ours(document.uri).length === 0, 10_000);
    await setSetting('lint.ignore', undefined);
    await waitFor('the finding back once the setting is cleared', () => ours(document.uri).length === 1, 10_000);
  });
});
