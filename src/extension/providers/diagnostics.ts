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

/** Everything a finding's diagnostic shows: equal keys, equal diagnostics. */
function keyOf(finding: ConfigFinding): string {
  const { start, end } = finding.range;
  return `${finding.id}|${finding.severity}|${start.line}:${start.character}-${end.line}:${end.character}|${finding.message}|${finding.docUrl}`;
}

/** Whether two lists show the same; an analysis that did not change hands out the same objects. */
function sameFindings(a: readonly ConfigFinding[], b: readonly ConfigFinding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && keyOf(a[i]!) !== keyOf(b[i]!)) return false;
  return true;
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
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(private readonly ctx: MailTlsContext) {
    const schedule = () => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.update();
      }, UPDATE_DELAY_MS);
    };
    this.disposables.push(ctx.index.onDidChange(schedule), ctx.live.onDidChange(schedule));
    this.update();
  }

  /** Collects every file's findings, then hands them to the editor one file per macrotask. */
  private update(): void {
    const generation = ++this.generation;
    const byFile = new Map<string, ConfigFinding[]>();
    const files = new Set<string>();
    for (const result of this.ctx.index.results()) for (const f of result.findings) files.add(f.range.file);
    for (const file of files) byFile.set(file, this.ctx.index.findingsIn(file));
    for (const target of new Set(this.ctx.index.endpoints().map((e) => e.target))) {
      for (const finding of this.ctx.live.forTarget(target)) {
        const list = byFile.get(finding.range.file) ?? [];
        if (!list.some((d) => d.message === finding.message && d.range.start.line === finding.range.start.line)) list.push(finding);
        byFile.set(finding.range.file, list);
      }
    }
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
    clearTimeout(this.timer);
    this.generation++;
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
