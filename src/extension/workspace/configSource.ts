// The one place the extension calls the config core: reads go through open editors first (so
// diagnostics follow unsaved edits), are size-capped, and are reported for dependency tracking.
import * as vscode from 'vscode';
import { analyzePath } from '../../core/config';
import type { ConfigEndpoint, ConfigFinding } from '../../core/config/types';
import { readSettings } from '../settings';

export const CONFIG_LANGUAGES = ['postfix-main', 'postfix-master', 'dovecot'];

/** Larger buffers are not mail configs: only their start is analysed (the core caps disk reads). */
export const MAX_EDITOR_CHARS = 2 * 1024 * 1024;

export type ConfigAnalysis = Awaited<ReturnType<typeof analyzePath>>[number];

export interface AnalysisResult {
  /** The file the analysis started from. */
  root: string;
  analyses: ConfigAnalysis[];
  findings: ConfigFinding[];
  endpoints: ConfigEndpoint[];
  /** The editor version of each open document the analysis read (absent: read from disk). */
  documentVersions: Map<string, number>;
}

export async function analyzeConfig(
  fsPath: string,
  options: { signal: AbortSignal; onRead: (fsPath: string) => void },
): Promise<AnalysisResult> {
  const documentVersions = new Map<string, number>();
  // The core reads the disk itself when this returns undefined; open editors win.
  const readText = (path: string): string | undefined => {
    options.onRead(path);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
    if (!open) return undefined;
    documentVersions.set(path, open.version);
    const text = open.getText();
    return text.length > MAX_EDITOR_CHARS ? text.slice(0, MAX_EDITOR_CHARS) : text;
  };
  const { expiryWarningDays } = readSettings(vscode.Uri.file(fsPath));
  const analyses = analyzePath(fsPath, { readText, signal: options.signal, expiryWarningDays });
  return {
    root: fsPath,
    analyses,
    findings: analyses.flatMap((a) => a.findings),
    endpoints: analyses.flatMap((a) => a.endpoints),
    documentVersions,
  };
}
