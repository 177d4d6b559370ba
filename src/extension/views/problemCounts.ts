// The counts the Endpoint Explorer shows on a config root and on its activity-bar badge. They are
// read back from the diagnostics VS Code holds for the root's files, the same list the Problems
// panel counts, so the two cannot disagree (counting our findings instead would miss the joined
// live findings, the per-file cap and any edit not yet re-analysed).
import * as vscode from 'vscode';

export interface ProblemCounts {
  errors: number;
  warnings: number;
  infos: number;
}

/** Errors, warnings and infos on these files, as the Problems panel counts them (hints are not listed there). */
export function countProblems(files: Iterable<string>): ProblemCounts {
  const counts: ProblemCounts = { errors: 0, warnings: 0, infos: 0 };
  for (const file of new Set(files)) {
    for (const d of vscode.languages.getDiagnostics(vscode.Uri.file(file))) {
      if (d.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
      else if (d.severity === vscode.DiagnosticSeverity.Information) counts.infos++;
    }
  }
  return counts;
}

/** "2 errors, 1 warning"; infos only when there is nothing worse; "no problems" when empty. */
export function countsText(c: ProblemCounts): string {
  const parts: string[] = [];
  if (c.errors > 0) parts.push(c.errors === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', c.errors));
  if (c.warnings > 0) parts.push(c.warnings === 1 ? vscode.l10n.t('1 warning') : vscode.l10n.t('{0} warnings', c.warnings));
  if (parts.length === 0 && c.infos > 0) parts.push(c.infos === 1 ? vscode.l10n.t('1 info') : vscode.l10n.t('{0} infos', c.infos));
  return parts.length > 0 ? parts.join(', ') : vscode.l10n.t('no problems');
}

/** The view's badge: errors and warnings of every config root, none when there are none. */
export function problemsBadge(c: ProblemCounts): vscode.ViewBadge | undefined {
  const value = c.errors + c.warnings;
  if (value === 0) return undefined;
  return { value, tooltip: vscode.l10n.t('{0} errors and {1} warnings in the workspace mail configs (as in the Problems panel)', c.errors, c.warnings) };
}
