// "Set Host for This Config…": which machine a config root describes, kept per workspace folder
// in mailTls.configHosts, so that its wildcard listeners are probed there (or not at all).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { SECTION } from '../settings';

/**
 * The config root of a tree node (a root node carries its directory) or of a file (a node's or
 * the active editor's): the root that read it, so a conf.d file names its dovecot.conf's folder.
 */
function rootOf(ctx: MailTlsContext, arg: unknown): string | undefined {
  const node = arg as { configDir?: string; fileUri?: vscode.Uri; resourceUri?: vscode.Uri } | undefined;
  if (typeof node?.configDir === 'string') return node.configDir;
  const uri = node?.fileUri ?? node?.resourceUri ?? vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme !== 'file') return undefined;
  return ctx.index.configRoots().find((r) => r.files.includes(uri.fsPath))?.directory ?? path.dirname(uri.fsPath);
}

/** `mailTls.setConfigHost`: asks for a host name (empty removes it) and stores it for the root. */
export const setConfigHost = (ctx: MailTlsContext) => async (arg?: unknown, answer?: string): Promise<string | undefined> => {
  const root = rootOf(ctx, arg);
  const folder = root ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root)) : undefined;
  if (!root || !folder) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a config file of the workspace (or pick its folder in the Endpoint Explorer) to set its host.'));
    return undefined;
  }
  const key = path.relative(folder.uri.fsPath, root) || '.';
  const config = vscode.workspace.getConfiguration(SECTION, folder.uri);
  const current = config.inspect<Record<string, string>>('configHosts')?.workspaceFolderValue ?? {};
  const host =
    answer ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Host for the config in {0}', key),
      prompt: vscode.l10n.t('The machine this config describes: its wildcard listeners are probed there. Empty: the host is worked out from the config.'),
      value: current[key] ?? '',
      validateInput: (v) => (/^[A-Za-z0-9.:[\]-]*$/.test(v.trim()) ? undefined : vscode.l10n.t('A host name or address')),
    }));
  if (host === undefined) return undefined;
  const next = { ...current };
  if (host.trim() === '') delete next[key];
  else next[key] = host.trim();
  await config.update('configHosts', Object.keys(next).length > 0 ? next : undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  return host.trim();
};
