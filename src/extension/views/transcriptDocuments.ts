// Read-only documents (`mailtls-transcript:`) that show a probe's transcript; they follow the
// results store, so "Probe Again" refreshes an open transcript.
import * as vscode from 'vscode';
import type { ResultsStore } from '../probing/resultsStore';
import { transcriptText } from '../report/markdown';

export const TRANSCRIPT_SCHEME = 'mailtls-transcript';

export function transcriptUri(target: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path: `/${target.replace(/[^A-Za-z0-9.\-[\]]+/g, '_')}.log`, query: target });
}

export class TranscriptDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ResultsStore) {
    this.subscription = store.onDidChange((targets) => {
      for (const target of targets) this.changed.fire(transcriptUri(target));
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const stored = this.store.get(uri.query);
    return stored ? transcriptText(stored.result) : vscode.l10n.t('No probe result for {0} yet.', uri.query) + '\n';
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
