// The editor's side of the core's batch runner (probeMany): the trust gate before, the person's
// settings per folder, one endpoint of a batch at a time and at most two connections to a host
// across every batch (mail servers punish parallel scans); progress and cancellation become an
// AbortSignal that destroys the sockets, results go to the store.
import * as vscode from 'vscode';
import type { ProbeResult } from '../../core/probe/types';
import { readSettings, type MailTlsSettings } from '../settings';
import { HostLimiter, parseTarget, probeMany } from './engine';
import type { ResultsStore } from './resultsStore';
import type { TrustGate } from './trustGate';

export interface ProbeRequest {
  target: string;
  /** The config file that declares it: its folder's settings apply. */
  resource?: vscode.Uri;
}

export interface BatchOutcome {
  results: ProbeResult[];
  /** Targets the person did not allow (untrusted workspace). */
  declined: string[];
  errors: { target: string; message: string }[];
  cancelled: boolean;
}

export interface RunOptions {
  /** `notification` shows a cancellable notification; `window` a status-bar spinner. */
  progress: 'notification' | 'window';
  token?: vscode.CancellationToken;
}

export class ProbeRunner implements vscode.Disposable {
  private readonly inFlight = new Set<AbortController>();
  /** One cap per host for every probe the editor runs, whichever command started it. */
  private readonly hosts = new HostLimiter();

  constructor(
    private readonly store: ResultsStore,
    private readonly gate: TrustGate,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(requests: readonly ProbeRequest[], options: RunOptions): Promise<BatchOutcome> {
    const unique = dedupe(requests);
    const outcome: BatchOutcome = { results: [], declined: [], errors: [], cancelled: false };
    if (unique.length === 0) return outcome;
    const { allowed, declined } = await this.gate.filter(unique.map((r) => r.target));
    outcome.declined = declined;
    for (const target of declined) this.log.info(`not probing ${target}: the untrusted workspace names it and consent was not given`);
    const toRun = unique.filter((r) => allowed.includes(r.target));
    if (toRun.length === 0) return outcome;
    this.store.beginBatch(toRun.map((r) => r.target));

    const title = toRun.length === 1
      ? vscode.l10n.t('Probing {0}', toRun[0]!.target)
      : vscode.l10n.t('Probing {0} endpoints', toRun.length);
    const location = options.progress === 'notification' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    await vscode.window.withProgress({ location, title, cancellable: true }, async (progress, progressToken) => {
      const abort = new AbortController();
      this.inFlight.add(abort);
      const subscriptions = [progressToken, options.token].map((t) => t?.onCancellationRequested(() => abort.abort()));
      let started = 0;
      const report = (target: string) => progress.report({ message: `${target} (${++started}/${toRun.length})`, increment: 100 / toRun.length });
      try {
        // Endpoints of one folder share its settings (timeouts, CA file): one engine run each.
        for (const group of bySettings(toRun)) {
          if (abort.signal.aborted) break;
          // The cipher scan is about one connection per accepted suite: by default only when
          // a single endpoint is probed, not for the whole workspace.
          const ciphers = group.settings.cipherScan === 'always' || (group.settings.cipherScan === 'single' && toRun.length === 1);
          await this.runGroup(group, abort.signal, outcome, report, ciphers);
        }
      } finally {
        outcome.cancelled = abort.signal.aborted;
        for (const s of subscriptions) s?.dispose();
        this.inFlight.delete(abort);
        for (const r of toRun) if (this.store.isRunning(r.target)) this.store.setRunning(r.target, false);
      }
    });
    return outcome;
  }

  /** The core's batch runner, one endpoint at a time: its start shows progress, its results go to the store. */
  private async runGroup(group: SettingsGroup, signal: AbortSignal, outcome: BatchOutcome, report: (target: string) => void, ciphers: boolean): Promise<void> {
    const { settings, requests } = group;
    const startedAt = new Map<string, number>();
    const failed = (target: string, err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.store.setError(target, message);
      outcome.errors.push({ target, message });
      this.log.error(`probe of ${target} failed: ${message}`);
    };
    // A target that does not parse fails alone, not the whole group.
    const targets: string[] = [];
    for (const { target } of requests) {
      try {
        parseTarget(target);
        targets.push(target);
      } catch (err) {
        failed(target, err);
      }
    }
    if (targets.length === 0) return;
    this.log.info(caFileLine(settings.caFile, targets.length));
    try {
      await probeMany(targets, {
        signal,
        hosts: this.hosts,
        concurrency: 1,
        timeouts: settings.timeouts,
        expiryWarningDays: settings.expiryWarningDays,
        checkInjection: settings.checkInjection,
        ciphers,
        ...(settings.caFile ? { caFile: settings.caFile } : {}),
        onStart: (_target, index) => {
          const target = targets[index]!;
          report(target);
          startedAt.set(target, Date.now());
          this.store.setRunning(target, true);
        },
        onResult: (result, index) => {
          const target = targets[index]!;
          this.store.set(result);
          outcome.results.push(result);
          this.log.info(`probed ${target} in ${Date.now() - (startedAt.get(target) ?? Date.now())} ms: ${result.ok ? 'TLS ' + (result.tls?.version ?? '?') : 'failed'}, ${result.findings.length} finding(s)`);
        },
        onError: (err, index) => failed(targets[index]!, err),
      });
    } catch (err) {
      if (signal.aborted) {
        for (const target of startedAt.keys()) if (this.store.isRunning(target)) this.log.info(`probe of ${target} cancelled`);
        return;
      }
      // The run failed as a whole (the CA file cannot be read): every endpoint of the group did.
      for (const target of targets) failed(target, err);
    }
  }

  /** Cancels every running probe (their sockets close). */
  cancelAll(): void {
    for (const abort of this.inFlight) abort.abort();
  }

  dispose(): void {
    this.cancelAll();
  }
}

/**
 * Which CA file a run trusts besides the system roots. mailTls.caFile names a file on the machine
 * the probes run on (machine-overridable): in a remote window it comes from the Remote settings,
 * and a path in the User settings of the machine in front of you does not apply, so say so.
 */
export function caFileLine(caFile: string | undefined, count: number, remoteName = vscode.env.remoteName): string {
  if (caFile) return `probing ${count} endpoint(s) with the CA file ${caFile} (mailTls.caFile) besides the system roots`;
  const remote = remoteName ? `; this is a remote window (${remoteName}): mailTls.caFile is read from its Remote or workspace settings, not from your local User settings` : '';
  return `probing ${count} endpoint(s) with the system roots only (no mailTls.caFile)${remote}`;
}

interface SettingsGroup {
  settings: MailTlsSettings;
  requests: ProbeRequest[];
}

/** Requests grouped by the settings that apply to them, in the order each group first appears. */
function bySettings(requests: readonly ProbeRequest[]): SettingsGroup[] {
  const groups = new Map<string, SettingsGroup>();
  // Resource settings differ by workspace folder only: read them once per folder, not once per
  // request (a workspace run of a hundred endpoints would hold the host for each read).
  const byFolder = new Map<string, MailTlsSettings>();
  for (const request of requests) {
    const folder = request.resource ? vscode.workspace.getWorkspaceFolder(request.resource)?.uri.toString() ?? request.resource.toString() : '';
    const settings = byFolder.get(folder) ?? readSettings(request.resource);
    byFolder.set(folder, settings);
    const key = JSON.stringify([settings.timeouts, settings.expiryWarningDays, settings.checkInjection, settings.cipherScan, settings.caFile]);
    const group = groups.get(key) ?? { settings, requests: [] };
    group.requests.push(request);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function dedupe(requests: readonly ProbeRequest[]): ProbeRequest[] {
  const seen = new Map<string, ProbeRequest>();
  for (const r of requests) if (!seen.has(r.target)) seen.set(r.target, r);
  return [...seen.values()];
}
