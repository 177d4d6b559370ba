// The latest probe result per target, with the time it arrived. The tree, the hover and the
// diagnostics all read from here and redraw on its change event.
import * as vscode from 'vscode';
import type { Severity } from '../../core/findings';
import type { ProbeResult } from '../../core/probe/types';
import { endpointStatus, type EndpointStatus } from '../../core/endpointStatus';

export interface StoredResult {
  result: ProbeResult;
  /** `Date.now()` when the probe finished. */
  receivedAt: number;
}

export type { EndpointStatus };

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

  /** The endpoint's status, with the findings that join its config and live result when given. */
  status(target: string, joined?: readonly { severity: Severity }[]): EndpointStatus {
    return endpointStatus({ running: this.running.has(target), errored: this.errors.has(target), result: this.results.get(target)?.result, joined });
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
