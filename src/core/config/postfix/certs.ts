/** Runs the shared certificate-file checks once for each distinct certificate setup in use. */
import { checkCertificateFiles, CertFileRef, LeafCertificateInfo } from '../certFiles';
import type { ConfigFinding, SourceRange } from '../types';
import { paramDoc } from './rules';
import { isSmtpd, PostfixService, tlsOffered } from './services';

export interface ServiceCertificates {
  /** `name/type` of the services that use these files. */
  services: string[];
  leaves: LeafCertificateInfo[];
}

export interface CertCheckOptions {
  baseDir: string;
  expiryWarningDays?: number;
  now?: Date;
  mayRead?: (absPath: string) => boolean;
  /** Names to check when myhostname is not set: the user's host, or this machine's for the live folder. */
  defaultNames?: { name: string }[];
  /** Not this machine's live config: missing files are on the server. */
  copied?: boolean;
  caPem?: string;
}

function paths(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean).slice(0, 16);
}

/** Services share a check when they name the same files at the same config text. */
function setupKey(pairs: { cert?: CertFileRef; key?: CertFileRef; chainFiles?: CertFileRef[] }[], hostnames: { name: string }[]): string {
  const at = (r?: CertFileRef) => (r ? `${r.path}@${r.range.file}:${r.range.start.line}:${r.range.start.character}` : '');
  const parts = pairs.map((p) => [at(p.cert), at(p.key), ...(p.chainFiles ?? []).map(at)].join('|'));
  return `${parts.join(';')}#${hostnames.map((h) => h.name).join(',')}`;
}

const TLSPROXY_FILES = ['chain_files', 'cert_file', 'key_file', 'eccert_file', 'eckey_file'].map((p) => `tlsproxy_tls_${p}`);

/**
 * Whose certificate settings a service serves: an smtpd's `smtpd_tls_*`; tlsproxy's (postscreen's
 * STARTTLS) `tlsproxy_tls_*`, checked only where one is written, since by default they are the
 * `smtpd_tls_*` files an smtpd service already has checked.
 */
function certificatePrefix(s: PostfixService): 'smtpd_tls_' | 'tlsproxy_tls_' | null {
  if (isSmtpd(s)) return tlsOffered(s) ? 'smtpd_tls_' : null;
  if (s.command === 'tlsproxy' && TLSPROXY_FILES.some((p) => s.effective(p).source !== 'default')) return 'tlsproxy_tls_';
  return null;
}

export function checkServiceCertificates(services: PostfixService[], opts: CertCheckOptions): { findings: ConfigFinding[]; certificates: ServiceCertificates[] } {
  const findings: ConfigFinding[] = [];
  const bySetup = new Map<string, ServiceCertificates>();
  for (const s of services) {
    const prefix = certificatePrefix(s);
    if (!prefix) continue;
    const refOf = (param: string, path: string, fallback?: SourceRange): CertFileRef => ({ path, range: s.effective(param).range ?? fallback ?? s.range, docUrl: paramDoc(param) });
    const chain = paths(s.effective(`${prefix}chain_files`).expanded);
    const pairs: { cert?: CertFileRef; key?: CertFileRef; chainFiles?: CertFileRef[] }[] = [];
    if (chain.length > 0) {
      pairs.push({ chainFiles: chain.map((p) => refOf(`${prefix}chain_files`, p)) });
    } else {
      for (const [certParam, keyParam] of [[`${prefix}cert_file`, `${prefix}key_file`], [`${prefix}eccert_file`, `${prefix}eckey_file`]] as const) {
        const certPath = s.effective(certParam).expanded.trim();
        if (!certPath) continue;
        const certRef = refOf(certParam, certPath);
        const keyPath = s.effective(keyParam).expanded.trim() || certPath;
        pairs.push({ cert: certRef, key: refOf(keyParam, keyPath, certRef.range) });
      }
    }
    const myhostname = s.scope.isSet('myhostname') ? s.effective('myhostname') : undefined;
    const hostnames = myhostname?.expanded.trim() ? [{ name: myhostname.expanded.trim(), range: myhostname.range }] : (opts.defaultNames ?? []);
    const key = setupKey(pairs, hostnames);
    const known = bySetup.get(key);
    if (known) {
      known.services.push(`${s.name}/${s.type}`);
      continue;
    }
    const entry: ServiceCertificates = { services: [`${s.name}/${s.type}`], leaves: [] };
    bySetup.set(key, entry);
    for (const pair of pairs) {
      const report = checkCertificateFiles({
        idPrefix: 'postfix',
        docUrl: paramDoc(pair.chainFiles ? `${prefix}chain_files` : `${prefix}cert_file`),
        ...pair,
        hostnames,
        baseDir: opts.baseDir,
        expiryWarningDays: opts.expiryWarningDays,
        now: opts.now,
        copied: opts.copied,
        caPem: opts.caPem,
        mayRead: opts.mayRead,
      });
      findings.push(...report.findings);
      entry.leaves.push(...report.leaves);
    }
  }
  return { findings, certificates: [...bySetup.values()] };
}
