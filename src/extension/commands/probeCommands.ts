// Probe commands: one endpoint (URL argument, tree node, or a quick input), the active
// config's endpoints, every endpoint, and the last batch again.
import * as vscode from 'vscode';
import type { ProbeResult, Protocol } from '../../core/probe/types';
import { gradeEndpoint } from '../../core/report';
import type { MailTlsContext } from '../context';
import { canonicalTarget, parseTarget, SCHEMES } from '../probing/engine';
import type { BatchOutcome, ProbeRequest } from '../probing/probeRunner';
import { endpointStatus } from '../../core/endpointStatus';
import { targetOf } from './args';
import { inputProblem, splitHostPort, targetFor } from './targetInput';

const LAST_TARGET_KEY = 'mailTls.lastTarget';

function requestFor(ctx: MailTlsContext, target: string): ProbeRequest {
  const declared = ctx.index.endpoints().find((e) => e.target === target);
  return declared ? { target, resource: declared.fileUri } : { target };
}

/** One message per batch, never one per endpoint: a full workspace probe must not flood. */
function report(ctx: MailTlsContext, outcome: BatchOutcome): void {
  const [first] = outcome.errors;
  if (outcome.errors.length === 1 && first) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Probe of {0} failed: {1}', first.target, first.message));
  } else if (outcome.errors.length > 1) {
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window
      .showErrorMessage(vscode.l10n.t('{0} of {1} probes failed.', outcome.errors.length, outcome.errors.length + outcome.results.length), showLog)
      .then((choice) => choice === showLog && ctx.log.show(true));
  }
  if (outcome.declined.length > 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Skipped {0} endpoint(s) named by the untrusted workspace.', outcome.declined.length));
  }
  if (outcome.results.length > 1) {
    const failed = outcome.results.filter((r) => endpointStatus({ result: r }) === 'failed').length;
    const warned = outcome.results.filter((r) => endpointStatus({ result: r }) === 'warning').length;
    vscode.window.setStatusBarMessage(vscode.l10n.t('Mail TLS: {0} probed, {1} with warnings, {2} failed', outcome.results.length, warned, failed), 10_000);
  }
}

/** `mailTls.probeEndpoint`: with a URL argument it runs without prompts and returns the ProbeResult. */
export const probeEndpoint = (ctx: MailTlsContext) => async (arg?: unknown): Promise<ProbeResult | undefined> => {
  let target = targetOf(arg);
  if (typeof arg === 'string' && !canonicalTarget(arg)) parseTarget(arg); // throws the reason
  if (!target) target = await askForTarget(ctx);
  if (!target) return undefined;
  const outcome = await ctx.runner.run([requestFor(ctx, target)], { progress: 'notification' });
  report(ctx, outcome);
  const result = outcome.results[0];
  if (result) offerReport(ctx, result);
  return result;
};

/** The grade at once, and the report one click away (it redraws by itself if already open). */
function offerReport(ctx: MailTlsContext, result: ProbeResult): void {
  if (ctx.reports.visibleTargets.includes(result.target)) return;
  const letter = gradeEndpoint(result).letter;
  const show = vscode.l10n.t('Show Report');
  const text = letter
    ? vscode.l10n.t('{0}: grade {1}', result.target, letter)
    : vscode.l10n.t('{0}: not graded (the probe did not complete)', result.target);
  void vscode.window.showInformationMessage(text, show).then((choice) => choice === show && ctx.reports.show([result.target]));
}

/** `mailTls.probeActiveConfig`: the endpoints the active editor's config declares. */
export const probeActiveConfig = (ctx: MailTlsContext) => async (): Promise<ProbeResult[]> => {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) return [];
  await ctx.index.whenIdle();
  const declared = ctx.index.resultsReading(document.uri.fsPath).flatMap((r) => r.endpoints);
  // An endpoint on a host nobody named is listed, never probed (its target is a placeholder).
  const targets = [...new Set(declared.filter((e) => e.host.known).map((e) => e.target))];
  if (targets.length === 0 && declared.length > 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The host {0} describes is not known: use "Set Host for This Config…" to probe its endpoints.', vscode.workspace.asRelativePath(document.uri)));
    return [];
  }
  if (targets.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} declares no endpoints to probe.', vscode.workspace.asRelativePath(document.uri)));
    return [];
  }
  const outcome = await ctx.runner.run(targets.map((t) => requestFor(ctx, t)), { progress: 'notification' });
  report(ctx, outcome);
  return outcome.results;
};

/** `mailTls.probeAll`: every endpoint of the explorer (settings and workspace configs). */
export const probeAll = (ctx: MailTlsContext) => async (): Promise<ProbeResult[]> => {
  await ctx.index.whenIdle();
  const requests = ctx.allProbeRequests();
  if (requests.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No endpoints: add some to the mailTls.endpoints setting or open a folder with Postfix or Dovecot configs.'));
    return [];
  }
  const outcome = await ctx.runner.run(requests, { progress: 'notification' });
  report(ctx, outcome);
  return outcome.results;
};

/** `mailTls.probeAgain`: a node's endpoint, or the last batch. */
export const probeAgain = (ctx: MailTlsContext) => async (arg?: unknown): Promise<ProbeResult[]> => {
  const one = targetOf(arg);
  const targets = one ? [one] : [...ctx.store.lastTargets];
  if (targets.length === 0) {
    const result = await probeEndpoint(ctx)();
    return result ? [result] : [];
  }
  const outcome = await ctx.runner.run(targets.map((t) => requestFor(ctx, t)), { progress: 'notification' });
  report(ctx, outcome);
  return outcome.results;
};

/** A URL in one step, or a host and then its protocol from a list. */
async function askForTarget(ctx: MailTlsContext): Promise<string | undefined> {
  const last = ctx.extension.globalState.get<string>(LAST_TARGET_KEY);
  const input = await vscode.window.showInputBox({
    title: vscode.l10n.t('Probe Endpoint'),
    prompt: vscode.l10n.t('A URL such as imaps://mail.example.org:993, or a host name (the protocol comes next)'),
    placeHolder: 'smtp://mx.example.org:25',
    ...(last ? { value: last } : {}),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const problem = inputProblem(value);
      return problem === undefined ? undefined : value.trim() === '' ? vscode.l10n.t('Enter a URL or a host name') : problem;
    },
  });
  if (!input) return undefined;
  let target: string | undefined;
  if (input.includes('://')) target = parseTarget(input).url;
  else {
    const { host, port } = splitHostPort(input.trim());
    const protocol = await pickProtocol(host);
    if (!protocol) return undefined;
    target = targetFor(host, port, protocol);
  }
  await ctx.extension.globalState.update(LAST_TARGET_KEY, target);
  return target;
}

async function pickProtocol(host: string): Promise<Protocol | undefined> {
  const items = (Object.keys(SCHEMES) as Protocol[]).map((protocol) => ({
    label: protocol,
    description: vscode.l10n.t('port {0} · {1}', SCHEMES[protocol].port,
      SCHEMES[protocol].tlsMode === 'implicit' ? vscode.l10n.t('implicit TLS') : vscode.l10n.t('STARTTLS')),
    protocol,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Protocol for {0}', host),
    placeHolder: vscode.l10n.t('How to talk to {0}', host),
    ignoreFocusOut: true,
  });
  return picked?.protocol;
}
