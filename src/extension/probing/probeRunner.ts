// Runs probes with the person's settings, one endpoint of a batch at a time and at most two
// connections to a host across every batch (mail servers punish parallel scans), behind the
// trust gate, with progress and cancellation that destroys the sockets.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ProbeResult } from '../../core/probe/types';
import { readSettings } from '../settings';
import { HostLimiter, parseTarget, probe } from './engine';
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
      const caPems = new BatchFiles();
      try {
        for (const [index, request] of toRun.entries()) {
          if (abort.signal.aborted) break;
          progress.report({ message: `${request.target} (${index + 1}/${toRun.length})`, increment: 100 / toRun.length });
          await this.probeOne(request, abort.signal, outcome, caPems);
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

  private async probeOne(request: ProbeRequest, signal: AbortSignal, outcome: BatchOutcome, caPems: BatchFiles): Promise<void> {
    const settings = readSettings(request.resource);
    this.store.setRunning(request.target, true);
    const started = Date.now();
    try {
      const result = await probe(request.target, {
        signal,
        limiter: this.hosts.forHost(parseTarget(request.target).host, signal),
        timeouts: settings.timeouts,
        expiryWarningDays: settings.expiryWarningDays,
        checkInjection: settings.checkInjection,
        ...(settings.caFile ? { caFile: settings.caFile, caPem: await caPems.read(settings.caFile) } : {}),
      });
      if (signal.aborted) {
        this.log.info(`probe of ${request.target} cancelled`);
        return;
      }
      this.store.set(result);
      outcome.results.push(result);
      this.log.info(`probed ${request.target} in ${Date.now() - started} ms: ${result.ok ? 'TLS ' + (result.tls?.version ?? '?') : 'failed'}, ${result.findings.length} finding(s)`);
    } catch (err) {
      if (signal.aborted) {
        this.log.info(`probe of ${request.target} cancelled`);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.store.setError(request.target, message);
      outcome.errors.push({ target: request.target, message });
      this.log.error(`probe of ${request.target} failed: ${message}`);
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

/** Files read once per batch: the endpoints of a folder all name the same CA file. */
class BatchFiles {
  private readonly texts = new Map<string, Promise<string>>();

  read(path: string): Promise<string> {
    let text = this.texts.get(path);
    if (!text) {
      text = readFile(path, 'utf8');
      this.texts.set(path, text);
    }
    return text;
  }
}

function dedupe(requests: readonly ProbeRequest[]): ProbeRequest[] {
  const seen = new Map<string, ProbeRequest>();
  for (const r of requests) if (!seen.has(r.target)) seen.set(r.target, r);
  return [...seen.values()];
}
