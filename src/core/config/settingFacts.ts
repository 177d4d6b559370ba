// What the hover says about a setting: its documentation, its effective value per service, and
// which endpoints it affects. Reads the config core's analyses; no vscode types in the result.
import { basename } from 'node:path';
import { certificateFilePaths, dovecotBaseDir, isCertificateFileSetting } from './certTlsa';
import { scopeOf, settingDoc, type DovecotAnalysis, type FilterCriteria, type Reach } from './dovecot';
import { visitSettings } from './dovecot/visit';
import { postfixSettingDoc } from './postfix';
import { paramDoc } from './postfix/rules';
import { loopbackOnly } from './postfix/endpoints';
import { isSmtpd } from './postfix/services';
import type { ConfigEndpoint, SourceRange } from './types';
import type { ConfigAnalysis } from './index';

/** Anything holding analyses (the worker's retained ones, or a test's). */
type WithAnalyses = { readonly analyses: readonly ConfigAnalysis[] };

export interface SettingFacts {
  name: string;
  server: 'postfix' | 'dovecot';
  description?: string;
  defaultValue?: string;
  recommended?: string;
  docUrl: string;
  /** One row per service or listener. */
  perService: { service: string; value: string; source: string; fromThisLine: boolean }[];
  /** Endpoints whose effective value comes from the hovered line. */
  affectedTargets: string[];
  /**
   * Services this line governs whose host is unknown (a copied config that names no machine):
   * never probed, so the hover offers no probe link for them.
   */
  unknownHostServices?: string[];
  /** For a certificate setting: the files its value on this line names (absolute paths). */
  certificateFiles?: string[];
  /**
   * Postfix: the services this line governs that listen on loopback only (only local clients
   * reach them, so their findings are information).
   */
  loopbackServices?: string[];
  /** A Dovecot setting written inside `local`/`remote`/`protocol` blocks: the value there, not the global one. */
  scoped?: ScopedFacts;
}

/** The value a setting has in the blocks it is written in, who reaches them, and the value outside. */
export interface ScopedFacts {
  /** The blocks, outermost first: `remote 127.0.0.1`, `protocol imap`. */
  blocks: string[];
  /** The value in force inside those blocks, and where it is set (`file:line`). */
  value: string;
  source: string;
  /** The value outside the blocks (global setting or default) and where it comes from. */
  outsideValue: string;
  outsideSource: string;
  reach: Reach;
  /** Who reaches the blocks, when not everyone: why findings on the line are downgraded. */
  why?: string;
  /** The severity findings on this line get at most: `info` (loopback, trusted networks), `warning` (a network). */
  downgradedTo?: 'info' | 'warning';
}

/** The setting name a config line assigns, and where the name sits on the line. */
export function settingAt(languageId: string, lineText: string, character: number): { name: string; start: number; end: number } | undefined {
  const patterns: RegExp[] = languageId === 'postfix-master'
    ? [/(-o\s*\{?\s*)([A-Za-z0-9_.-]+)\s*=/g]
    : languageId === 'postfix-main'
      ? [/^()([A-Za-z0-9_.-]+)\s*=/g]
      : [/^(\s*)([A-Za-z0-9_/-]+)\s*=/g];
  for (const pattern of patterns) {
    for (const m of lineText.matchAll(pattern)) {
      const start = (m.index ?? 0) + m[1]!.length;
      const end = start + m[2]!.length;
      if (character >= start && character <= end) return { name: m[2]!, start, end };
    }
  }
  return undefined;
}

/** An endpoint the hovered line governs: a probe target when its host is known. */
function affect(facts: SettingFacts, e: ConfigEndpoint): void {
  if (e.host.known) facts.affectedTargets.push(e.target);
  else if (!facts.unknownHostServices?.includes(e.service)) (facts.unknownHostServices ??= []).push(e.service);
}

const onLine = (range: SourceRange | undefined, file: string, line: number) => range !== undefined && range.file === file && range.start.line <= line && range.end.line >= line;

export function settingFacts(results: readonly WithAnalyses[], file: string, line: number, name: string): SettingFacts | undefined {
  const analyses = uniqueAnalyses(results).filter((a) => a.files.includes(file));
  for (const analysis of analyses) {
    if (analysis.postfix) return postfixFacts(analysis, file, line, name);
    if (analysis.dovecot) return dovecotFacts(analysis, file, line, name);
  }
  return undefined;
}

function uniqueAnalyses(results: readonly WithAnalyses[]): ConfigAnalysis[] {
  const byRoot = new Map<string, ConfigAnalysis>();
  for (const r of results) for (const a of r.analyses) if (!byRoot.has(`${a.server}:${a.root}`)) byRoot.set(`${a.server}:${a.root}`, a);
  return [...byRoot.values()];
}

function postfixFacts(analysis: ConfigAnalysis, file: string, line: number, name: string): SettingFacts {
  const postfix = analysis.postfix!;
  const doc = postfixSettingDoc(name, postfix.version);
  const facts: SettingFacts = { name, server: 'postfix', docUrl: doc?.docUrl ?? paramDoc(name), perService: [], affectedTargets: [] };
  if (doc) {
    facts.description = doc.replacedBy ? `${doc.description} (Replaced by \`${doc.replacedBy}\`.)` : doc.description;
    facts.defaultValue = doc.default;
    if (doc.recommended !== undefined) facts.recommended = doc.recommended;
  }
  const relevant = postfix.services.filter((s) => s.type === 'inet' && (isSmtpd(s) || s.command === 'postscreen'));
  for (const service of relevant) {
    const ev = service.effective(name);
    const fromThisLine = onLine(ev.range, file, line);
    facts.perService.push({ service: `${service.name}/${service.type}`, value: ev.expanded, source: ev.source, fromThisLine });
    if (fromThisLine) {
      for (const e of analysis.endpoints) if (e.service === service.name) affect(facts, e);
      if (loopbackOnly(service, postfix.global)) (facts.loopbackServices ??= []).push(`${service.name}/${service.type}`);
    }
  }
  facts.affectedTargets = [...new Set(facts.affectedTargets)];
  if (isCertificateFileSetting('postfix', name)) {
    const global = postfix.global.effective(name);
    const value = facts.perService.find((r) => r.fromThisLine)?.value ?? (onLine(global.range, file, line) ? global.expanded : undefined);
    if (value !== undefined) facts.certificateFiles = certificateFilePaths('postfix', value, analysis.root);
  }
  return facts;
}

function dovecotFacts(analysis: ConfigAnalysis, file: string, line: number, name: string): SettingFacts {
  const dovecot = analysis.dovecot!;
  const doc = settingDoc(name, dovecot.version);
  const facts: SettingFacts = {
    name,
    server: 'dovecot',
    docUrl: doc?.docUrl ?? `https://doc.dovecot.org/2.3/settings/core/#core_setting-${name}`,
    perService: [],
    affectedTargets: [],
  };
  if (doc) {
    facts.description = doc.description;
    facts.defaultValue = doc.default;
    if (doc.recommended !== undefined) facts.recommended = doc.recommended;
  }
  for (const listener of dovecot.listeners.filter((l) => l.enabled)) {
    const context = { service: listener.service, listener: listener.name, ...(listener.protocol ? { protocol: listener.protocol } : {}) };
    const assignment = dovecot.effective(name, context);
    const fromThisLine = onLine(assignment?.range, file, line);
    facts.perService.push({
      service: `${listener.service}/${listener.name} :${listener.port}`,
      value: assignment?.value ?? doc?.default ?? '',
      source: assignment ? `${basename(assignment.file)}:${assignment.range.start.line + 1}` : 'default',
      fromThisLine,
    });
    if (fromThisLine) {
      for (const e of analysis.endpoints) if (e.service === `${listener.service}/${listener.name}`) affect(facts, e);
    }
  }
  facts.affectedTargets = [...new Set(facts.affectedTargets)];
  const scoped = scopedFacts(dovecot, file, line, name, doc?.default);
  if (scoped) facts.scoped = scoped;
  const value = facts.perService.find((r) => r.fromThisLine)?.value;
  if (value !== undefined && isCertificateFileSetting('dovecot', name)) facts.certificateFiles = certificateFilePaths('dovecot', value, dovecotBaseDir(file));
  return facts;
}

const FILTER_TYPES = ['protocol', 'local', 'remote', 'local_name'] as const;

/** For a setting on this line inside filter blocks: the blocks' value and why severity follows them. */
function scopedFacts(dovecot: DovecotAnalysis, file: string, line: number, name: string, defaultValue: string | undefined): ScopedFacts | undefined {
  const visit = visitSettings(dovecot.document.children).find((v) => v.node.name === name && onLine(v.node.range, file, line));
  if (!visit) return undefined;
  const scoped = dovecot.scopedValue(visit.node);
  if (!scoped) return undefined;
  const blocks = visit.sections.filter((s) => (FILTER_TYPES as readonly string[]).includes(s.type)).map((s) => `${s.type} ${s.name}`.trim());
  const where = (a: { file: string; range: SourceRange } | undefined) => (a ? `${basename(a.file)}:${a.range.start.line + 1}` : 'default');
  const outside = dovecot.effective(name);
  const scope = scopeOf(visit.sections, dovecot.config);
  const facts: ScopedFacts = {
    blocks: blocks.length > 0 ? blocks : describeCriteria(scoped.criteria),
    value: scoped.assignment?.value ?? visit.node.value,
    source: where(scoped.assignment ?? { file: visit.node.range.file, range: visit.node.range }),
    outsideValue: outside?.value ?? defaultValue ?? '',
    outsideSource: where(outside),
    reach: scope.reach,
  };
  if (scope.reach !== 'everyone') facts.why = scope.why;
  if (scope.reach === 'loopback' || scope.reach === 'trusted') facts.downgradedTo = 'info';
  else if (scope.reach === 'network') facts.downgradedTo = 'warning';
  return facts;
}

function describeCriteria(c: FilterCriteria): string[] {
  return FILTER_TYPES.flatMap((t) => (c[t] !== undefined ? [`${t} ${c[t]}`] : []));
}
