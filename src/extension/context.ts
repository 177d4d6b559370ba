// The extension's context: builds the shared services once and owns every disposable, so
// deactivation releases sockets, watchers and listeners in one place.
import * as vscode from 'vscode';
import { DomainStore } from './domain/domainStore';
import { LiveFindings } from './live/liveFindings';
import { canonicalTarget } from './probing/engine';
import { ProbeRunner, type ProbeRequest } from './probing/probeRunner';
import { ResultsStore, type EndpointStatus } from './probing/resultsStore';
import { TrustGate } from './probing/trustGate';
import { ReportPanels } from './report/reportPanel';
import { readSettingsEndpoints } from './settings';
import { ConfigIndex } from './workspace/configIndex';

export class MailTlsContext implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly store: ResultsStore;
  readonly index: ConfigIndex;
  readonly gate: TrustGate;
  readonly runner: ProbeRunner;
  /** Findings that join a config with the live result of its endpoints. */
  readonly live: LiveFindings;
  /** Domain checks (Check Domain…, `mailTls.domains`). */
  readonly domains: DomainStore;
  /** The report webview. */
  readonly reports: ReportPanels;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.track(vscode.window.createOutputChannel('Mail TLS Inspector', { log: true }));
    this.store = this.track(new ResultsStore());
    this.gate = this.track(new TrustGate((target) => this.isWorkspaceDeclared(target)));
    this.index = this.track(new ConfigIndex(this.log, vscode.Uri.joinPath(extension.extensionUri, 'dist', 'configWorker.js').fsPath, this.gate));
    this.runner = this.track(new ProbeRunner(this.store, this.gate, this.log));
    this.domains = this.track(new DomainStore());
    this.live = this.track(new LiveFindings(this.index, this.store, this.log, this.domains));
    this.reports = this.track(new ReportPanels(this));
  }

  get isTestMode(): boolean {
    return this.extension.extensionMode === vscode.ExtensionMode.Test;
  }

  track<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  /** Targets a workspace file names: a config's listener or a workspace `mailTls.endpoints` value. */
  isWorkspaceDeclared(target: string): boolean {
    if (this.index.declares(target)) return true;
    return readSettingsEndpoints().some((e) => e.origin === 'workspace' && canonicalTarget(e.target) === target);
  }

  /** The store's status, made worse by the joined findings. */
  endpointStatus(target: string): EndpointStatus {
    return this.store.status(target, this.live.forTarget(target));
  }

  /** Every endpoint the explorer lists: settings first, then the workspace configs'. */
  allProbeRequests(): ProbeRequest[] {
    const requests: ProbeRequest[] = [];
    for (const e of readSettingsEndpoints()) {
      const target = canonicalTarget(e.target);
      if (target) requests.push({ target });
    }
    // An endpoint on a host nobody named is listed, never probed.
    for (const e of this.index.endpoints()) if (e.host.known) requests.push({ target: e.target, resource: e.fileUri });
    return requests;
  }

  dispose(): void {
    // Last created first: the runner cancels its probes before the store goes away.
    for (const d of this.disposables.reverse()) d.dispose();
    this.disposables.length = 0;
  }
}
