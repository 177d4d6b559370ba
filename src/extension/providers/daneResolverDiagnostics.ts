// The validating-resolver warning on `smtp_tls_security_level = dane`: a diagnostic of its own
// collection, recomputed when a config is analysed or a domain check arrives (pure join in core).
import * as vscode from 'vscode';
import { joinDaneResolver } from '../../core/live/daneResolverJoin';
import type { MailTlsContext } from '../context';
import { toDiagnostic } from './diagnostics';

export class DaneResolverDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mailTls-dane-resolver');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly ctx: MailTlsContext) {
    const update = () => this.update();
    this.disposables.push(ctx.index.onDidChange(update), ctx.domains.onDidChange(update));
  }

  private update(): void {
    const evidence = this.ctx.domains.all().flatMap((e) => (e.result ? [{
      domain: e.domain, servers: e.result.resolver.servers, validates: e.result.resolver.validates, systemResolvers: e.systemResolvers === true,
    }] : []));
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const result of this.ctx.index.results()) {
      if (!result.outboundDane) continue;
      for (const finding of joinDaneResolver(result.outboundDane, evidence)) {
        const list = byFile.get(finding.range.file) ?? [];
        if (!list.some((d) => d.message === finding.message)) list.push(toDiagnostic(finding));
        byFile.set(finding.range.file, list);
      }
    }
    this.collection.clear();
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
