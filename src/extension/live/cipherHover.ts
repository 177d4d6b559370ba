// The live part of the hover on a cipher setting: per probed endpoint (those that saw the same
// share a line), the suites, order, groups or DH sizes the server showed through this setting.
import * as vscode from 'vscode';
import { cipherHoverLines } from '../../core/live/cipherHover';
import type { MailTlsContext } from '../context';

const MAX_LINES = 6;

export function appendCipherSection(md: vscode.MarkdownString, ctx: MailTlsContext, file: string, line: number): void {
  const joins = ctx.index.results().flatMap((r) => r.joins);
  const lines = cipherHoverLines(joins, (target) => ctx.store.get(target)?.result, file, line);
  if (lines.length === 0) return;
  md.appendMarkdown(`**${vscode.l10n.t('Accepted through this setting (cipher scan)')}**\n\n`);
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
