// Report commands: the transcript, the Markdown report on the clipboard, the JSON export.
import * as vscode from 'vscode';
import type { ProbeResult } from '../../core/probe/types';
import type { MailTlsContext } from '../context';
import { resultToMarkdown, resultsToMarkdown } from '../report/markdown';
import { transcriptUri } from '../views/transcriptDocuments';
import { targetOf } from './args';

/** A stored result named by the argument, or picked from the stored ones. */
async function pickResult(ctx: MailTlsContext, arg: unknown): Promise<ProbeResult | undefined> {
  const target = targetOf(arg);
  if (target) return ctx.store.get(target)?.result;
  const all = ctx.store.all();
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing probed yet.'));
    return undefined;
  }
  if (all.length === 1) return all[0]!.result;
  const picked = await vscode.window.showQuickPick(
    all.map((s) => ({ label: s.result.target, description: s.result.tls?.version ?? vscode.l10n.t('no TLS'), result: s.result })),
    { placeHolder: vscode.l10n.t('Which endpoint?') },
  );
  return picked?.result;
}

/** `mailTls.showTranscript`: opens the transcript read-only; returns its document. */
export const showTranscript = (ctx: MailTlsContext) => async (arg?: unknown): Promise<vscode.TextDocument | undefined> => {
  const result = await pickResult(ctx, arg);
  if (!result) return undefined;
  const document = await vscode.workspace.openTextDocument(transcriptUri(result.target));
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
};

/** `mailTls.copyMarkdown`: one endpoint's report (node or URL argument), else all of them. */
export const copyMarkdown = (ctx: MailTlsContext) => async (arg?: unknown): Promise<string | undefined> => {
  const target = targetOf(arg);
  const one = target ? ctx.store.get(target)?.result : undefined;
  const all = ctx.store.all().map((s) => s.result);
  if (!one && all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing probed yet.'));
    return undefined;
  }
  const markdown = one ? resultToMarkdown(one) : resultsToMarkdown(all);
  await vscode.env.clipboard.writeText(markdown);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Mail TLS report copied as Markdown'), 3000);
  return markdown;
};

/** `mailTls.exportJson`: every stored result as JSON; a Uri or path argument skips the dialog. */
export const exportJson = (ctx: MailTlsContext) => async (arg?: unknown): Promise<vscode.Uri | undefined> => {
  const results = ctx.store.all().map((s) => s.result);
  if (results.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing probed yet.'));
    return undefined;
  }
  let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
  if (!uri) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      filters: { JSON: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'mail-tls-results.json') } : {}),
      title: vscode.l10n.t('Export Mail TLS results'),
    });
  }
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(results, null, 2) + '\n'));
  ctx.log.info(`exported ${results.length} result(s) to ${uri.toString(true)}`);
  return uri;
};
