/**
 * Dovecot config intelligence: `analyzeDovecot(file)` reads the config and everything it
 * includes, folds the effective settings, lists listeners and probe endpoints, and runs the
 * TLS checks. Pure Node; never throws on bad input.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { compareByLocation } from '../order';
import { checkCertificateFiles, type CertFileRef, type LeafCertificateInfo } from '../certFiles';
import type { AnalyzeOptions } from '../options';
import { certificateNames, describeHost, hostFromCertificate, isLiveRoot, type DescribedHost } from '../host';
import { templateFinding } from '../templates';
import { describeEvidence, dovecotGeneration, type DovecotGeneration } from './generation';
import type { ConfigEndpoint, ConfigFinding, SourceRange } from '../types';
import { runChecks } from './checks';
import { readDovecotDocument, type DovecotDocument } from './document';
import { EffectiveConfig, type Assignment, type FilterCriteria, type LookupContext } from './effective';
import type { SettingNode } from './document';
import { valueWhereWritten } from './scope';
import { endpointsOf, findListeners, type DovecotListener } from './listeners';
import { SYNTAX_DOC_23, SYNTAX_DOC_24, settingDocUrl } from './settingsDocs';

export type { DovecotDocument, DovecotNode, SectionNode, SettingNode, IncludeNode } from './document';
export type { Assignment, LookupContext, EffectiveSection, FilterCriteria } from './effective';
export { scopeOf, type SettingScope, type Reach } from './scope';
export type { DovecotListener } from './listeners';
export type { DovecotGeneration, GenerationEvidence } from './generation';
export { settingDoc, SETTING_DOCS, RENAMES_24, type DovecotSettingDoc } from './settingsDocs';
export type { AnalyzeOptions } from '../options';

export interface DovecotAnalysis {
  version: '2.3' | '2.4';
  /** How the version was found (a fragment's is inferred from its names). */
  generation: DovecotGeneration;
  root: string;
  /** Every file read, root first. */
  files: string[];
  document: DovecotDocument;
  /** The value in force for a setting name or doveconf path (`service/imap-login/inet_listener/imaps/port`). */
  effective(name: string, context?: LookupContext): Assignment | undefined;
  config: EffectiveConfig;
  listeners: DovecotListener[];
  findings: ConfigFinding[];
  endpoints: ConfigEndpoint[];
  /** Leaf certificates found in the configured files (when certificate files were checked). */
  certificates: LeafCertificateInfo[];
  /** The host this config describes (see ../host.ts). */
  host: DescribedHost;
  /**
   * For a setting written inside `local`/`remote`/`protocol` blocks: the blocks and the value in
   * force there (the hover shows it instead of the global value). Undefined for a global setting.
   */
  scopedValue(node: SettingNode): { criteria: FilterCriteria; assignment?: Assignment } | undefined;
}

/** Findings about what the parser read: unreliable where a template engine rewrites the lines. */
const SYNTAX_IDS = new Set(['dovecot-syntax-error', 'dovecot-unknown-setting', 'dovecot-ambiguous-comment', 'dovecot-continuation-dropped']);

/** Findings that rest on the generation: where it was inferred, the message says from what. */
const INFERRED_IDS = new Set(['dovecot-unknown-setting', 'dovecot-24-section-syntax', 'dovecot-24-renamed-setting']);

const zeroRange = (file: string): SourceRange => ({ file, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });

export function analyzeDovecot(file: string, options: AnalyzeOptions = {}): DovecotAnalysis {
  const root = resolve(file);
  const readOptions: Parameters<typeof readDovecotDocument>[1] = {};
  if (options.readText) readOptions.readText = options.readText;
  if (options.signal) readOptions.signal = options.signal;
  if (options.mayRead) readOptions.mayRead = options.mayRead;
  const copied = !isLiveRoot(root, 'dovecot', options);
  readOptions.copied = copied;
  const document = readDovecotDocument(root, readOptions);
  // A conf.d file linted on its own: its names tell the generation (see generation.ts).
  const generation = dovecotGeneration(root, document);
  const { version } = generation;
  const config = new EffectiveConfig(document.children, version);
  const listeners = findListeners(config, zeroRange(root));
  const syntaxDoc = version === '2.4' ? SYNTAX_DOC_24 : SYNTAX_DOC_23;
  const findings: ConfigFinding[] = document.problems.map((p) => ({ ...p, docUrl: syntaxDoc }));
  let certificates: LeafCertificateInfo[] = [];
  const templateFiles = new Set<string>();
  const hostSetting = config.get('hostname');
  let host = describeHost(root, 'dovecot', hostSetting ? { setting: 'hostname', value: hostSetting.expanded, range: hostSetting.node.valueRange } : undefined, options);
  try {
    findings.push(...runChecks({ doc: document, config, generation, listeners }));
    for (const f of document.files) {
      const t = templateFinding(readForTemplate(f, options), f, 'dovecot', syntaxDoc);
      if (t) {
        findings.push(t);
        templateFiles.add(f);
      }
    }
    if (options.checkCertificateFiles !== false && !options.signal?.aborted) {
      const report = certificateReport(config, version, options, host, copied);
      findings.push(...report.findings);
      certificates = report.leaves;
      host = hostFromCertificate(host, certificates.map((l) => l.subjectAltNames));
    }
  } catch (err) {
    // A bug in a check must not take the editor's diagnostics down with it.
    findings.push({ id: 'dovecot-internal-error', severity: 'info', message: `A check failed: ${(err as Error).message}`, range: zeroRange(root), docUrl: syntaxDoc });
  }
  findings.sort(compareByLocation);
  const adjusted = findings.map((f): ConfigFinding => {
    // Settings may be set in an include that exists only on the server.
    if (f.id === 'dovecot-ssl-cert-missing' && document.notHere.length > 0) {
      return { ...f, severity: 'info' as const, message: `${f.message} It may be set in ${document.notHere[0]}, which is not on this machine.` };
    }
    if (generation.source === 'inferred' && INFERRED_IDS.has(f.id)) {
      const evidence = generation.only24 ?? generation.only23!;
      f = { ...f, message: `${f.message} (This file has no dovecot_config_version: ${version} is inferred from ${describeEvidence(evidence)}, a name only ${version} knows.)` };
    }
    return templateFiles.has(f.range.file) && SYNTAX_IDS.has(f.id) && f.severity !== 'info'
      ? { ...f, severity: 'info' as const, message: `${f.message} (In a template: the rendered file may differ.)` }
      : f;
  });
  return {
    version,
    generation,
    root,
    files: document.files,
    document,
    effective: (name, context) => config.get(name, context),
    config,
    listeners,
    findings: adjusted,
    endpoints: endpointsOf(listeners, host),
    certificates,
    host,
    scopedValue: (node) => valueWhereWritten(node, config, document.children),
  };
}

/**
 * The certificate/key pairs in force: the global one and each filter's (`local`,
 * `local_name`, `protocol`) that names its own, checked once per distinct pair.
 */
function certificateReport(config: EffectiveConfig, version: '2.3' | '2.4', options: AnalyzeOptions, host: DescribedHost, copied: boolean): { findings: ConfigFinding[]; leaves: LeafCertificateInfo[] } {
  const findings: ConfigFinding[] = [];
  const leaves: LeafCertificateInfo[] = [];
  if ((config.get('ssl')?.value ?? 'yes') === 'no') return { findings, leaves };
  const certName = version === '2.4' ? 'ssl_server_cert_file' : 'ssl_cert';
  const keyName = version === '2.4' ? 'ssl_server_key_file' : 'ssl_key';
  const ref = (a: Assignment | undefined, name: string): CertFileRef | undefined => {
    if (!a || a.node.value === '') return undefined;
    const range = a.node.valueRange;
    const docUrl = settingDocUrl(name, version);
    if (version === '2.3' && a.node.valueKind !== 'file') return a.node.value.includes('-----BEGIN') ? { text: a.node.value, range, docUrl } : undefined;
    return { path: settingFilePath(a), range, docUrl };
  };
  const configured = config.get('hostname');
  // The local machine's name only for the live folder: a copied config describes another host.
  const defaultNames = certificateNames(host, configured?.value ? { name: configured.value, range: configured.node.valueRange } : undefined);
  const scopes = [{ settings: config.global.settings, names: defaultNames }];
  for (const f of config.filters) {
    if (!f.root.settings.has(certName) && !f.root.settings.has(keyName)) continue;
    scopes.push({ settings: f.root.settings, names: f.criteria.local_name ? [{ name: f.criteria.local_name }] : defaultNames });
  }
  const seen = new Set<string>();
  for (const scope of scopes) {
    const certA = scope.settings.get(certName) ?? config.global.settings.get(certName);
    const keyA = scope.settings.get(keyName) ?? config.global.settings.get(keyName);
    const pairKey = `${certA?.node.value}\u0000${keyA?.node.value}`;
    const cert = ref(certA, certName);
    if (!cert || seen.has(pairKey)) continue;
    seen.add(pairKey);
    const key = ref(keyA, keyName);
    const report = checkCertificateFiles({
      idPrefix: 'dovecot',
      docUrl: cert.docUrl ?? settingDocUrl(certName, version),
      cert,
      ...(key ? { key } : {}),
      hostnames: scope.names,
      copied,
      ...(options.caPem ? { caPem: options.caPem } : {}),
      ...(options.expiryWarningDays !== undefined ? { expiryWarningDays: options.expiryWarningDays } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.mayRead ? { mayRead: options.mayRead } : {}),
    });
    findings.push(...report.findings);
    leaves.push(...report.leaves);
  }
  return { findings, leaves };
}

/** The file a `<path` value (2.3) or a file setting (2.4) names, relative paths from its own file. */
export function settingFilePath(a: Assignment): string {
  const raw = a.node.value.replace(/^<\s*/, '');
  return isAbsolute(raw) ? raw : resolve(dirname(a.file), raw);
}

function readForTemplate(file: string, options: AnalyzeOptions): string {
  try {
    return options.readText?.(file) ?? readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}
