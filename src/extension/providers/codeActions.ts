// Quick fixes for the static findings that carry a safe edit (`ConfigFinding.fix`).
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { suppressionComment } from '../../core/config/suppressions';
import type { ConfigFinding } from '../../core/config/types';
import { CONFIG_LANGUAGES } from '../workspace/configSource';
import { DIAGNOSTIC_SOURCE, toRange } from './diagnostics';

export class ConfigQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly ctx: MailTlsContext) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    // A fix computed from older text would edit the wrong characters.
    if (ours.length === 0 || !this.ctx.index.isCurrent(document)) return [];
    const all = this.ctx.index.findingsIn(document.uri.fsPath);
    // Joined (live) findings carry fixes too; several may share an id and a line, so the message decides.
    const live = this.ctx.live.forFile(document.uri.fsPath).filter((f) => f.fix);
    const findings = [...all.filter((f) => f.fix), ...live];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const id = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      const any = all.find((f) => f.id === id && toRange(f.range).isEqual(diagnostic.range));
      if (any && !id.startsWith('mail-tls-')) actions.push(ignoreHere(document, diagnostic, any));
      const finding = findings.find((f) => f.id === id && f.message === diagnostic.message && toRange(f.range).isEqual(diagnostic.range));
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

/** "Ignore this finding here": a `# mail-tls-disable-next-line <id>` comment line above it. */
function ignoreHere(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, finding: ConfigFinding): vscode.CodeAction {
  const action = new vscode.CodeAction(vscode.l10n.t('Ignore this finding here ({0})', finding.id), vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  const line = document.lineAt(Math.min(finding.range.start.line, document.lineCount - 1));
  const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.insert(document.uri, new vscode.Position(line.lineNumber, 0), suppressionComment(finding, indent));
  return action;
}

export function registerCodeActions(ctx: MailTlsContext): void {
  const selector = CONFIG_LANGUAGES.map((language) => ({ language }));
  ctx.track(vscode.languages.registerCodeActionsProvider(selector, new ConfigQuickFixes(ctx), {
    providedCodeActionKinds: ConfigQuickFixes.kinds,
  }));
}
