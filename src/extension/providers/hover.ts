// Hover on a TLS setting: what it does, default and recommended value, the effective value per
// service, and the live result of the endpoints it affects (with its age and a probe-now link).
import * as vscode from 'vscode';
import type { MailTlsContext } from '../context';
import { appendTlsaSection, certificateFilesAt, COPY_TLSA_COMMAND, tlsaOfFiles } from '../dane/tlsaHover';
import { appendCipherSection, endpointCipherHover } from '../live/cipherHover';
import { ageText } from '../report/age';
import { acceptedVersions } from '../../core/probe/versions';
import { CONFIG_LANGUAGES } from '../workspace/configSource';
import { settingAt, type ScopedFacts, type SettingFacts } from '../../core/config/settingFacts';

const STATUS_ICON = { passed: '$(pass)', warning: '$(warning)', failed: '$(error)' } as const;
const ENABLED_COMMANDS = ['mailTls.probeEndpoint', 'mailTls.showTranscript', COPY_TLSA_COMMAND];
/** Cached hovers older than this are rebuilt, so the result's age stays honest. */
const CACHE_MS = 15_000;

export class SettingHoverProvider implements vscode.HoverProvider, vscode.Disposable {
  private readonly cache = new Map<string, Map<string, { hover: vscode.Hover; at: number }>>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly ctx: MailTlsContext) {
    const clearAll = () => this.cache.clear();
    this.disposables = [
      vscode.workspace.onDidChangeTextDocument((e) => this.cache.delete(e.document.uri.toString())),
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      ctx.store.onDidChange(clearAll),
      ctx.index.onDidChange(clearAll),
      ctx.live.onDidChange(clearAll),
    ];
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const line = document.lineAt(position.line).text;
    const setting = settingAt(document.languageId, line, position.character);
    // A service line or listener has no setting to explain, but its defaults let suites in.
    if (!setting) return endpointCipherHover(this.ctx, document, position);
    const key = `${position.line}:${setting.name}`;
    const perDoc = this.cache.get(document.uri.toString());
    const hit = perDoc?.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.hover;

    const facts = await this.ctx.index.settingFacts(document.uri.fsPath, position.line, setting.name);
    if (!facts) return undefined;
    const range = new vscode.Range(position.line, setting.start, position.line, setting.end);
    const md = this.render(facts);
    appendTlsaSection(md, tlsaOfFiles(this.ctx, certificateFilesAt(facts, document, position.line)));
    appendCipherSection(md, this.ctx, document.uri.fsPath, position.line);
    md.appendMarkdown(`[${vscode.l10n.t('Documentation')}](${facts.docUrl})`);
    const hover = new vscode.Hover(md, range);
    const map = perDoc ?? new Map();
    map.set(key, { hover, at: Date.now() });
    this.cache.set(document.uri.toString(), map);
    return hover;
  }

  private render(facts: SettingFacts): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ENABLED_COMMANDS };
    md.appendMarkdown(`**${facts.name}** — ${facts.server === 'postfix' ? 'Postfix' : 'Dovecot'}\n\n`);
    if (facts.description) md.appendMarkdown(`${facts.description}\n\n`);
    const values: string[] = [];
    if (facts.defaultValue !== undefined) values.push(`${vscode.l10n.t('Default')}: ${code(facts.defaultValue)}`);
    if (facts.recommended !== undefined) values.push(`${vscode.l10n.t('Recommended')}: ${code(facts.recommended)}`);
    if (values.length > 0) md.appendMarkdown(values.join(' · ') + '\n\n');
    if (facts.scoped) appendScoped(md, facts.scoped);

    if (facts.perService.length > 0) {
      // Inside a block the listeners' rows are what the other connections get.
      const header = facts.scoped ? vscode.l10n.t('Effective value outside this block') : vscode.l10n.t('Effective value');
      md.appendMarkdown(`| ${vscode.l10n.t('Service')} | ${header} | ${vscode.l10n.t('From')} |\n|---|---|---|\n`);
      for (const row of facts.perService.slice(0, 20)) {
        const mark = row.fromThisLine ? ' $(arrow-left)' : '';
        md.appendMarkdown(`| ${row.service} | ${code(row.value)} | ${row.source}${mark} |\n`);
      }
      md.appendMarkdown('\n');
    }
    if (facts.loopbackServices?.length) {
      md.appendMarkdown(`$(shield) ${vscode.l10n.t('{0} listen on loopback only: only local clients reach them, so findings about them are information.', facts.loopbackServices.join(', '))}\n\n`);
    }

    if (facts.affectedTargets.length > 0 || facts.unknownHostServices?.length) {
      md.appendMarkdown(`**${vscode.l10n.t('Live')}**\n\n`);
      // A setting many services use would list as many "not probed yet" lines: they share one.
      const unprobed = facts.affectedTargets.filter((t) => !this.ctx.store.isRunning(t) && !this.ctx.store.error(t) && !this.ctx.store.get(t));
      for (const target of facts.affectedTargets) if (!unprobed.includes(target)) md.appendMarkdown(`- ${this.liveLine(target)}\n`);
      if (unprobed.length > 0) md.appendMarkdown(`- ${unprobedLine(unprobed)}\n`);
      // A copied config that names no machine: its listeners are never probed, so no link.
      if (facts.unknownHostServices?.length) md.appendMarkdown(`- $(question) ${vscode.l10n.t('Host unknown, not probed: {0}. Use "Set Host for This Config…" to say which machine this config describes.', facts.unknownHostServices.join(', '))}\n`);
      md.appendMarkdown('\n');
    }
    return md;
  }

  private liveLine(target: string): string {
    const probeLink = `[${vscode.l10n.t('Probe now')}](${commandUri('mailTls.probeEndpoint', target)})`;
    if (this.ctx.store.isRunning(target)) return `$(loading~spin) ${target} — ${vscode.l10n.t('probing…')}`;
    const error = this.ctx.store.error(target);
    if (error) return `$(error) ${target} — ${vscode.l10n.t('probe failed: {0}', error.message)} (${ageText(error.receivedAt)}) · ${probeLink}`;
    const stored = this.ctx.store.get(target);
    if (!stored) return `$(circle-large-outline) ${target} — ${vscode.l10n.t('not probed yet')} · ${probeLink}`;
    const { result } = stored;
    const status = this.ctx.endpointStatus(target);
    const icon = status === 'passed' || status === 'warning' || status === 'failed' ? STATUS_ICON[status] : '';
    const parts = [result.tls ? `${result.tls.version} ${code(result.tls.cipher)}` : vscode.l10n.t('no TLS session')];
    const accepted = acceptedVersions(result);
    if (accepted.length > 0) parts.push(vscode.l10n.t('accepts {0}', accepted.join(', ')));
    if (result.certificate) parts.push(vscode.l10n.t('certificate: {0} days left', result.certificate.daysLeft));
    const transcript = `[${vscode.l10n.t('Transcript')}](${commandUri('mailTls.showTranscript', target)})`;
    return `${icon} ${target} — ${parts.join(' · ')} (${ageText(stored.receivedAt)}) · ${probeLink} · ${transcript}`;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** A setting inside `remote`/`local`/`protocol` blocks: the block's value first, then why its findings are milder. */
function appendScoped(md: vscode.MarkdownString, scoped: ScopedFacts): void {
  const blocks = scoped.blocks.map((b) => code(b)).join(' › ');
  md.appendMarkdown(`${vscode.l10n.t('In {0}: {1} ({2})', blocks, code(scoped.value), scoped.source)} · ${vscode.l10n.t('elsewhere: {0} ({1})', code(scoped.outsideValue), scoped.outsideSource)}\n\n`);
  if (scoped.why && scoped.downgradedTo) {
    const level = scoped.downgradedTo === 'info' ? vscode.l10n.t('information') : vscode.l10n.t('a warning at most');
    md.appendMarkdown(`$(shield) ${vscode.l10n.t('Severity downgraded to {0}: this block reaches {1}.', level, escapeText(scoped.why))}\n\n`);
  }
}

function escapeText(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|]/g, '\\$&');
}

/** One line for every endpoint without a result, each a link that probes it (five shown, then a count). */
function unprobedLine(targets: readonly string[]): string {
  const shown = targets.slice(0, 5).map((t) => `[${t}](${commandUri('mailTls.probeEndpoint', t)})`);
  const more = targets.length > 5 ? ` ${vscode.l10n.t('and {0} more', targets.length - 5)}` : '';
  return `$(circle-large-outline) ${vscode.l10n.t('Not probed yet ({0}):', targets.length)} ${shown.join(', ')}${more}`;
}

function commandUri(command: string, ...args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

function code(text: string): string {
  const shown = text.length > 120 ? `${text.slice(0, 117)}…` : text;
  return shown === '' ? '*(empty)*' : `\`${shown.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

export function registerHover(ctx: MailTlsContext): void {
  const provider = ctx.track(new SettingHoverProvider(ctx));
  ctx.track(vscode.languages.registerHoverProvider(CONFIG_LANGUAGES.map((language) => ({ language })), provider));
}
