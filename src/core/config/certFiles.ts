/**
 * Checks of the certificate and key files a config points at, shared by Postfix and Dovecot:
 * readable, parseable, expiry, key matches the certificate, SANs cover the server's names,
 * and the leaf's issuer is present. Never throws for a bad file, never prints key material.
 */
import { X509Certificate, createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { notCheckedMessage } from './readScope';
import { isTemplateValue } from './templates';
import type { ConfigFinding, SourceRange } from './types';
import { DEFAULT_EXPIRY_WARNING_DAYS, expiresSoon } from '../defaults';

/** One configured file (or inline PEM text, as Dovecot 2.3 allows without `<`). */
export interface CertFileRef {
  /** Path as configured; relative paths resolve against `baseDir`. */
  path?: string;
  /** The PEM text itself, when the config holds it inline. */
  text?: string;
  /** What to blame: the value that names the file. */
  range: SourceRange;
  /** Documentation for findings about this file; default: the input's docUrl. */
  docUrl?: string;
}

export interface CertFileCheckInput {
  /** Prefix of the finding ids, e.g. `postfix` gives `postfix-cert-expired`. */
  idPrefix: string;
  docUrl: string;
  /** The certificate file: leaf first, intermediates after it (may hold the key too). */
  cert?: CertFileRef;
  /** The private key file; when absent, the key is looked for in `cert`. */
  key?: CertFileRef;
  /** Postfix `smtpd_tls_chain_files`: each key followed by its certificate chain, in order. */
  chainFiles?: CertFileRef[];
  /** Names the leaf's SANs should cover (e.g. `myhostname`, Dovecot `hostname`). */
  hostnames?: { name: string; range?: SourceRange }[];
  /** Days before expiry at which `<prefix>-cert-expiring` is raised. Default 30. */
  expiryWarningDays?: number;
  baseDir?: string;
  /** Clock, for tests. */
  now?: Date;
  /**
   * The config was copied from another machine (not the live /etc/postfix or /etc/dovecot): a
   * file that does not exist here is on the server, so information rather than an error.
   */
  copied?: boolean;
  /** PEM text of private roots (`--ca`, `mailTls.caFile`): a leaf they issued needs no intermediate. */
  caPem?: string;
  /** Files that may be opened (restricted mode); others are reported as not checked. */
  mayRead?: (absPath: string) => boolean;
}

export interface LeafCertificateInfo {
  /** Colon-separated upper-case hex, as `X509Certificate.fingerprint256` prints it. */
  fingerprint256: string;
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  file: string;
  /** The leaf and the certificates after it, base64 DER (public data): what a DANE client would be served. */
  chainDer: string[];
}

export interface CertFileReport {
  findings: ConfigFinding[];
  /** One per key/certificate pair found (Postfix may hold RSA and ECDSA pairs). */
  leaves: LeafCertificateInfo[];
}

/** Larger files are not certificate files; reading stays bounded. */
const MAX_FILE_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;

interface PemBlock {
  label: string;
  text: string;
}

interface LoadedFile {
  ref: CertFileRef;
  name: string;
  blocks: PemBlock[];
}

interface Pair {
  key?: { pem: string; ref: CertFileRef; name: string };
  certs: { cert: X509Certificate; ref: CertFileRef; name: string }[];
}

export function checkCertificateFiles(input: CertFileCheckInput): CertFileReport {
  const findings: ConfigFinding[] = [];
  const leaves: LeafCertificateInfo[] = [];
  const add = (suffix: string, severity: ConfigFinding['severity'], message: string, ref: CertFileRef): void => {
    findings.push({
      id: `${input.idPrefix}-${suffix}`,
      severity,
      message,
      range: ref.range,
      docUrl: ref.docUrl ?? input.docUrl,
    });
  };
  const load = (ref: CertFileRef): LoadedFile | undefined => {
    const loaded = loadPem(ref, input.baseDir, input.mayRead);
    if (loaded === TEMPLATE) return undefined;
    if (loaded === NOT_ALLOWED) {
      add('cert-file-not-checked', 'info', notCheckedMessage(resolvedPath(ref, input.baseDir)), ref);
      return undefined;
    }
    if (typeof loaded === 'object' && 'missing' in loaded) {
      if (input.copied) add('cert-file-not-here', 'info', `${loaded.missing} is not on this machine, so its certificate is not checked here (the config was copied from the server; lint it there, or copy the file beside it).`, ref);
      else add('cert-file-unreadable', 'error', `${loaded.missing} does not exist.`, ref);
      return undefined;
    }
    if (typeof loaded === 'string') {
      add('cert-file-unreadable', 'error', loaded, ref);
      return undefined;
    }
    return loaded;
  };

  const pairs = input.chainFiles?.length
    ? pairsFromChainFiles(input.chainFiles, load, add)
    : pairFromCertAndKey(input, load, add);

  const now = input.now ?? new Date();
  const privateRoots = input.caPem ? pemBlocks(input.caPem).filter((b) => b.label === 'CERTIFICATE').map((b) => parseCert(b.text)).filter((c): c is X509Certificate => c !== undefined) : [];
  const warnDays = input.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  for (const pair of pairs) {
    const leafEntry = pair.certs[0];
    if (!leafEntry) continue;
    const { cert: leaf, ref, name } = leafEntry;
    const notAfter = new Date(leaf.validTo);
    const notBefore = new Date(leaf.validFrom);
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
    leaves.push({
      fingerprint256: leaf.fingerprint256,
      subject: leaf.subject,
      issuer: leaf.issuer,
      subjectAltNames: splitSans(leaf.subjectAltName),
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      daysLeft,
      file: name,
      chainDer: pair.certs.map((c) => c.cert.raw.toString('base64')),
    });
    if (notAfter.getTime() < now.getTime()) {
      add('cert-expired', 'error', `The certificate in ${name} expired on ${notAfter.toISOString().slice(0, 10)}.`, ref);
    } else if (expiresSoon(daysLeft, warnDays)) {
      add('cert-expiring', 'warning', `The certificate in ${name} expires in ${daysLeft} days (${notAfter.toISOString().slice(0, 10)}).`, ref);
    }
    if (notBefore.getTime() > now.getTime()) {
      add('cert-not-yet-valid', 'error', `The certificate in ${name} is not valid before ${notBefore.toISOString()}.`, ref);
    }
    checkKey(pair, leaf, name, add);
    checkHostnames(input, leaf, name, ref, add);
    checkIssuerPresent(pair, leaf, name, ref, add, privateRoots);
  }
  return { findings, leaves };
}

type Add = (suffix: string, severity: ConfigFinding['severity'], message: string, ref: CertFileRef) => void;

function pairFromCertAndKey(input: CertFileCheckInput, load: (r: CertFileRef) => LoadedFile | undefined, add: Add): Pair[] {
  if (!input.cert) return [];
  const certFile = load(input.cert);
  if (!certFile) return [];
  const pair: Pair = { certs: certsOf(certFile, add) };
  if (pair.certs.length === 0) {
    add('cert-file-invalid', 'error', `${certFile.name} holds no PEM certificate.`, input.cert);
    return [];
  }
  const keySource = input.key && !samePath(input.key, input.cert, input.baseDir) ? load(input.key) : certFile;
  const keyBlock = keySource?.blocks.find((b) => isKeyLabel(b.label));
  if (keySource && keyBlock) pair.key = { pem: keyBlock.text, ref: keySource.ref, name: keySource.name };
  else if (keySource) add('cert-key-missing', 'error', `${keySource.name} holds no PEM private key.`, keySource.ref);
  return [pair];
}

/** Postfix reads each file in order: a key starts a new chain, certificates follow it. */
function pairsFromChainFiles(refs: CertFileRef[], load: (r: CertFileRef) => LoadedFile | undefined, add: Add): Pair[] {
  const pairs: Pair[] = [];
  let current: Pair | undefined;
  for (const ref of refs) {
    const file = load(ref);
    if (!file) continue;
    for (const block of file.blocks) {
      if (isKeyLabel(block.label)) {
        current = { key: { pem: block.text, ref, name: file.name }, certs: [] };
        pairs.push(current);
      } else if (block.label === 'CERTIFICATE') {
        const cert = parseCert(block.text);
        if (!cert) {
          add('cert-file-invalid', 'error', `${file.name} holds a certificate that cannot be parsed.`, ref);
          continue;
        }
        if (!current) {
          current = { certs: [] };
          pairs.push(current);
        }
        current.certs.push({ cert, ref, name: file.name });
      }
    }
  }
  for (const pair of pairs) {
    const where = pair.key ?? pair.certs[0];
    if (!where) continue;
    if (!pair.key) add('cert-key-missing', 'error', `The certificate in ${where.name} has no private key before it (smtpd_tls_chain_files lists the key first).`, where.ref);
    else if (pair.certs.length === 0) add('cert-file-invalid', 'error', `The private key in ${where.name} has no certificate after it.`, where.ref);
  }
  return pairs;
}

function certsOf(file: LoadedFile, add: Add): Pair['certs'] {
  const certs: Pair['certs'] = [];
  for (const block of file.blocks) {
    if (block.label !== 'CERTIFICATE') continue;
    const cert = parseCert(block.text);
    if (cert) certs.push({ cert, ref: file.ref, name: file.name });
    else add('cert-file-invalid', 'error', `${file.name} holds a certificate that cannot be parsed.`, file.ref);
  }
  return certs;
}

function checkKey(pair: Pair, leaf: X509Certificate, name: string, add: Add): void {
  if (!pair.key) return;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pair.key.pem, format: 'pem' });
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const encrypted = /ENCRYPTED/.test(pair.key.pem.slice(0, 200)) || /PASSPHRASE|BAD_DECRYPT|bad decrypt/i.test(code + String((err as Error).message));
    if (encrypted) {
      add('cert-key-encrypted', 'info', `The private key in ${pair.key.name} is encrypted, so whether it matches the certificate cannot be checked.`, pair.key.ref);
    } else {
      add('cert-key-invalid', 'error', `The private key in ${pair.key.name} cannot be parsed.`, pair.key.ref);
    }
    return;
  }
  let matches = false;
  try {
    matches = leaf.checkPrivateKey(key);
  } catch {
    matches = false;
  }
  if (!matches) {
    add('cert-key-mismatch', 'error', `The private key in ${pair.key.name} does not match the certificate in ${name}.`, pair.key.ref);
  }
}

function checkHostnames(input: CertFileCheckInput, leaf: X509Certificate, name: string, ref: CertFileRef, add: Add): void {
  for (const host of input.hostnames ?? []) {
    const h = host.name.trim();
    if (!h) continue;
    const covered = isIP(h) ? leaf.checkIP(h) !== undefined : leaf.checkHost(h, { subject: 'default' }) !== undefined;
    if (!covered) {
      const sans = splitSans(leaf.subjectAltName);
      add('cert-hostname-mismatch', 'warning', `The certificate in ${name} does not cover ${h} (names: ${sans.join(', ') || leaf.subject.replace(/\n/g, ', ')}).`, ref);
    }
  }
}

function checkIssuerPresent(pair: Pair, leaf: X509Certificate, name: string, ref: CertFileRef, add: Add, privateRoots: X509Certificate[]): void {
  if (isSelfSigned(leaf)) return;
  // A leaf issued directly by a private root the user named: clients trust that root, nothing is missing.
  if (privateRoots.some((root) => issuedBy(leaf, root))) return;
  const issuerPresent = pair.certs.slice(1).some((c) => leaf.checkIssued(c.cert));
  if (!issuerPresent) {
    add('cert-chain-incomplete', 'warning', `${name} holds the certificate without its issuer (${oneLine(leaf.issuer)}); clients without that intermediate cannot verify it.`, ref);
  }
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (!cert.checkIssued(issuer)) return false;
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function isSelfSigned(cert: X509Certificate): boolean {
  if (!cert.checkIssued(cert)) return false;
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

/** A path that is a deploy-time placeholder: nothing to read. */
const TEMPLATE = 'template' as const;
/** loadPem's answer for a file the read policy keeps closed. */
const NOT_ALLOWED = Symbol('not allowed');

const resolvedPath = (ref: CertFileRef, baseDir: string | undefined): string => {
  const raw = (ref.path ?? '').trim();
  return isAbsolute(raw) || !baseDir ? raw : resolve(baseDir, raw);
};

function loadPem(ref: CertFileRef, baseDir: string | undefined, mayRead?: (absPath: string) => boolean): LoadedFile | string | { missing: string } | typeof TEMPLATE | typeof NOT_ALLOWED {
  if (ref.text !== undefined) return { ref, name: 'the inline PEM value', blocks: pemBlocks(ref.text) };
  const raw = (ref.path ?? '').trim();
  if (!raw) return 'No file is named.';
  if (isTemplateValue(raw) || /^%[a-z_]+/.test(raw)) return TEMPLATE;
  const path = resolvedPath(ref, baseDir);
  // Not even a stat: whether the file exists is not the workspace's to learn.
  if (mayRead && !mayRead(resolve(path))) return NOT_ALLOWED;
  try {
    const st = statSync(path);
    if (!st.isFile()) return `${path} is not a regular file.`;
    if (st.size > MAX_FILE_BYTES) return `${path} is too large to be a certificate or key file (${st.size} bytes).`;
    return { ref, name: path, blocks: pemBlocks(readFileSync(path, 'latin1')) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: path };
    if (code === 'EACCES') return `${path} cannot be read (permission denied).`;
    return `${path} cannot be read (${code ?? 'error'}).`;
  }
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]{1,40})-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_RE)) blocks.push({ label: m[1] ?? '', text: m[0] });
  return blocks;
}

function isKeyLabel(label: string): boolean {
  return /(^|\s)PRIVATE KEY$/.test(label);
}

function parseCert(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function samePath(a: CertFileRef, b: CertFileRef, baseDir: string | undefined): boolean {
  if (a.text !== undefined || b.text !== undefined) return false;
  const abs = (p: string | undefined) => (p && baseDir && !isAbsolute(p) ? resolve(baseDir, p) : (p ?? '').trim());
  return abs(a.path) === abs(b.path);
}

function splitSans(sans: string | undefined): string[] {
  return sans ? sans.split(/,\s*/).filter(Boolean) : [];
}

function oneLine(dn: string): string {
  return dn.replace(/\n/g, ', ');
}
