// The domain checks the editor knows: the latest result (or error) per domain and whether a
// check is running. The explorer and the renewed-certificate join read from here.
import * as vscode from 'vscode';
import type { DomainResult } from '../../core/domain';

export interface DomainEntry {
  domain: string;
  result?: DomainResult;
  error?: string;
  running: boolean;
  /** When the result or error arrived (ms since the epoch). */
  receivedAt?: number;
  /** The check asked the system's resolvers: what it saw of DNSSEC holds for this machine. */
  systemResolvers?: boolean;
}

export class DomainStore implements vscode.Disposable {
  private readonly entries = new Map<string, DomainEntry>();
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;

  get(domain: string): DomainEntry | undefined {
    return this.entries.get(domain);
  }

  all(): DomainEntry[] {
    return [...this.entries.values()];
  }

  results(): DomainResult[] {
    return this.all().flatMap((e) => (e.result ? [e.result] : []));
  }

  setRunning(domain: string, running: boolean): void {
    const entry = this.entries.get(domain) ?? { domain, running };
    entry.running = running;
    this.entries.set(domain, entry);
    this.changed.fire(domain);
  }

  setResult(domain: string, result: DomainResult, systemResolvers = false): void {
    this.entries.set(domain, { domain, result, running: false, receivedAt: Date.now(), systemResolvers });
    this.changed.fire(domain);
  }

  setError(domain: string, error: string): void {
    const previous = this.entries.get(domain);
    this.entries.set(domain, { ...previous, domain, error, running: false, receivedAt: Date.now() });
    this.changed.fire(domain);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
