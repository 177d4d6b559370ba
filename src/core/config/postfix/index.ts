/** Postfix config intelligence: parse main.cf and master.cf, resolve effective settings, check them. */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareByLocation } from '../order';
import type { ConfigEndpoint, ConfigFinding, SourceRange } from '../types';
import { AnalyzeOptions, MAX_CONFIG_BYTES } from '../options';
import { checkServiceCertificates, ServiceCertificates } from './certs';
import { checkDane } from './checksDane';
import { checkGlobal } from './checksGlobal';
import { checkLatent } from './checksLatent';
import { checkDeprecated, checkExpansion, checkMainCfSyntax, checkMasterCfSyntax } from './checksMain';
import { checkService } from './checksService';
import { checkValues } from './checksValues';
import { DEFAULT_POSTFIX_VERSION } from './defaults';
import { MASTER_DOC, POSTCONF_DOC } from './rules';
import { ParamScope } from './effective';
import { loopbackOnly, postfixEndpoints } from './endpoints';
import { certificateNames, describeHost, hostFromCertificate, isLiveRoot, type DescribedHost } from '../host';
import { isTemplateValue, templateFinding } from '../templates';
import { MainCfDocument, parseMainCf } from './mainCf';
import { MasterCfDocument, parseMasterCf } from './masterCf';
import { buildServices, isSmtpd, PostfixService } from './services';

export type { EffectiveValue, ValueSource } from './effective';
export type { MainCfDocument, MainCfEntry } from './mainCf';
export type { MasterCfDocument, MasterEntry, MasterOption } from './masterCf';
export type { PostfixService, ServiceRole } from './services';
export { POSTFIX_RULES } from './rules';
export { parseMainCf } from './mainCf';
export { parseMasterCf } from './masterCf';

/** The services Postfix's own conf/master.cf and Debian's master.cf.dist run on the network. */
const STOCK_MASTER_CF = 'smtp      inet  n       -       y       -       -       smtpd\n';

export interface PostfixAnalysis {
  configDir: string;
  /** Files read, absolute. */
  files: string[];
  mainCf?: MainCfDocument;
  masterCf?: MasterCfDocument;
  services: PostfixService[];
  /** main.cf over defaults, without any service's `-o` (the values `postconf` shows). */
  global: ParamScope;
  findings: ConfigFinding[];
  endpoints: ConfigEndpoint[];
  /** The configured certificates, leaf fingerprints included, to compare with what a probe sees. */
  certificates: ServiceCertificates[];
  version: string;
  /** The host this config describes (see ../host.ts). */
  host: DescribedHost;
}

export interface PostfixPaths {
  mainCf?: string;
  masterCf?: string;
}

export function readConfigText(path: string, options: AnalyzeOptions): string | undefined {
  const buffered = options.readText?.(path);
  if (buffered !== undefined) return buffered;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    const text = readFileSync(path, 'latin1');
    return text.length > MAX_CONFIG_BYTES ? text.slice(0, MAX_CONFIG_BYTES) : text;
  } catch {
    return undefined;
  }
}

export function analyzePostfix(configDir: string, options: AnalyzeOptions = {}, paths: PostfixPaths = {}): PostfixAnalysis {
  const dir = resolve(configDir);
  const version = options.postfixVersion ?? DEFAULT_POSTFIX_VERSION;
  const mainPath = resolve(paths.mainCf ?? join(dir, 'main.cf'));
  const masterPath = resolve(paths.masterCf ?? join(dir, 'master.cf'));
  const files: string[] = [];
  const mainText = readConfigText(mainPath, options);
  const masterText = readConfigText(masterPath, options);
  const mainCf = mainText === undefined ? undefined : parseMainCf(mainText, mainPath);
  const masterCf = masterText === undefined ? undefined : parseMasterCf(masterText, masterPath);
  // main.cf alone: Postfix's stock master.cf (one smtpd on port 25), so the certificate, key and
  // port 25 checks still run. Its lines stand at main.cf's first line.
  const stockMaster = mainText !== undefined && masterCf === undefined ? parseMasterCf(STOCK_MASTER_CF, mainPath) : undefined;
  if (mainCf) files.push(mainPath);
  if (masterCf) files.push(masterPath);
  options.signal?.throwIfAborted();

  const global = new ParamScope(mainCf, [], version);
  const named = global.isSet('myhostname') ? global.effective('myhostname') : undefined;
  let host = describeHost(dir, 'postfix', named ? { setting: 'myhostname', value: named.expanded, ...(named.range ? { range: named.range } : {}) } : undefined, options);
  const services = buildServices(mainCf, masterCf ?? stockMaster, version, global);
  const findings: ConfigFinding[] = [];
  const templateFiles = new Set<string>();
  let certificates: ServiceCertificates[] = [];
  try {
    if (mainCf) findings.push(...checkMainCfSyntax(mainCf));
    if (stockMaster && mainCf) findings.push({ id: 'postfix-stock-master-cf', severity: 'info', message: `No master.cf beside main.cf: Postfix's stock master.cf is assumed (smtp inet n - y - - smtpd, as Postfix and Debian ship it), so the services' TLS, certificate and key checks run on it.`, range: firstLine(mainCf), docUrl: MASTER_DOC });
    if (masterCf) findings.push(...checkMasterCfSyntax(masterCf, services));
    findings.push(...checkDeprecated(mainCf, services));
    findings.push(...checkValues(mainCf, services));
    findings.push(...checkExpansion(mainCf, services, global));
    findings.push(...checkGlobal(global, mainCf ? firstLine(mainCf) : undefined));
    findings.push(...checkLatent(global, services));
    findings.push(...checkDane(global, services, mainCf ? firstLine(mainCf) : undefined));
    // A service whose name is a placeholder (PH_ADDRESS:PH_PORT) is filled in at deploy time.
    for (const s of services) if (isSmtpd(s) && !isTemplateValue(s.name)) findings.push(...scoped(checkService(s, version), s, global, mainCf !== undefined));
    for (const [path, text] of [[mainPath, mainText], [masterPath, masterText]] as const) {
      const t = text === undefined ? undefined : templateFinding(text, path, 'postfix', POSTCONF_DOC);
      if (t) findings.push(t);
      if (t) templateFiles.add(path);
    }
    options.signal?.throwIfAborted();
    if (options.checkCertificateFiles !== false) {
      const certs = checkServiceCertificates(services, { baseDir: dir, expiryWarningDays: options.expiryWarningDays, now: options.now, defaultNames: certificateNames(host), copied: !isLiveRoot(dir, 'postfix', options), mayRead: options.mayRead, caPem: options.caPem });
      findings.push(...certs.findings);
      certificates = certs.certificates;
      host = hostFromCertificate(host, certificates.flatMap((c) => c.leaves.map((l) => l.subjectAltNames)));
    }
  } catch (err) {
    if (options.signal?.aborted) throw err;
    // A bug in one check must not take the editor's diagnostics down with it.
    const at = mainCf ? firstLine(mainCf) : { file: masterPath, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    findings.push({ id: 'postfix-internal-error', severity: 'info', message: `A check failed: ${(err as Error).message}`, range: at, docUrl: POSTCONF_DOC });
  }
  return { configDir: dir, files, mainCf, masterCf, services, global, findings: sortedUnique(findings.map((f) => (f.id === 'postfix-syntax' && templateFiles.has(f.range.file) ? { ...f, severity: 'info' as const, message: `${f.message} (In a template: the rendered file may differ.)` } : f))), endpoints: postfixEndpoints(services, global, host), certificates, version, host };
}

/** Where a finding about a global default goes: main.cf's first line. */
function firstLine(doc: MainCfDocument): SourceRange {
  return { file: doc.file, start: { line: 0, character: 0 }, end: { line: 0, character: doc.lineLengths[0] ?? 0 } };
}

/**
 * Sorted by place, each finding once: the same finding at the same place (a main.cf line shared
 * by services) is reported once. Duplicates share a place, so after sorting they stand in the
 * same run of equal places and only such a run needs comparing.
 */
function sortedUnique(findings: ConfigFinding[]): ConfigFinding[] {
  findings.sort(compareByLocation);
  const out: ConfigFinding[] = [];
  for (let i = 0; i < findings.length; ) {
    let end = i + 1;
    while (end < findings.length && compareByLocation(findings[i]!, findings[end]!) === 0) end++;
    if (end === i + 1) out.push(findings[i]!);
    else {
      const seen = new Set<string>();
      for (let k = i; k < end; k++) {
        const f = findings[k]!;
        const key = `${f.id}|${f.message}`;
        if (!seen.has(key)) out.push(f);
        seen.add(key);
      }
    }
    i = end;
  }
  return out;
}

export { postfixSettingDoc, type PostfixSettingDoc } from './settingsDocs';

/**
 * Severity follows who can reach a service: one bound only to loopback serves local clients
 * (a content filter's reinjection port, a webmail on the same host), so its findings are information.
 */
function scoped(findings: ConfigFinding[], s: PostfixService, global: ParamScope, haveMain: boolean): ConfigFinding[] {
  if (!haveMain) {
    // master.cf alone (main.cf generated at deploy time): what rests on Postfix's defaults is a guess.
    return findings.map((f) => (f.severity !== 'info' && (f.message.includes("Postfix's default") || f.id === 'postfix-no-certificate') ? { ...f, severity: 'info', message: `${f.message} No main.cf is beside this master.cf, so Postfix's defaults stand in for it.` } : f));
  }
  if (s.type !== 'inet' || !loopbackOnly(s, global)) return findings;
  return findings.map((f) => (f.severity === 'info' ? f : { ...f, severity: 'info', message: `${f.message} Only local clients reach it: ${s.name}/${s.type} listens on loopback only.` }));
}
