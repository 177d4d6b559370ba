/**
 * The config front door: detect what a file is, and analyse a file or a directory
 * (/etc/postfix, /etc/dovecot, or a directory holding both) into findings and endpoints.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { analyzeDovecot, DovecotAnalysis } from './dovecot';
import { compareByLocation } from './order';
import type { AnalyzeOptions } from './options';
import { analyzePostfix, PostfixAnalysis, readConfigText } from './postfix';
import type { DescribedHost } from './host';
import { isKnownRuleId } from './ruleIds';
import { applySuppressions, type SuppressedFinding } from './suppressions';
import type { ConfigEndpoint, ConfigFinding } from './types';

export type { AnalyzeOptions } from './options';
export type { PostfixAnalysis } from './postfix';
export type { DovecotAnalysis } from './dovecot';
export { analyzePostfix } from './postfix';
export { analyzeDovecot } from './dovecot';
export { applySuppressions, suppressionComment, type SuppressedFinding } from './suppressions';
export { isKnownRuleId } from './ruleIds';
export { isLiveRoot, rootDirectory, type DescribedHost, type EndpointHost, type HostOptions, type HostSource } from './host';

export type ConfigKind = 'postfix-main' | 'postfix-master' | 'dovecot';

export interface ConfigAnalysis {
  server: 'postfix' | 'dovecot';
  /** The Postfix config directory, or the Dovecot root file. */
  root: string;
  files: string[];
  findings: ConfigFinding[];
  endpoints: ConfigEndpoint[];
  /** The host this config describes: where its wildcard listeners are, and why. */
  host: DescribedHost;
  /** Findings silenced by a suppression comment or the `ignore` option (never dropped unseen). */
  suppressed: SuppressedFinding[];
  postfix?: PostfixAnalysis;
  dovecot?: DovecotAnalysis;
}

const MASTER_LINE = /^[^\s#]\S*\s+(inet|unix|unix-dgram|fifo|pass)\s+[-yn]\s+[-yn]\s+[-yn]\s/m;
const MAIN_LINE = /^(smtpd?_\w+|myhostname|mydomain|mydestination|inet_interfaces|compatibility_level|relayhost|alias_maps|mynetworks)\s*=/m;
const DOVECOT_LINE = /^\s*(protocols\s*=|ssl_\w+\s*=|!include(_try)?\s|service\s+[\w-]+\s*\{|protocol\s+\w+\s*\{|dovecot_config_version\s*=|mail_location\s*=|auth_mechanisms\s*=)/m;

/** What kind of config a path holds, by its name first and then by its text. */
export function detectConfigKind(path: string, text?: string): ConfigKind | undefined {
  const name = basename(path);
  if (name === 'main.cf' || name.startsWith('main.cf.')) return 'postfix-main';
  if (name === 'master.cf' || name.startsWith('master.cf.')) return 'postfix-master';
  if (name === 'dovecot.conf' || /(^|\/)dovecot(\/|$)/.test(dirname(resolve(path))) || /(^|\/)conf\.d\/[^/]+\.conf(\.ext)?$/.test(path)) {
    if (name.endsWith('.conf') || name.endsWith('.conf.ext')) return 'dovecot';
  }
  if (text === undefined) return undefined;
  const head = text.slice(0, 64 * 1024);
  if (MASTER_LINE.test(head)) return 'postfix-master';
  if (DOVECOT_LINE.test(head)) return 'dovecot';
  if (MAIN_LINE.test(head)) return 'postfix-main';
  return undefined;
}

/** Analyses a file or directory; returns one analysis per server found (empty when none). */
export function analyzePath(path: string, options: AnalyzeOptions = {}): ConfigAnalysis[] {
  const abs = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false; // an unsaved buffer may exist only in the editor
  }
  return analyzeOnly(abs, isDir, options).map((a) => withSuppressions(a, options));
}

function analyzeOnly(abs: string, isDir: boolean, options: AnalyzeOptions): ConfigAnalysis[] {
  if (isDir) return analyzeDirectory(abs, options);
  const text = readConfigText(abs, options);
  const kind = detectConfigKind(abs, text);
  const dir = dirname(abs);
  if (kind === 'postfix-main') return [fromPostfix(analyzePostfix(dir, options, { mainCf: abs, masterCf: join(dir, 'master.cf') }))];
  if (kind === 'postfix-master') return [fromPostfix(analyzePostfix(dir, options, { mainCf: join(dir, 'main.cf'), masterCf: abs }))];
  if (kind === 'dovecot') return [fromDovecot(analyzeDovecot(dovecotRoot(abs), options))];
  return [];
}

/** Suppression comments of every file read, and the ignore option; see ./suppressions.ts. */
function withSuppressions(a: ConfigAnalysis, options: AnalyzeOptions): ConfigAnalysis {
  const texts = new Map<string, string>();
  for (const file of a.files) {
    const text = readConfigText(file, options);
    if (text !== undefined) texts.set(file, text);
  }
  const emitted = new Set(a.findings.map((f) => f.id));
  const known = (id: string) => isKnownRuleId(id) || emitted.has(id);
  const r = applySuppressions(a.findings, texts, options.ignore ?? [], known);
  r.findings.sort(compareByLocation);
  return { ...a, findings: r.findings, suppressed: r.suppressed };
}

function analyzeDirectory(dir: string, options: AnalyzeOptions): ConfigAnalysis[] {
  const out: ConfigAnalysis[] = [];
  if (existsSync(join(dir, 'main.cf')) || existsSync(join(dir, 'master.cf'))) out.push(fromPostfix(analyzePostfix(dir, options)));
  if (existsSync(join(dir, 'dovecot.conf'))) out.push(fromDovecot(analyzeDovecot(join(dir, 'dovecot.conf'), options)));
  // A parent such as /etc: look one level down.
  if (out.length === 0) {
    if (existsSync(join(dir, 'postfix', 'main.cf')) || existsSync(join(dir, 'postfix', 'master.cf'))) out.push(fromPostfix(analyzePostfix(join(dir, 'postfix'), options)));
    if (existsSync(join(dir, 'dovecot', 'dovecot.conf'))) out.push(fromDovecot(analyzeDovecot(join(dir, 'dovecot', 'dovecot.conf'), options)));
  }
  return out;
}

/** A conf.d file is analysed from the dovecot.conf that includes it, when there is one. */
function dovecotRoot(file: string): string {
  if (basename(dirname(file)) === 'conf.d') {
    const root = join(dirname(dirname(file)), 'dovecot.conf');
    if (existsSync(root)) return root;
  }
  return file;
}

function fromPostfix(a: PostfixAnalysis): ConfigAnalysis {
  return { server: 'postfix', root: a.configDir, files: a.files, findings: a.findings, endpoints: a.endpoints, host: a.host, suppressed: [], postfix: a };
}

function fromDovecot(a: DovecotAnalysis): ConfigAnalysis {
  return { server: 'dovecot', root: a.root, files: a.files, findings: a.findings, endpoints: a.endpoints, host: a.host, suppressed: [], dovecot: a };
}
