// One DiagnosticCollection for the static config findings (re-analysed ~300 ms after an edit,
// see ConfigIndex) and the joined findings that appear once an endpoint has been probed.
import * as vscode from 'vscode';
import type { ConfigFinding, SourceRange } from '../../core/config/types';
import type { Severity } from '../../core/findings';
import type { MailTlsContext } from '../context';

export const DIAGNOSTIC_SOURCE = 'Mail TLS';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/** A few dozen documentation links serve thousands of findings: parse each once. */
const docUris = new Map<string, vscode.Uri>();
function docUri(url: string): vscode.Uri {
  let uri = docUris.get(url);
  if (!uri) {
    uri = vscode.Uri.parse(url);
    docUris.set(url, uri);
  }
  return uri;
}

export function toDiagnostic(finding: ConfigFinding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITY[finding.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.id, target: docUri(finding.docUrl) };
  return diagnostic;
}

export class DiagnosticsManager implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mailTls');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly ctx: MailTlsContext) {
    const update = () => this.update();
    this.disposables.push(ctx.index.onDidChange(update), ctx.live.onDidChange(update));
    update();
  }

  private update(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const files = new Set<string>();
    for (const result of this.ctx.index.results()) for (const f of result.findings) files.add(f.range.file);
    for (const file of files) byFile.set(file, this.ctx.index.findingsIn(file).map(toDiagnostic));
    for (const target of new Set(this.ctx.index.endpoints().map((e) => e.target))) {
      for (const finding of this.ctx.live.forTarget(target)) {
        const list = byFile.get(finding.range.file) ?? [];
        if (!list.some((d) => d.message === finding.message && d.range.start.line === finding.range.start.line)) list.push(toDiagnostic(finding));
        byFile.set(finding.range.file, list);
      }
    }
    const stale: vscode.Uri[] = [];
    this.collection.forEach((uri) => {
      if (!byFile.has(uri.fsPath)) stale.push(uri);
    });
    for (const uri of stale) this.collection.delete(uri);
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
