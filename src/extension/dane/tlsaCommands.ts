// Mail TLS: Copy TLSA Record. From a hover link it copies the record it was given; from the
// palette or the editor's context menu it copies the record of the certificate setting under
// the cursor (a pick when the files hold several keys, e.g. RSA and ECDSA).
import * as vscode from 'vscode';
import { parseTlsa } from '../../core/dns/tlsa';
import { settingAt } from '../../core/config/settingFacts';
import type { MailTlsContext } from '../context';
import { certificateFilesAt, tlsaOfFiles } from './tlsaHover';

export const copyTlsaRecord = (ctx: MailTlsContext) => async (record?: unknown): Promise<string | undefined> => {
  if (typeof record === 'string' && parseTlsa(record)) return copy(record);
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Place the cursor on a certificate setting (smtpd_tls_chain_files, smtpd_tls_cert_file, ssl_cert, ssl_server_cert_file) to copy its TLSA record.'));
    return undefined;
  }
  const { document, selection } = editor;
  const line = selection.active.line;
  const setting = settingAt(document.languageId, document.lineAt(line).text, selection.active.character)
    ?? settingAt(document.languageId, document.lineAt(line).text, document.lineAt(line).firstNonWhitespaceCharacterIndex);
  const facts = setting ? await ctx.index.settingFacts(document.uri.fsPath, line, setting.name) : undefined;
  const files = facts ? certificateFilesAt(facts, document, line) : [];
  if (files.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This line names no certificate file.'));
    return undefined;
  }
  const results = tlsaOfFiles(ctx, files);
  const items = results.flatMap((r) => r.leaves.map((leaf) => ({ label: leaf.record, description: leaf.subject, detail: r.file })));
  if (items.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No TLSA record: {0}', results.map((r) => `${r.file}: ${r.error ?? ''}`).join('; ')));
    return undefined;
  }
  const chosen = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Which key’s TLSA record?') });
  return chosen ? copy(chosen.label) : undefined;
};

async function copy(record: string): Promise<string> {
  await vscode.env.clipboard.writeText(record);
  vscode.window.setStatusBarMessage(vscode.l10n.t('TLSA record copied: {0}', `${record.slice(0, 24)}…`), 4000);
  return record;
}
