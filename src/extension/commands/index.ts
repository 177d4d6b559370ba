// Every command, registered in one place. Each is a factory `(ctx) => handler`.
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { copyTlsaRecord } from '../dane/tlsaCommands';
import { checkDomainCommand } from '../domain/domainCommands';
import { refreshExplorer, revealInConfig, showLog } from './navigationCommands';
import { probeActiveConfig, probeAgain, probeAll, probeEndpoint } from './probeCommands';
import { copyMarkdown, exportJson, showTranscript } from './reportCommands';
import { exportReportHtml, exportReportPng, showReport } from './reportViewCommands';

type CommandFactory = (ctx: MailTlsContext) => (...args: never[]) => unknown;

const COMMANDS: Record<string, CommandFactory> = {
  'mailTls.probeEndpoint': probeEndpoint,
  'mailTls.probeActiveConfig': probeActiveConfig,
  'mailTls.probeAll': probeAll,
  'mailTls.probeAgain': probeAgain,
  'mailTls.showTranscript': showTranscript,
  'mailTls.copyMarkdown': copyMarkdown,
  'mailTls.exportJson': exportJson,
  'mailTls.showReport': showReport,
  'mailTls.exportReportHtml': exportReportHtml,
  'mailTls.exportReportPng': exportReportPng,
  'mailTls.revealInConfig': revealInConfig,
  'mailTls.refreshExplorer': refreshExplorer,
  'mailTls.showLog': showLog,
  'mailTls.copyTlsaRecord': copyTlsaRecord,
  'mailTls.checkDomain': checkDomainCommand,
};

export function registerCommands(ctx: MailTlsContext): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    const handler = factory(ctx) as (...args: unknown[]) => unknown;
    ctx.track(vscode.commands.registerCommand(id, (...args: unknown[]) => handler(...args)));
  }
}
