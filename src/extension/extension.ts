// Entry point: builds the context, lets each feature register itself, returns the API.
import { ActivationClock, markBundleEvaluated } from './activationClock';
import * as vscode from 'vscode';
import { createApi, type MailTlsApi } from './api';
import { registerCommands } from './commands';
import { MailTlsContext } from './context';
import { registerCodeActions } from './providers/codeActions';
import { DaneResolverDiagnostics } from './providers/daneResolverDiagnostics';
import { DiagnosticsManager } from './providers/diagnostics';
import { registerHover } from './providers/hover';
import { registerProbeTriggers } from './providers/probeTriggers';
import { registerExplorer } from './views/endpointExplorer';
import { TRANSCRIPT_SCHEME, TranscriptDocuments } from './views/transcriptDocuments';

export function activate(context: vscode.ExtensionContext): MailTlsApi {
  const clock = new ActivationClock();
  const ctx = new MailTlsContext(context);
  context.subscriptions.push(ctx);
  registerCommands(ctx);
  const explorerView = registerExplorer(ctx);
  ctx.track(new DiagnosticsManager(ctx));
  ctx.track(new DaneResolverDiagnostics(ctx));
  registerHover(ctx);
  registerCodeActions(ctx);
  registerProbeTriggers(ctx);
  ctx.track(vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, ctx.track(new TranscriptDocuments(ctx.store))));
  void ctx.index.rescan().then(
    () => {
      clock.scanned();
      const { firstScanMs } = clock.times();
      ctx.log.info(`Workspace configs analysed ${Math.round(firstScanMs ?? 0)} ms after activation`);
    },
    (err: unknown) => ctx.log.error(`Scanning the workspace for configs failed: ${err instanceof Error ? err.message : String(err)}`),
  );
  const api = createApi(ctx, explorerView, clock);
  clock.returned();
  const { evaluateMs, contextMs, activateMs } = clock.times();
  ctx.log.info(`Mail TLS Inspector activated (bundle ${evaluateMs.toFixed(1)} ms, context ${contextMs.toFixed(1)} ms, activate ${activateMs.toFixed(1)} ms)`);
  return api;
}

export function deactivate(): void {}

markBundleEvaluated();
