/**
 * The TLSA records a configured certificate file calls for: `3 1 1` of each leaf's public key
 * and `2 1 1` of the CA that issued it (the usual rollover companion). Only CERTIFICATE blocks
 * are parsed; private keys in the same file (Postfix chain files) are recognised by their
 * label and never decoded, logged or returned.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatTlsa, tlsaForCertificate } from '../dns/tlsa';

/** The settings whose value names a served certificate file. */
export const CERTIFICATE_FILE_SETTINGS: Record<'postfix' | 'dovecot', readonly string[]> = {
  postfix: ['smtpd_tls_chain_files', 'smtpd_tls_cert_file', 'smtpd_tls_eccert_file', 'smtpd_tls_dcert_file'],
  dovecot: ['ssl_cert', 'ssl_alt_cert', 'ssl_server_cert_file', 'ssl_server_alt_cert_file'],
};

export function isCertificateFileSetting(server: 'postfix' | 'dovecot', name: string): boolean {
  return CERTIFICATE_FILE_SETTINGS[server].includes(name);
}

/**
 * The absolute paths a certificate setting's value names. Postfix lists may hold several
 * files (relative ones resolve against the config directory); Dovecot's `<path` form resolves
 * against the file that holds the setting. Inline PEM text (Dovecot 2.3 without `<`) names none.
 */
export function certificateFilePaths(server: 'postfix' | 'dovecot', value: string, baseDir: string): string[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.startsWith('-----BEGIN')) return [];
  const raw = server === 'postfix' ? trimmed.split(/[\s,]+/).filter(Boolean).slice(0, 16) : [trimmed.replace(/^<\s*/, '')];
  return raw.map((p) => (isAbsolute(p) ? p : resolve(baseDir, p)));
}

/** Dovecot resolves `<relative` against the including file's directory. */
export const dovecotBaseDir = (file: string) => dirname(file);

export interface LeafTlsa {
  subject: string;
  notAfter: string;
  /** `3 1 1 <hex>`: DANE-EE, the leaf's public key; survives renewals that keep the key. */
  record: string;
  /** `2 1 1 <hex>` of the CA certificate that follows the leaf and issued it, when the file holds it. */
  issuerRecord?: string;
  issuer: string;
}

export interface FileTlsa {
  file: string;
  leaves: LeafTlsa[];
  /** Why no record could be computed (unreadable, not allowed, no certificate). */
  error?: string;
  /** The file holds a private key and no certificate: nothing to show, nothing wrong. */
  keyOnly?: boolean;
}

const MAX_FILE_BYTES = 1024 * 1024;
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The records of a PEM text: a private key starts a new chain (as in `smtpd_tls_chain_files`). */
export function tlsaOfPemText(file: string, text: string): FileTlsa {
  const groups: X509Certificate[][] = [];
  let current: X509Certificate[] | undefined;
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1]!;
    if (label.endsWith('PRIVATE KEY')) {
      current = [];
      groups.push(current);
      continue;
    }
    if (label !== 'CERTIFICATE') continue;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(m[0]);
    } catch {
      continue;
    }
    if (!current) {
      current = [];
      groups.push(current);
    }
    current.push(cert);
  }
  const leaves: LeafTlsa[] = [];
  // A key file alone (smtpd_tls_chain_files may list the key apart from its chain) is not an error.
  if (groups.length > 0 && groups.every((g) => g.length === 0)) return { file, leaves, keyOnly: true };
  for (const group of groups) {
    const [leaf, ...rest] = group;
    if (!leaf) continue;
    const entry: LeafTlsa = {
      subject: leaf.subject.split('\n').join(', '),
      issuer: leaf.issuer.split('\n').join(', '),
      notAfter: new Date(leaf.validTo).toISOString(),
      record: formatTlsa(tlsaForCertificate(leaf, 3, 1, 1)),
    };
    const issuer = rest.find((c) => c.ca && leaf.checkIssued(c));
    if (issuer) entry.issuerRecord = formatTlsa(tlsaForCertificate(issuer, 2, 1, 1));
    leaves.push(entry);
  }
  return leaves.length > 0 ? { file, leaves } : { file, leaves, error: 'the file holds no PEM certificate' };
}

export interface ReadOptions {
  /** Whether this path may be read (restricted mode: only files inside the workspace). */
  mayRead?: (absPath: string) => boolean;
  /** Unsaved editor text wins over the disk. */
  readText?: (absPath: string) => string | undefined;
}

export function tlsaOfCertificateFile(file: string, options: ReadOptions = {}): FileTlsa {
  if (options.mayRead && !options.mayRead(file)) {
    return { file, leaves: [], error: 'not read: the file is outside the workspace, and the workspace is not trusted' };
  }
  const buffered = options.readText?.(file);
  if (buffered !== undefined) return tlsaOfPemText(file, buffered);
  try {
    const st = statSync(file);
    if (!st.isFile()) return { file, leaves: [], error: 'not a regular file' };
    if (st.size > MAX_FILE_BYTES) return { file, leaves: [], error: `${st.size} bytes is too large for a certificate file` };
    return tlsaOfPemText(file, readFileSync(file, 'latin1'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { file, leaves: [], error: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot be read' };
  }
}
