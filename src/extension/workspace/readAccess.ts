// Which local files the extension may read for a workspace's sake: any in a trusted workspace;
// in restricted mode only files inside a workspace folder (a config naming /etc/... must not
// make the editor read the machine's files before the person trusts the folder).
import { relative, isAbsolute } from 'node:path';
import * as vscode from 'vscode';

export function isInsideWorkspace(fsPath: string): boolean {
  return (vscode.workspace.workspaceFolders ?? []).some((folder) => {
    if (folder.uri.scheme !== 'file') return false;
    const rel = relative(folder.uri.fsPath, fsPath);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** A predicate for the core's readers; `trusted` is the gate's view (tests can simulate restricted mode). */
export function readPolicy(trusted: boolean): (fsPath: string) => boolean {
  return trusted ? () => true : isInsideWorkspace;
}
