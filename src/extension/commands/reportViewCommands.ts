// The visual report: show it, export it as one HTML file, save an endpoint's grade card as PNG.
import * as vscode from 'vscode';
import { renderReportHtml } from '../../core/report';
import type { MailTlsContext } from '../context';
import { targetOf } from './args';

const ALL = '*';

/** The targets an argument names, else the user's choice among the probed ones (all of them first). */
async function pickTargets(ctx: MailTlsContext, arg: unknown): Promise<string[] | undefined> {
  const target = targetOf(arg);
  if (target) {
    if (ctx.store.get(target)) return [target];
    void vscode.window.showInformationMessage(vscode.l10n.t('No result for {0} yet: probe it first.', target));
    return undefined;
  }
  const all = ctx.store.all().map((s) => s.result.target);
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing probed yet.'));
    return undefined;
  }
  if (all.length === 1) return all;
  const picked = await vscode.window.showQuickPick(
    [{ label: vscode.l10n.t('All probed endpoints'), target: ALL }, ...all.map((t) => ({ label: t, target: t }))],
    { placeHolder: vscode.l10n.t('Report on which endpoint?') },
  );
  return picked ? (picked.target === ALL ? all : [picked.target]) : undefined;
}

function destinationOf(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
}

async function askDestination(name: string, filters: Record<string, string[]>, title: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({ filters, title, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}) });
}

function fileName(targets: readonly string[], extension: string): string {
  const base = targets.length === 1 ? targets[0]!.replace(/^[a-z0-9]+:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '-') : 'endpoints';
  return `mail-tls-report-${base}.${extension}`;
}

/** The checked domain a domain node of the explorer stands for. */
function domainOf(ctx: MailTlsContext, arg: unknown): string | undefined {
  if (!arg || typeof arg !== 'object' || !('kind' in arg) || arg.kind !== 'domain' || !('domain' in arg) || typeof arg.domain !== 'string') return undefined;
  return ctx.domains.get(arg.domain)?.result ? arg.domain : undefined;
}

/** `mailTls.showReport`: opens the report panel on an endpoint (node or URL), a checked domain (node), or the chosen ones. */
export const showReport = (ctx: MailTlsContext) => async (arg?: unknown): Promise<string[] | undefined> => {
  const domain = domainOf(ctx, arg);
  if (domain) {
    ctx.reports.show([], [domain]);
    return [domain];
  }
  const targets = await pickTargets(ctx, arg);
  if (!targets) return undefined;
  ctx.reports.show(targets);
  return targets;
};

/** `mailTls.exportReportHtml`: one self-contained HTML file; (target, destination) skip the prompts. */
export const exportReportHtml = (ctx: MailTlsContext) => async (arg?: unknown, destination?: unknown): Promise<vscode.Uri | undefined> => {
  const shown = ctx.reports.visibleTargets;
  const shownDomains = ctx.reports.visibleDomains;
  const domain = domainOf(ctx, arg);
  const domains = domain ? [domain] : arg === undefined ? [...shownDomains] : [];
  const targets = domains.length ? [] : arg === undefined && shown.length > 0 ? [...shown] : await pickTargets(ctx, arg);
  if (!targets) return undefined;
  const uri = destinationOf(destination) ?? (await askDestination(fileName(domains.length ? domains : targets, 'html'), { HTML: ['html'] }, vscode.l10n.t('Export Mail TLS report')));
  if (!uri) return undefined;
  const html = renderReportHtml(ctx.reports.input(targets, domains));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(html));
  ctx.log.info(`report for ${domains.length ? domains.join(', ') : `${targets.length} endpoint(s)`} exported to ${uri.toString(true)} (${html.length} bytes)`);
  return uri;
};

/** `mailTls.exportReportPng`: the grade card of an endpoint or a checked domain, drawn by the report panel, as a PNG file. */
export const exportReportPng = (ctx: MailTlsContext) => async (arg?: unknown, destination?: unknown): Promise<vscode.Uri | undefined> => {
  const shown = ctx.reports.visibleTargets;
  const shownDomains = ctx.reports.visibleDomains;
  // A domain (its node, or its name from the card's button); with no argument the one endpoint on
  // show, else the one domain on show; else a pick.
  const domain = domainOf(ctx, arg) ?? (typeof arg === 'string' && shownDomains.includes(arg) ? arg : undefined);
  const onShow = shown.length === 1 ? [...shown] : shown.length === 0 && shownDomains.length === 1 ? [...shownDomains] : null;
  const targets = domain ? [domain] : arg === undefined && onShow ? onShow : await pickTargets(ctx, arg);
  const target = targets?.length === 1 ? targets[0] : targets ? (await vscode.window.showQuickPick(targets, { placeHolder: vscode.l10n.t('Whose grade card?') })) : undefined;
  if (!target) return undefined;
  const png = await ctx.reports.cardPng(target);
  const uri = destinationOf(destination) ?? (await askDestination(fileName([target], 'png'), { PNG: ['png'] }, vscode.l10n.t('Save grade card')));
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, png);
  ctx.log.info(`grade card of ${target} saved to ${uri.toString(true)} (${png.length} bytes)`);
  return uri;
};
