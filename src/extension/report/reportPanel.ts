// The report webview: one panel (like the Markdown preview) showing the endpoints asked for,
// redrawn when their results change. Strict CSP with a nonce; the script comes from media/
// only; the data goes over postMessage and the webview builds its DOM from text.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { domainReportInput, reportInput, type LocatedFinding, type ReportInput } from '../../core/report';
import { WEBVIEW_CSS } from '../../core/report/styles';
import type { DrawnSummary, FromWebview, ToWebview } from '../../webview/messages';
import type { MailTlsContext } from '../context';

export const REPORT_VIEW_TYPE = 'mailTls.report';

export class ReportPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private targets: string[] = [];
  /** Domains shown (their MX and SRV endpoints come with them); empty for an endpoint report. */
  private domains: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private panelDisposables: vscode.Disposable[] = [];
  private readonly drawn = new vscode.EventEmitter<DrawnSummary & { roundTripMs: number }>();
  /** Fires each time the webview has drawn a report (the integration tests wait on it). */
  readonly onDidDraw = this.drawn.event;
  private pendingCard: ((dataUrl: string) => void) | undefined;
  /** Resolves once the webview's script runs (again after each hide: a hidden webview is discarded). */
  private ready!: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(private readonly ctx: MailTlsContext) {
    this.disposables.push(
      this.drawn,
      ctx.store.onDidChange((targets) => {
        if (this.panel && targets.some((t) => this.targets.includes(t))) this.post();
      }),
      ctx.live.onDidChange(() => this.panel && this.post()),
      ctx.domains.onDidChange((domain) => this.panel && this.domains.includes(domain) && this.post()),
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const input = (state as { input?: ReportInput } | undefined)?.input;
          const domains = input?.domains?.map((d) => d.domain) ?? [];
          this.adopt(panel, domains.length ? [] : input?.endpoints.map((e) => e.result.target) ?? [], domains);
        },
      }),
    );
  }

  get visibleTargets(): readonly string[] {
    return this.panel ? this.targets : [];
  }

  /** Shows the report for `targets` (their stored results), or for checked domains, reusing the open panel. */
  show(targets: string[], domains: string[] = []): void {
    if (this.panel) {
      this.targets = targets;
      this.domains = domains;
      this.panel.title = this.title();
      this.panel.reveal(undefined, false);
      this.post();
      return;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, '', vscode.ViewColumn.Active, this.options());
    this.adopt(panel, targets, domains);
  }

  get visibleDomains(): readonly string[] {
    return this.panel ? this.domains : [];
  }

  /** The report as the exported file shows it (same data, same renderer). */
  input(targets: readonly string[], domains: readonly string[] = []): ReportInput {
    if (domains.length) {
      const checked = domains.map((d) => this.ctx.domains.get(d)?.result).filter((r) => r !== undefined);
      return domainReportInput(checked, { located: (target) => this.located(target) });
    }
    const results = targets.map((t) => this.ctx.store.get(t)?.result).filter((r) => r !== undefined);
    return reportInput(results, { located: (target) => this.located(target) });
  }

  /** Under the integration tests: has the webview click its link to `file` at `line`; false when no report is open. */
  clickConfigLink(file: string, line: number): boolean {
    if (!this.panel) return false;
    void this.panel.webview.postMessage({ type: 'click-link', file, line } satisfies ToWebview);
    return true;
  }

  /** Asks the webview to draw the grade card of an endpoint or a checked domain on a canvas; resolves with the PNG bytes. */
  async cardPng(target: string): Promise<Uint8Array> {
    const shown = this.targets.includes(target) || this.domains.includes(target) || this.input(this.targets, this.domains).endpoints.some((e) => e.result.target === target);
    if (shown) this.show(this.targets, this.domains);
    else if (this.ctx.domains.get(target)?.result) this.show([], [target]);
    else this.show([target]);
    await this.ready;
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the report did not draw the card in time')), 15_000);
      this.pendingCard = (url) => {
        clearTimeout(timer);
        resolve(url);
      };
      void this.panel!.webview.postMessage({ type: 'draw-card', target } satisfies ToWebview);
    });
    return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media')],
    };
  }

  private title(): string {
    if (this.domains.length) return vscode.l10n.t('Report: {0}', this.domains.join(', '));
    return this.targets.length === 1 ? vscode.l10n.t('Report: {0}', this.targets[0]!) : vscode.l10n.t('Mail TLS Report ({0} endpoints)', this.targets.length);
  }

  private adopt(panel: vscode.WebviewPanel, targets: string[], domains: string[] = []): void {
    this.panel = panel;
    this.targets = targets;
    this.domains = domains;
    panel.title = this.title();
    panel.iconPath = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', 'mail-tls.svg');
    panel.webview.options = this.options();
    this.resetReady();
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m)),
      panel.onDidChangeViewState(() => !panel.visible && this.resetReady()),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
      }),
    ];
  }

  private resetReady(): void {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', 'report.js'));
    const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}' ${webview.cspSource}; img-src ${webview.cspSource}; font-src ${webview.cspSource}`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">${WEBVIEW_CSS}</style>
</head>
<body>
<div id="root"><p class="muted">${vscode.l10n.t('Loading the report…')}</p></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  private sentAt = 0;

  private post(): void {
    if (!this.panel) return;
    this.sentAt = performance.now();
    void this.panel.webview.postMessage({ type: 'render', input: this.input(this.targets, this.domains), sentAt: this.sentAt } satisfies ToWebview);
  }

  private located(target: string): LocatedFinding[] {
    return this.ctx.live.forTarget(target).map((f) => ({
      id: f.id, severity: f.severity, message: f.message, file: f.range.file, display: vscode.workspace.asRelativePath(f.range.file), line: f.range.start.line + 1,
      ...(f.explains ? { explains: f.explains } : {}),
    }));
  }

  private receive(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.markReady();
        this.post();
        break;
      case 'drawn':
        this.drawn.fire({ ...message.summary, roundTripMs: this.sentAt ? performance.now() - this.sentAt : 0 });
        break;
      case 'open': {
        // Only a file one of the shown findings names: the webview cannot open anything else.
        const shown = this.input(this.targets, this.domains).endpoints;
        const known = shown.some((e) => e.located.some((l) => l.file === message.file));
        if (!known) return this.ctx.log.warn(`report: ignored a request to open ${message.file}`);
        const line = Math.max(0, message.line - 1);
        void vscode.window.showTextDocument(vscode.Uri.file(message.file), { selection: new vscode.Range(line, 0, line, 0), viewColumn: vscode.ViewColumn.One });
        break;
      }
      case 'probe-again':
        if (this.input(this.targets, this.domains).endpoints.some((e) => e.result.target === message.target)) void vscode.commands.executeCommand('mailTls.probeAgain', message.target);
        break;
      case 'export-html':
        void vscode.commands.executeCommand('mailTls.exportReportHtml');
        break;
      case 'export-png':
        void vscode.commands.executeCommand('mailTls.exportReportPng', message.target);
        break;
      case 'card-png':
        this.pendingCard?.(message.dataUrl);
        this.pendingCard = undefined;
        break;
      case 'error':
        this.ctx.log.warn(`report: ${message.message}`);
        break;
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
