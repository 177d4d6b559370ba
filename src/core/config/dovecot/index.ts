/**
 * Dovecot config intelligence: `analyzeDovecot(file)` reads the config and everything it
 * includes, folds the effective settings, lists listeners and probe endpoints, and runs the
 * TLS checks. Pure Node; never throws on bad input.
 */
import { hostname as systemHostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { checkCertificateFiles, type CertFileRef, type LeafCertificateInfo } from '../certFiles';
import type { ConfigEndpoint, ConfigFinding, SourceRange } from '../types';
import { runChecks, visitSettings } from './checks';
import { readDovecotDocument, type DovecotDocument } from './document';
import { EffectiveConfig, type Assignment, type LookupContext } from './effective';
import { endpointsOf, findListeners, type DovecotListener } from './listeners';
import { SYNTAX_DOC_23, SYNTAX_DOC_24, settingDocUrl } from './settingsDocs';

export type { DovecotDocument, DovecotNode, SectionNode, SettingNode, IncludeNode } from './document';
export type { Assignment, LookupContext, EffectiveSection } from './effective';
export type { DovecotListener } from './listeners';
export { settingDoc, SETTING_DOCS, RENAMES_24, type DovecotSettingDoc } from './settingsDocs';

export interface AnalyzeOptions {
  /** Unsaved editor buffers win over the disk. */
  readText?: (absPath: string) => string | undefined;
  signal?: AbortSignal;
  /** Read the certificate and key files the config names. Default true. */
  checkCertificateFiles?: boolean;
}

export interface DovecotAnalysis {
  version: '2.3' | '2.4';
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
}

const zeroRange = (file: string): SourceRange => ({ file, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });

export function analyzeDovecot(file: string, options: AnalyzeOptions = {}): DovecotAnalysis {
  const root = resolve(file);
  const readOptions: Parameters<typeof readDovecotDocument>[1] = {};
  if (options.readText) readOptions.readText = options.readText;
  if (options.signal) readOptions.signal = options.signal;
  const document = readDovecotDocument(root, readOptions);
  const version = visitSettings(document.children).some((s) => s.node.name === 'dovecot_config_version') ? '2.4' : '2.3';
  const config = new EffectiveConfig(document.children, version);
  const listeners = findListeners(config, zeroRange(root));
  const syntaxDoc = version === '2.4' ? SYNTAX_DOC_24 : SYNTAX_DOC_23;
  const findings: ConfigFinding[] = document.problems.map((p) => ({ ...p, docUrl: syntaxDoc }));
  let certificates: LeafCertificateInfo[] = [];
  try {
    findings.push(...runChecks({ doc: document, config, version, listeners }));
    if (options.checkCertificateFiles !== false && !options.signal?.aborted) {
      const report = certificateReport(config, version);
      findings.push(...report.findings);
      certificates = report.leaves;
    }
  } catch (err) {
    // A bug in a check must not take the editor's diagnostics down with it.
    findings.push({ id: 'dovecot-internal-error', severity: 'info', message: `A check failed: ${(err as Error).message}`, range: zeroRange(root), docUrl: syntaxDoc });
  }
  findings.sort((a, b) => a.range.file.localeCompare(b.range.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return {
    version,
    root,
    files: document.files,
    document,
    effective: (name, context) => config.get(name, context),
    config,
    listeners,
    findings,
    endpoints: endpointsOf(listeners),
    certificates,
  };
}

/** The certificate and key the global scope names, as the shared certificate checks take them. */
function certificateReport(config: EffectiveConfig, version: '2.3' | '2.4'): { findings: ConfigFinding[]; leaves: LeafCertificateInfo[] } {
  if ((config.get('ssl')?.value ?? 'yes') === 'no') return { findings: [], leaves: [] };
  const ref = (name: string): CertFileRef | undefined => {
    const a = config.get(name);
    if (!a || a.node.value === '') return undefined;
    const range = a.node.valueRange;
    const docUrl = settingDocUrl(name, version);
    if (version === '2.3' && a.node.valueKind !== 'file') return a.node.value.includes('-----BEGIN') ? { text: a.node.value, range, docUrl } : undefined;
    const raw = a.node.value.replace(/^<\s*/, '');
    return { path: isAbsolute(raw) ? raw : resolve(dirname(a.file), raw), range, docUrl };
  };
  const cert = ref(version === '2.4' ? 'ssl_server_cert_file' : 'ssl_cert');
  if (!cert) return { findings: [], leaves: [] };
  const key = ref(version === '2.4' ? 'ssl_server_key_file' : 'ssl_key');
  const configured = config.get('hostname');
  const hostnames = configured?.value ? [{ name: configured.value, range: configured.node.valueRange }] : [{ name: systemHostname() }];
  return checkCertificateFiles({ idPrefix: 'dovecot', docUrl: cert.docUrl ?? settingDocUrl('ssl_cert', version), cert, ...(key ? { key } : {}), hostnames });
}
