// The count at the right of a config root in the Endpoint Explorer, coloured as the Problems
// panel colours it. A root is a folder of several files: VS Code's own decoration of one file
// (main.cf) would count only that file, so a root node carries a URI of its own and this
// provider decorates it with the errors and warnings of all the root's files.
import * as vscode from 'vscode';
import type { ConfigRoot } from '../workspace/configIndex';
import { countProblems, type ProblemCounts } from './problemCounts';

export const ROOT_SCHEME = 'mail-tls-root';

/** The URI a root node carries: its directory, and which server (a folder may hold both). */
export function rootUri(root: Pick<ConfigRoot, 'server' | 'directory'>): vscode.Uri {
  return vscode.Uri.from({ scheme: ROOT_SCHEME, path: root.directory, query: root.server });
}

/** Two characters at most, as VS Code's decorations allow. */
function badgeText(n: number): string {
  return n < 100 ? String(n) : '99';
}

export function rootDecoration(counts: ProblemCounts): vscode.FileDecoration | undefined {
  const n = counts.errors + counts.warnings;
  if (n === 0) return undefined;
  const decoration = new vscode.FileDecoration(
    badgeText(n),
    vscode.l10n.t('{0} errors, {1} warnings in this config root', counts.errors, counts.warnings),
    new vscode.ThemeColor(counts.errors > 0 ? 'list.errorForeground' : 'list.warningForeground'),
  );
  decoration.propagate = false;
  return decoration;
}

export class RootDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;

  constructor(private readonly roots: () => readonly ConfigRoot[]) {}

  /** The diagnostics or the roots changed: every root's count may have. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== ROOT_SCHEME) return undefined;
    const root = this.roots().find((r) => r.directory === uri.path && r.server === uri.query);
    return root ? rootDecoration(countProblems(root.files)) : undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
