// Joins a config with the live result of the endpoints it declares: the config asks for
// TLS 1.2+ but the server accepted TLS 1.0; the served certificate is not the configured file;
// the served certificate expires soon. Pure: no vscode, no I/O.
import type { SourceRange } from '../config/types';
import { expiresSoon } from '../defaults';
import type { ProbeResult, TlsVersionName } from '../probe/types';
import { TLS_VERSIONS as ORDER, TLS_VERSION_LABEL as LABEL } from '../probe/versions';
import type { EndpointCiphers } from './cipherSettings';
import type { LiveFinding } from './types';


/** What the config says about one declared endpoint. */
export interface JoinEndpoint {
  target: string;
  declaredAt: SourceRange;
  /** The oldest TLS version the config allows on this endpoint, and the setting that says so. */
  minVersion?: { version: TlsVersionName; setting: string; range: SourceRange; docUrl: string };
  /** The certificates the config serves here, with the leaf fingerprint read from each file. */
  certificates?: { setting: string; file: string; fingerprint256: string; range: SourceRange; docUrl: string; chainDer?: string[] }[];
  /** The names the config gives this server (Postfix `myhostname`), to tie it to an MX host. */
  serverNames?: string[];
  /** The cipher settings that govern this endpoint (see ./cipherSettings.ts). */
  ciphers?: EndpointCiphers;
}

export interface JoinOptions {
  expiryWarningDays: number;
  /** Documentation of the expiry finding (the certificate setting's page when known). */
  expiryDocUrl: string;
}

export function joinLive(endpoint: JoinEndpoint, result: ProbeResult, options: JoinOptions): LiveFinding[] {
  const findings: LiveFinding[] = [];
  const port = portOf(endpoint.target);

  const min = endpoint.minVersion;
  if (min) {
    const minIndex = ORDER.indexOf(min.version);
    const older = ORDER.filter((v, i) => i < minIndex && result.versions[v] === true);
    if (older.length > 0) {
      findings.push({
        id: 'live-version-below-config',
        severity: 'warning',
        message: `The config asks for ${LABEL[min.version]} or newer (${min.setting}), but the server on :${port} accepted ${older.map((v) => LABEL[v]).join(' and ')}. ` +
          'The running server may use another config, or not have been reloaded.',
        range: min.range,
        docUrl: min.docUrl,
        target: endpoint.target,
        explains: 'tls-legacy-version',
      });
    }
  }

  const leaf = result.certificate?.chain[0];
  const configured = endpoint.certificates ?? [];
  if (leaf && configured.length > 0) {
    const served = normalize(leaf.fingerprint256);
    if (!configured.some((c) => normalize(c.fingerprint256) === served)) {
      const first = configured[0]!;
      findings.push({
        id: 'live-cert-not-configured-file',
        severity: 'warning',
        message: `The certificate served on :${port} (SHA-256 ${short(leaf.fingerprint256)}) is not the file ${first.setting} names ` +
          `(${first.file}, SHA-256 ${short(first.fingerprint256)}). The server may not have been reloaded since the file changed.`,
        range: first.range,
        docUrl: first.docUrl,
        target: endpoint.target,
      });
    }
  }

  const cert = result.certificate;
  if (cert && cert.chain.length > 0 && (cert.daysLeft < 0 || expiresSoon(cert.daysLeft, options.expiryWarningDays))) {
    const expired = cert.daysLeft < 0;
    findings.push({
      id: expired ? 'live-cert-expired' : 'live-cert-expiring',
      severity: expired ? 'error' : 'warning',
      message: expired
        ? `The certificate served on :${port} expired ${-cert.daysLeft} day(s) ago (${cert.chain[0]!.notAfter}).`
        : `The certificate served on :${port} expires in ${cert.daysLeft} day(s) (${cert.chain[0]!.notAfter}).`,
      range: configured[0]?.range ?? endpoint.declaredAt,
      docUrl: configured[0]?.docUrl ?? options.expiryDocUrl,
      target: endpoint.target,
      explains: expired ? 'cert-expired' : 'cert-expiring-soon',
    });
  }
  return findings;
}

/** The oldest version a Postfix protocol list allows (`>=TLSv1.2`, `!SSLv2, !TLSv1`, `TLSv1.2 TLSv1.3`). */
export function minVersionOfPostfixList(list: string): TlsVersionName | undefined {
  const tokens = list.split(/[\s,:]+/).filter(Boolean);
  if (tokens.length === 0) return 'TLSv1';
  let allowed = new Set<TlsVersionName>(ORDER);
  const positives = new Set<TlsVersionName>();
  for (const raw of tokens) {
    const m = /^(!|>=|<=)?(SSLv2|SSLv3|TLSv1(?:\.[0-3])?)$/i.exec(raw);
    if (!m) continue;
    const version = canonicalVersion(m[2]!);
    if (!version) continue;
    const index = ORDER.indexOf(version);
    if (m[1] === '!') allowed.delete(version);
    else if (m[1] === '>=') allowed = new Set([...allowed].filter((v) => ORDER.indexOf(v) >= index));
    else if (m[1] === '<=') allowed = new Set([...allowed].filter((v) => ORDER.indexOf(v) <= index));
    else positives.add(version);
  }
  if (positives.size > 0) allowed = new Set([...allowed].filter((v) => positives.has(v)));
  return ORDER.find((v) => allowed.has(v));
}

/** Dovecot's `ssl_min_protocol` value as a version name (`SSLv3` and `ANY` allow everything). */
export function minVersionOfDovecot(value: string): TlsVersionName | undefined {
  const v = value.trim();
  if (/^(ANY|SSLv3)$/i.test(v)) return 'TLSv1';
  return canonicalVersion(v);
}

function canonicalVersion(text: string): TlsVersionName | undefined {
  const t = text.toUpperCase();
  if (t === 'SSLV2' || t === 'SSLV3') return undefined;
  if (t === 'TLSV1' || t === 'TLSV1.0') return 'TLSv1';
  if (t === 'TLSV1.1') return 'TLSv1.1';
  if (t === 'TLSV1.2') return 'TLSv1.2';
  if (t === 'TLSV1.3') return 'TLSv1.3';
  return undefined;
}

function portOf(target: string): string {
  return /:(\d+)$/.exec(target)?.[1] ?? '?';
}

function normalize(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

function short(fingerprint: string): string {
  return fingerprint.split(':').slice(0, 4).join(':') + '…';
}
