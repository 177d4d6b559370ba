// Commands that move around: reveal a config line, refresh the explorer, show the log.
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { toRange } from '../providers/diagnostics';
import { locationOf } from './args';

/** `mailTls.revealInConfig`: opens the file at the line that declares or causes a node. */
export const revealInConfig = () => async (arg?: unknown): Promise<vscode.TextEditor | undefined> => {
  const location = locationOf(arg);
  if (!location) return undefined;
  const range = toRange(location);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
  return vscode.window.showTextDocument(document, { selection: range, preserveFocus: false });
};

export const refreshExplorer = (ctx: MailTlsContext) => (): Promise<void> => ctx.index.rescan();

export const showLog = (ctx: MailTlsContext) => (): void => ctx.log.show(true);
