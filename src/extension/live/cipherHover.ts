// The live part of the hover on a cipher setting: per probed endpoint (those that saw the same
// share a line), the suites, order, groups or DH sizes the server showed through this setting;
// and on an endpoint's own line, what the settings left at their defaults let in.
import * as vscode from 'vscode';
import { cipherHoverLines, endpointHoverLines, endpointNameAt, type CipherHoverLine } from '../../core/live/cipherHover';
import type { MailTlsContext } from '../context';

const MAX_LINES = 6;

export function appendCipherSection(md: vscode.MarkdownString, ctx: MailTlsContext, file: string, line: number): void {
  const joins = ctx.index.results().flatMap((r) => r.joins);
  const lines = cipherHoverLines(joins, (target) => ctx.store.get(target)?.result, file, line);
  appendLines(md, vscode.l10n.t('Accepted through this setting (cipher scan)'), lines);
}

/** The hover on a master.cf service name or a Dovecot `inet_listener`, when a probe saw what its default cipher settings let in. */
export function endpointCipherHover(ctx: MailTlsContext, document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  const name = endpointNameAt(document.languageId, document.lineAt(position.line).text, position.character);
  if (!name) return undefined;
  const joins = ctx.index.results().flatMap((r) => r.joins);
  const lines = endpointHoverLines(joins, (target) => ctx.store.get(target)?.result, document.uri.fsPath, position.line);
  if (lines.length === 0) return undefined;
  const md = new vscode.MarkdownString(undefined, true);
  appendLines(md, vscode.l10n.t('Accepted on this endpoint through default settings (cipher scan)'), lines);
  return new vscode.Hover(md, new vscode.Range(position.line, name.start, position.line, name.end));
}

function appendLines(md: vscode.MarkdownString, title: string, lines: readonly CipherHoverLine[]): void {
  if (lines.length === 0) return;
  md.appendMarkdown(`**${title}**\n\n`);
  for (const entry of lines.slice(0, MAX_LINES)) {
    const shown = entry.targets.slice(0, 3).join(', ') + (entry.targets.length > 3 ? ` ${vscode.l10n.t('and {0} more', entry.targets.length - 3)}` : '');
    md.appendMarkdown(`- ${shown}: ${escape(entry.text)}\n`);
  }
  if (lines.length > MAX_LINES) md.appendMarkdown(`- ${vscode.l10n.t('and {0} more', lines.length - MAX_LINES)}\n`);
  md.appendMarkdown('\n');
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, (c) => `\\${c}`);
}
