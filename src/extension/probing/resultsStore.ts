// The latest probe result per target, with the time it arrived. The tree, the hover and the
// diagnostics all read from here and redraw on its change event.
import * as vscode from 'vscode';
import type { ProbeResult } from '../../core/probe/types';
import { hasError } from '../../core/findings';

export interface StoredResult {
  result: ProbeResult;
  /** `Date.now()` when the probe finished. */
  receivedAt: number;
}

export type EndpointStatus = 'unprobed' | 'running' | 'passed' | 'warning' | 'failed';

/** A probe that could not produce a result (bad target, engine error). */
export interface StoredError {
  message: string;
  receivedAt: number;
}

export class ResultsStore implements vscode.Disposable {
  private readonly results = new Map<string, StoredResult>();
  private readonly errors = new Map<string, StoredError>();
  private readonly running = new Set<string>();
  private lastBatch: string[] = [];
  private readonly changed = new vscode.EventEmitter<readonly string[]>();
  /** Fires with the targets whose result or running state changed. */
  readonly onDidChange = this.changed.event;

  get(target: string): StoredResult | undefined {
    return this.results.get(target);
  }

  error(target: string): StoredError | undefined {
    return this.errors.get(target);
  }

  all(): StoredResult[] {
    return [...this.results.values()].sort((a, b) => a.result.target.localeCompare(b.result.target));
  }

  isRunning(target: string): boolean {
    return this.running.has(target);
  }

  status(target: string): EndpointStatus {
    if (this.running.has(target)) return 'running';
    if (this.errors.has(target)) return 'failed';
    const stored = this.results.get(target);
    if (!stored) return 'unprobed';
    return statusOf(stored.result);
  }

  /** The targets of the last batch the user started, for "Probe Again". */
  get lastTargets(): readonly string[] {
    return this.lastBatch;
  }

  beginBatch(targets: readonly string[]): void {
    this.lastBatch = [...targets];
  }

  setRunning(target: string, running: boolean): void {
    if (running) this.running.add(target);
    else this.running.delete(target);
    this.changed.fire([target]);
  }

  set(result: ProbeResult, receivedAt = Date.now()): void {
    this.results.set(result.target, { result, receivedAt });
    this.errors.delete(result.target);
    this.running.delete(result.target);
    this.changed.fire([result.target]);
  }

  setError(target: string, message: string, receivedAt = Date.now()): void {
    this.errors.set(target, { message, receivedAt });
    this.results.delete(target);
    this.running.delete(target);
    this.changed.fire([target]);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function statusOf(result: ProbeResult): Exclude<EndpointStatus, 'unprobed' | 'running'> {
  if (!result.ok || hasError(result.findings)) return 'failed';
  return result.findings.some((f) => f.severity === 'warning') ? 'warning' : 'passed';
}
