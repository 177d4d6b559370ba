// The one place the extension calls the config core: reads go through open editors first (so
// diagnostics follow unsaved edits), are size-capped, and are reported for dependency tracking.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import { analyzePath } from '../../core/config';
import type { ConfigEndpoint, ConfigFinding } from '../../core/config/types';
import { readSettings } from '../settings';

export const CONFIG_LANGUAGES = ['postfix-main', 'postfix-master', 'dovecot'];

/**
 * Mail configs are a few KiB; past this only the start is analysed, so one odd file cannot
 * block the extension host (the sync core takes about 100 ms per MiB).
 */
export const MAX_ANALYSED_CHARS = 512 * 1024;

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

/** Undefined lets the core read the file itself; a large file is cut to its first part here. */
function readCapped(path: string): string | undefined {
  try {
    const size = statSync(path).size;
    if (size <= MAX_ANALYSED_CHARS) return undefined;
    const buffer = Buffer.alloc(MAX_ANALYSED_CHARS);
    const fd = openSync(path, 'r');
    try {
      const read = readSync(fd, buffer, 0, MAX_ANALYSED_CHARS, 0);
      return buffer.subarray(0, read).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
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
    if (open) {
      documentVersions.set(path, open.version);
      const text = open.getText();
      return text.length > MAX_ANALYSED_CHARS ? text.slice(0, MAX_ANALYSED_CHARS) : text;
    }
    return readCapped(path);
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
