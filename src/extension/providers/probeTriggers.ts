// Probe on open / on save (settings, off by default). Never in an untrusted workspace: nothing
// probes on its own there.
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { readSettings } from '../settings';
import { CONFIG_LANGUAGES } from '../workspace/configSource';

export function registerProbeTriggers(ctx: MailTlsContext): void {
  const trigger = async (document: vscode.TextDocument, setting: 'probeOnOpen' | 'probeOnSave') => {
    if (document.uri.scheme !== 'file' || !CONFIG_LANGUAGES.includes(document.languageId)) return;
    if (!ctx.gate.mayProbeUnasked() || !readSettings(document.uri)[setting]) return;
    await ctx.index.whenIdle();
    const targets = ctx.index.resultsReading(document.uri.fsPath).flatMap((r) => r.endpoints.filter((e) => e.host.known).map((e) => e.target));
    if (targets.length === 0) return;
    ctx.log.info(`${setting}: probing ${targets.length} endpoint(s) of ${document.uri.fsPath}`);
    await ctx.runner.run(targets.map((target) => ({ target, resource: document.uri })), { progress: 'window' });
  };
  ctx.track(vscode.workspace.onDidOpenTextDocument((d) => void trigger(d, 'probeOnOpen')));
  ctx.track(vscode.workspace.onDidSaveTextDocument((d) => void trigger(d, 'probeOnSave')));
}
