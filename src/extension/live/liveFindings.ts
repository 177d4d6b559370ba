// Keeps the joined (config + live result) findings current: recomputed when a config is
// re-analysed, a probe finishes or the settings change. The tree and the diagnostics read it.
import * as vscode from 'vscode';
import type { DomainStore } from '../domain/domainStore';
import type { ResultsStore } from '../probing/resultsStore';
import { onDidChangeSettings, readSettings } from '../settings';
import type { ConfigIndex } from '../workspace/configIndex';
import { joinCiphers } from '../../core/live/cipherJoin';
import { joinLive, type JoinEndpoint } from '../../core/live/joinFindings';
import type { ProbeResult } from '../../core/probe/types';
import { joinTlsa } from '../../core/live/tlsaJoin';
import type { LiveFinding } from '../../core/live/types';

const EXPIRY_DOC = 'https://www.postfix.org/TLS_README.html#server_cert_key';

export class LiveFindings implements vscode.Disposable {
  private findings: LiveFinding[] = [];
  private generation = 0;
  private computing: Promise<void> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly index: ConfigIndex, private readonly store: ResultsStore, private readonly log: vscode.LogOutputChannel, private readonly domains?: DomainStore) {
    const recompute = () => this.recompute();
    this.disposables.push(index.onDidChange(recompute), store.onDidChange(recompute), onDidChangeSettings(recompute));
    if (domains) this.disposables.push(domains.onDidChange(recompute));
  }

  forTarget(target: string): LiveFinding[] {
    return this.findings.filter((f) => f.target === target);
  }

  forFile(fsPath: string): LiveFinding[] {
    return this.findings.filter((f) => f.range.file === fsPath);
  }

  /** Resolves once the latest recomputation has finished (for tests and commands). */
  whenIdle(): Promise<void> {
    return this.computing;
  }

  private recompute(): void {
    const generation = ++this.generation;
    this.computing = this.compute(generation).catch((err: unknown) => {
      this.log.warn(`joining config and live results failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private async compute(generation: number): Promise<void> {
    const out: LiveFinding[] = [];
    const seen = new Set<string>();
    // Checked domains whose MX publishes TLSA: the configured certificate files are joined with them.
    const domainResults = this.domains?.results() ?? [];
    for (const analysis of this.index.results()) {
      if (domainResults.length > 0) {
        for (const endpoint of analysis.joins) {
          for (const finding of joinTlsa(endpoint, domainResults)) {
            const key = `${finding.id}|${finding.target}|${finding.range.file}|${finding.range.start.line}`;
            if (!seen.has(key)) out.push(finding);
            seen.add(key);
          }
        }
      }
      if (!analysis.endpoints.some((e) => this.store.get(e.target))) continue;
      const settings = readSettings(vscode.Uri.file(analysis.root));
      const probed: { endpoint: JoinEndpoint; result: ProbeResult }[] = [];
      for (const endpoint of analysis.joins) {
        const stored = this.store.get(endpoint.target);
        if (!stored) continue;
        probed.push({ endpoint, result: stored.result });
        for (const finding of joinLive(endpoint, stored.result, { expiryWarningDays: settings.expiryWarningDays, expiryDocUrl: EXPIRY_DOC })) {
          const key = `${finding.id}|${finding.target}|${finding.range.file}|${finding.range.start.line}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(finding);
        }
      }
      // The cipher findings: one per setting and class of suite (and endpoint), so the message is part of the key.
      for (const finding of joinCiphers(probed)) {
        const key = `${finding.id}|${finding.target}|${finding.range.file}|${finding.range.start.line}|${finding.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(finding);
      }
      if (generation !== this.generation) return;
    }
    if (generation !== this.generation) return;
    const before = JSON.stringify(this.findings);
    this.findings = out;
    if (JSON.stringify(out) !== before) this.changed.fire();
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
