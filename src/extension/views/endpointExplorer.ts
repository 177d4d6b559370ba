// The Endpoint Explorer: endpoints from the `mailTls.endpoints` setting and from the workspace's
// configs (one group per config root: a Postfix or Dovecot directory, each endpoint once, with
// the host the root describes and its problem counts). getChildren only reads memory: probing,
// file reads and diagnostics happen elsewhere and arrive through change events.
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { canonicalTarget } from '../probing/engine';
import { onDidChangeSettings, readSettingsEndpoints } from '../settings';
import type { DeclaredEndpoint } from '../workspace/configIndex';
import { countProblems, problemsBadge } from './problemCounts';
import { RootDecorations } from './rootDecorations';
import { DomainsGroupNode, type DomainTreeNode } from '../domain/domainNodes';
import { readSettingsDomains } from '../domain/domainSettings';
import { coalesce } from '../util/coalesce';
import {
  ChainNode, ConfigRootNode, EndpointNode, ErrorNode, FindingsNode, NegotiatedNode, SettingsGroupNode,
  TranscriptNode, VersionsNode, KeyExchangeNode, OcspNode, type EndpointData, type ExplorerNode,
} from './explorerNodes';

export const VIEW_ID = 'mailTls.endpoints';
/** Results show their age ("5 min ago"); redraw now and then so it stays true. */
const AGE_REFRESH_MS = 60_000;
/** Changes arriving within this window redraw the tree once (a large probe run sends hundreds). */
const REFRESH_COALESCE_MS = 100;

/** The view's nodes: the endpoint nodes and the domain nodes. */
export type TreeNode = ExplorerNode | DomainTreeNode;

export class EndpointExplorer implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly ctx: MailTlsContext) {
    const refresh = coalesce(() => this.changed.fire(undefined), REFRESH_COALESCE_MS);
    this.disposables.push(
      refresh,
      ctx.store.onDidChange(refresh),
      ctx.index.onDidChange(refresh),
      ctx.live.onDidChange(refresh),
      ctx.domains.onDidChange(refresh),
      onDidChangeSettings(refresh),
      // The roots' counts are read from the diagnostics VS Code holds: redraw when they change.
      vscode.languages.onDidChangeDiagnostics(refresh),
    );
    const timer = setInterval(() => {
      if (ctx.store.all().length > 0) refresh();
    }, AGE_REFRESH_MS);
    this.disposables.push(new vscode.Disposable(() => {
      clearInterval(timer);
    }));
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    return element;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.parent;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (!element) return this.roots();
    if (element.kind === 'domainsGroup' || element.kind === 'domain' || element.kind === 'domainDetail') return element.children();
    switch (element.kind) {
      case 'settingsGroup':
        return element.endpoints.map((target) => new EndpointNode(element, this.endpointData(target, undefined)));
      case 'configRoot':
        return element.endpoints.map((e) => new EndpointNode(element, this.endpointData(e.target, e)));
      case 'endpoint':
        return this.endpointChildren(element);
      case 'versions':
      case 'version':
      case 'chain':
      case 'findings':
        return element.children();
      default:
        return [];
    }
  }

  private roots(): TreeNode[] {
    const roots: TreeNode[] = [];
    const fromSettings = [...new Set(readSettingsEndpoints().map((e) => canonicalTarget(e.target) ?? e.target))];
    if (fromSettings.length > 0) roots.push(new SettingsGroupNode(fromSettings));
    const domains = this.domainsGroup();
    if (domains) roots.push(domains);
    for (const root of this.ctx.index.configRoots()) roots.push(new ConfigRootNode(root, countProblems(root.files)));
    return roots;
  }

  /** The domains from the settings, then those checked by hand; none: no group. */
  private domainsGroup(): DomainsGroupNode | undefined {
    const listed = readSettingsDomains().map((d) => ({ ...d, entry: this.ctx.domains.get(d.domain) }));
    const known = new Set(listed.map((d) => d.domain));
    const typed = this.ctx.domains.all().filter((e) => !known.has(e.domain)).map((entry) => ({ domain: entry.domain, origin: 'typed' as const, entry }));
    const all = [...listed, ...typed];
    return all.length > 0 ? new DomainsGroupNode(all) : undefined;
  }

  private endpointData(target: string, declaration: DeclaredEndpoint | undefined): EndpointData {
    return {
      target,
      status: this.ctx.endpointStatus(target),
      stored: this.ctx.store.get(target),
      error: this.ctx.store.error(target),
      live: this.ctx.live.forTarget(target),
      declaration,
    };
  }

  private endpointChildren(node: EndpointNode): ExplorerNode[] {
    const { stored, error } = node.data;
    if (error && !stored) return [new ErrorNode(node, error.message)];
    if (!stored) return [];
    const result = stored.result;
    const children: ExplorerNode[] = [new NegotiatedNode(node, result), new VersionsNode(node, result)];
    if (result.ciphers) children.push(new KeyExchangeNode(node, result.ciphers));
    if (result.ocsp) children.push(new OcspNode(node, result.ocsp));
    if (result.certificate) children.push(new ChainNode(node, result));
    children.push(new FindingsNode(node, result.findings, node.data.live));
    children.push(new TranscriptNode(node, result));
    return children;
  }

  /** The activity-bar badge: errors and warnings of every config root, read from VS Code's diagnostics. */
  badge(): vscode.ViewBadge | undefined {
    return problemsBadge(countProblems(this.ctx.index.configRoots().flatMap((r) => r.files)));
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

export interface ExplorerView {
  explorer: EndpointExplorer;
  view: vscode.TreeView<TreeNode>;
  decorations: RootDecorations;
}

export function registerExplorer(ctx: MailTlsContext): ExplorerView {
  const explorer = ctx.track(new EndpointExplorer(ctx));
  const view = ctx.track(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: explorer, showCollapseAll: true }));
  const decorations = ctx.track(new RootDecorations(() => ctx.index.configRoots()));
  ctx.track(vscode.window.registerFileDecorationProvider(decorations));
  const updateCounts = ctx.track(coalesce(() => {
    view.badge = explorer.badge();
    decorations.refresh();
  }, REFRESH_COALESCE_MS));
  ctx.track(vscode.languages.onDidChangeDiagnostics(updateCounts));
  ctx.track(ctx.index.onDidChange(updateCounts));
  return { explorer, view, decorations };
}
