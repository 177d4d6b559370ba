// Mail TLS: Check Domain…: asks for a domain (or takes one from a domain node), checks its MX
// and SRV hosts, DNSSEC, DANE, MTA-STS and TLS-RPT with a cancellable progress notification,
// and puts the result in the Endpoint Explorer. A domain the person types is their own
// request; a domain a workspace setting names asks first in an untrusted workspace.
import * as vscode from 'vscode';
import { checkDomain, type DomainCheckOptions, type DomainResult } from '../../core/domain';
import type { MailTlsContext } from '../context';
import { readSettings } from '../settings';
import { domainInputProblem, parseDomainInput } from './domainInput';
import { readResolvers, readSettingsDomains } from './domainSettings';

export const CHECK_DOMAIN_COMMAND = 'mailTls.checkDomain';

/** A domain node passes itself; a command link or a test passes the name. */
function domainOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return parseDomainInput(arg);
  if (arg && typeof arg === 'object' && 'domain' in arg && typeof (arg as { domain: unknown }).domain === 'string') {
    return parseDomainInput((arg as { domain: string }).domain);
  }
  return undefined;
}

export const checkDomainCommand = (ctx: MailTlsContext) => async (arg?: unknown): Promise<DomainResult | undefined> => {
  let domain = domainOf(arg);
  const typed = domain === undefined;
  if (typed) {
    const input = await vscode.window.showInputBox({
      title: vscode.l10n.t('Check Domain'),
      prompt: vscode.l10n.t('A mail domain: its MX and SRV hosts, DNSSEC, DANE, MTA-STS and TLS-RPT are checked'),
      placeHolder: 'example.org',
      ignoreFocusOut: true,
      validateInput: (text) => {
        const problem = domainInputProblem(text);
        return problem ? vscode.l10n.t(problem) : undefined;
      },
    });
    domain = input === undefined ? undefined : parseDomainInput(input);
    if (!domain) return undefined;
  }
  // Named by a workspace setting (not typed): the workspace asks to connect, so ask the person.
  const fromWorkspace = !typed && readSettingsDomains().some((d) => d.domain === domain && d.origin === 'workspace');
  if (fromWorkspace && !(await ctx.gate.consent([domain!]))) {
    ctx.log.info(`Check of ${domain} declined (untrusted workspace)`);
    return undefined;
  }
  return runCheck(ctx, domain!);
};

async function runCheck(ctx: MailTlsContext, domain: string): Promise<DomainResult | undefined> {
  if (ctx.domains.get(domain)?.running) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is being checked already.', domain));
    return undefined;
  }
  const settings = readSettings();
  const options: DomainCheckOptions = {
    resolvers: readResolvers(),
    timeouts: settings.timeouts,
    expiryWarningDays: settings.expiryWarningDays,
    checkInjection: settings.checkInjection,
    ...(settings.caFile ? { caFile: settings.caFile } : {}),
  };
  ctx.domains.setRunning(domain, true);
  void vscode.commands.executeCommand('mailTls.endpoints.focus');
  const started = Date.now();
  const abort = new AbortController();
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', domain), cancellable: true },
      async (progress, token) => {
        const subscription = token.onCancellationRequested(() => abort.abort());
        progress.report({ message: vscode.l10n.t('DNS, then every MX and SRV host') });
        try {
          return await checkDomain(domain, options, abort.signal);
        } finally {
          subscription.dispose();
        }
      },
    );
    ctx.domains.setResult(domain, result, options.resolvers === undefined);
    ctx.log.info(`Checked ${domain}: ${result.mx.length} MX, ${result.findings.length} finding(s), ${result.stats.dnsQueries} DNS queries, ${result.stats.connections} connections, ${result.stats.ms} ms`);
    return result;
  } catch (err) {
    if (abort.signal.aborted) {
      ctx.domains.setRunning(domain, false);
      ctx.log.info(`Check of ${domain} cancelled after ${Date.now() - started} ms`);
      return undefined;
    }
    const message = err instanceof Error ? err.message : String(err);
    ctx.domains.setError(domain, message);
    ctx.log.warn(`Checking ${domain} failed: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Checking {0} failed: {1}', domain, message));
    return undefined;
  }
}
