// Quick fixes for the static findings that carry a safe edit (`ConfigFinding.fix`).
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { CONFIG_LANGUAGES } from '../workspace/configSource';
import { DIAGNOSTIC_SOURCE, toRange } from './diagnostics';

export class ConfigQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly ctx: MailTlsContext) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    // A fix computed from older text would edit the wrong characters.
    if (ours.length === 0 || !this.ctx.index.isCurrent(document)) return [];
    const findings = this.ctx.index.findingsIn(document.uri.fsPath).filter((f) => f.fix);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const id = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      const finding = findings.find((f) => f.id === id && toRange(f.range).isEqual(diagnostic.range));
      if (!finding?.fix) continue;
      const action = new vscode.CodeAction(finding.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(vscode.Uri.file(finding.fix.range.file), toRange(finding.fix.range), finding.fix.newText);
      actions.push(action);
    }
    return actions;
  }
}

export function registerCodeActions(ctx: MailTlsContext): void {
  const selector = CONFIG_LANGUAGES.map((language) => ({ language }));
  ctx.track(vscode.languages.registerCodeActionsProvider(selector, new ConfigQuickFixes(ctx), {
    providedCodeActionKinds: ConfigQuickFixes.kinds,
  }));
}
