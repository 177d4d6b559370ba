// The DANE part of the hover on a certificate setting: the `3 1 1` record of each leaf key in
// the files the line names, the issuer's `2 1 1` as the rollover companion, and copy links.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { certificateFilePaths, isCertificateFileSetting, tlsaOfCertificateFile, type FileTlsa } from '../../core/config/certTlsa';
import type { SettingFacts } from '../../core/config/settingFacts';
import type { MailTlsContext } from '../context';
import { readPolicy } from '../workspace/readAccess';

export const COPY_TLSA_COMMAND = 'mailTls.copyTlsaRecord';

/** The files a certificate setting on this line names: from the analysis, else from the line's text. */
export function certificateFilesAt(facts: SettingFacts, document: vscode.TextDocument, line: number): string[] {
  if (!isCertificateFileSetting(facts.server, facts.name)) return [];
  if (facts.certificateFiles) return facts.certificateFiles;
  const value = /=(.*)$/.exec(document.lineAt(line).text)?.[1] ?? '';
  // Postfix resolves against the config directory, Dovecot against the file: both the file's directory here.
  return certificateFilePaths(facts.server, value.replace(/\s+#.*$/, ''), dirname(document.uri.fsPath));
}

/** Reads each file (restricted mode: workspace files only); unsaved editor text wins. */
export function tlsaOfFiles(ctx: MailTlsContext, files: readonly string[]): FileTlsa[] {
  const mayRead = readPolicy(ctx.gate.trusted);
  const readText = (path: string) => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path && d.isDirty)?.getText();
  return files.map((file) => tlsaOfCertificateFile(file, { mayRead, readText }));
}

export function copyLink(record: string): string {
  return `[$(copy) ${vscode.l10n.t('Copy')}](command:${COPY_TLSA_COMMAND}?${encodeURIComponent(JSON.stringify([record]))} "${vscode.l10n.t('Copy the TLSA record')}")`;
}

export function appendTlsaSection(md: vscode.MarkdownString, all: readonly FileTlsa[]): void {
  const results = all.filter((r) => !r.keyOnly);
  if (results.length === 0) return;
  md.appendMarkdown(`**${vscode.l10n.t('DANE (TLSA)')}**\n\n`);
  for (const r of results) {
    if (r.error) {
      md.appendMarkdown(`- \`${r.file}\`: ${r.error}\n`);
      continue;
    }
    for (const leaf of r.leaves) {
      md.appendMarkdown(`- \`${r.file}\` — ${escape(leaf.subject)}, ${vscode.l10n.t('until {0}', leaf.notAfter.slice(0, 10))}\n`);
      md.appendMarkdown(`  - \`${leaf.record}\` ${copyLink(leaf.record)}\n`);
      if (leaf.issuerRecord) {
        md.appendMarkdown(`  - ${vscode.l10n.t('rollover, the issuing CA')}: \`${leaf.issuerRecord}\` ${copyLink(leaf.issuerRecord)}\n`);
      }
    }
  }
  md.appendMarkdown(`\n${vscode.l10n.t('Publish at `_25._tcp.<MX host>`, DNSSEC-signed. `3 1 1` names the key: it survives renewals that keep the key.')}\n\n`);
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, (c) => `\\${c}`);
}
