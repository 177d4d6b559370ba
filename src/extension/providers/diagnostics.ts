// One DiagnosticCollection for the static config findings (re-analysed ~300 ms after an edit,
// see ConfigIndex) and the joined findings that appear once an endpoint has been probed.
import * as vscode from 'vscode';
import type { ConfigFinding, SourceRange } from '../../core/config/types';
import type { Severity } from '../../core/findings';
import { mergeFindings, sameFindings } from '../../core/live/mergeFindings';
import type { MailTlsContext } from '../context';
import { coalesce } from '../util/coalesce';

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

/** Results arrive in bursts (a workspace probe, an analysis per include): one update per burst. */
const UPDATE_DELAY_MS = 40;

export class DiagnosticsManager implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mailTls');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** What each file shows now, so an unchanged file is not sent to the editor again. */
  private readonly shown = new Map<string, readonly ConfigFinding[]>();
  /** A finding's diagnostic, made once: a file that gains one live finding keeps the others'. */
  private readonly diagnostics = new WeakMap<ConfigFinding, vscode.Diagnostic>();
  private generation = 0;

  constructor(private readonly ctx: MailTlsContext) {
    const schedule = coalesce(() => this.update(), UPDATE_DELAY_MS);
    this.disposables.push(schedule, ctx.index.onDidChange(schedule), ctx.live.onDidChange(schedule));
    this.update();
  }

  /** Collects every file's findings, then hands them to the editor one file per macrotask. */
  private update(): void {
    const generation = ++this.generation;
    const staticByFile = new Map<string, readonly ConfigFinding[]>();
    for (const result of this.ctx.index.results()) {
      for (const f of result.findings) if (!staticByFile.has(f.range.file)) staticByFile.set(f.range.file, this.ctx.index.findingsIn(f.range.file));
    }
    const targets = new Set(this.ctx.index.endpoints().map((e) => e.target));
    const byFile = mergeFindings(staticByFile, [...targets].flatMap((target) => this.ctx.live.forTarget(target)));
    for (const file of [...this.shown.keys()]) {
      if (byFile.has(file)) continue;
      this.collection.delete(vscode.Uri.file(file));
      this.shown.delete(file);
    }
    // A file of a thousand findings costs the host ~20 ms to convert and send; doing the files
    // one per turn of the event loop keeps each turn short.
    const queue = [...byFile];
    const next = () => {
      if (generation !== this.generation) return; // a newer update has taken over
      const entry = queue.shift();
      if (!entry) return;
      const [file, findings] = entry;
      const shown = this.shown.get(file);
      if (!shown || !sameFindings(shown, findings)) {
        this.shown.set(file, findings);
        this.collection.set(vscode.Uri.file(file), findings.map((f) => this.diagnosticOf(f)));
      }
      setImmediate(next);
    };
    setImmediate(next);
  }

  private diagnosticOf(finding: ConfigFinding): vscode.Diagnostic {
    let diagnostic = this.diagnostics.get(finding);
    if (!diagnostic) {
      diagnostic = toDiagnostic(finding);
      this.diagnostics.set(finding, diagnostic);
    }
    return diagnostic;
  }

  dispose(): void {
    this.generation++;
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
