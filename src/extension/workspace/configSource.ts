// The one place the extension asks for a config analysis: it runs in the config worker (off
// the extension host's thread); unsaved editor buffers travel with the request, so diagnostics
// follow edits, and the result names every file read, for dependency tracking.
import * as vscode from 'vscode';
import { readConfigHosts, readSettings } from '../settings';
import type { AnalysisData } from './analysisJob';
import type { ConfigWorkerClient } from './workerClient';

export const CONFIG_LANGUAGES = ['postfix-main', 'postfix-master', 'dovecot'];

export interface AnalysisResult extends AnalysisData {
  /** The editor version of each open document the analysis read (absent: read from disk). */
  documentVersions: Map<string, number>;
}

/** Resolves undefined when the signal aborted (a newer analysis of the same root is due). */
/**
 * `readableRoots`: in an untrusted workspace, the workspace folders, the only places files are
 * opened (a config naming /etc/shadow as its certificate gets "not checked" instead).
 */
export async function analyzeConfig(worker: ConfigWorkerClient, fsPath: string, signal: AbortSignal, readableRoots?: string[]): Promise<AnalysisResult | undefined> {
  const overrides: Record<string, string> = {};
  const versions = new Map<string, number>();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme !== 'file') continue;
    versions.set(doc.uri.fsPath, doc.version);
    // A saved document reads the same from disk: only unsaved text is copied to the worker.
    if (doc.isDirty || doc.isUntitled) overrides[doc.uri.fsPath] = doc.getText();
  }
  const { expiryWarningDays, lintIgnore, caFile } = readSettings(vscode.Uri.file(fsPath));
  const data = await worker.analyze({ root: fsPath, overrides, expiryWarningDays, ...(lintIgnore.length ? { ignore: lintIgnore } : {}), ...(caFile ? { caFile } : {}), hosts: readConfigHosts(), ...(readableRoots ? { readableRoots } : {}) }, signal);
  if (!data) return undefined;
  const documentVersions = new Map<string, number>();
  for (const path of data.reads) {
    const version = versions.get(path);
    if (version !== undefined) documentVersions.set(path, version);
  }
  return { ...data, documentVersions };
}
