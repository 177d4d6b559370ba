// What `activate()` returns: read access for other extensions and the integration tests.
import * as vscode from 'vscode';
import type { ProbeResult } from '../core/probe/types';
import type { DrawnSummary } from '../webview/messages';
import type { ActivationClock, ActivationTimes } from './activationClock';
import type { MailTlsContext } from './context';
import type { LiveFinding } from '../core/live/types';
import type { ConsentPrompt } from './probing/trustGate';
import type { DomainEntry } from './domain/domainStore';
import type { ExplorerView, TreeNode } from './views/endpointExplorer';

export interface MailTlsApi {
  /** The Endpoint Explorer's data provider (its getChildren is side-effect free). */
  readonly explorer: vscode.TreeDataProvider<TreeNode>;
  /** The latest check of a domain (Check Domain…), with its result or error. */
  domain(domain: string): DomainEntry | undefined;
  /** The latest result for a target, and when it arrived. */
  latest(target: string): { result: ProbeResult; receivedAt: number } | undefined;
  /** Fires when a result arrives or a probe starts. */
  readonly onDidChangeResults: vscode.Event<readonly string[]>;
  /** Joined (config + live) findings for a target. */
  liveFindings(target: string): LiveFinding[];
  /** Cancels every running probe; their sockets close. */
  cancelAll(): void;
  /** Resolves once config discovery, analysis and the joined findings are up to date. */
  whenIdle(): Promise<void>;
  /** How long activation took, measured inside the extension host. */
  activationTimes(): ActivationTimes;
  /** Only under the integration tests (extensionMode Test); undefined otherwise. */
  readonly testing: {
    setTrustHooks(hooks: { simulateUntrusted?: boolean; prompt?: ConsentPrompt | null }): void;
    /** Fires when the report webview has drawn, with what it found in its own DOM. */
    onDidDrawReport: vscode.Event<DrawnSummary & { roundTripMs: number }>;
    /** Clicks the report webview's link to a config line (the webview posts 'open', as for a person's click); false when no report is open. */
    clickReportLink(file: string, line: number): boolean;
    /** The badge the Endpoint Explorer's view shows now (errors and warnings of the config roots). */
    explorerBadge(): vscode.ViewBadge | undefined;
    /** The count decoration VS Code gets for a tree node's resource (a config root's). */
    explorerDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined;
  } | undefined;
}

export function createApi(ctx: MailTlsContext, { explorer, view, decorations }: ExplorerView, clock: ActivationClock): MailTlsApi {
  return {
    explorer,
    activationTimes: () => clock.times(),
    latest: (target) => ctx.store.get(target),
    domain: (domain) => ctx.domains.get(domain),
    onDidChangeResults: ctx.store.onDidChange,
    liveFindings: (target) => ctx.live.forTarget(target),
    cancelAll: () => ctx.runner.cancelAll(),
    whenIdle: async () => {
      await ctx.index.whenIdle();
      await ctx.live.whenIdle();
    },
    testing: ctx.isTestMode ? { setTrustHooks: (hooks) => ctx.gate.setTestHooks(hooks), onDidDrawReport: ctx.reports.onDidDraw, clickReportLink: (file, line) => ctx.reports.clickConfigLink(file, line), explorerBadge: () => view.badge, explorerDecoration: (uri) => decorations.provideFileDecoration(uri) } : undefined,
  };
}
