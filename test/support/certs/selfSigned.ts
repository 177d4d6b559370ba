/**
 * Self-signed certificates for the servers the tests start themselves. `selfSigned()` makes a
 * fresh one; `sharedCertificate()` makes one per process, written to a temporary directory that
 * is removed on exit, for servers that need files (and for the probe's `caFile`: a self-signed
 * certificate is its own issuer). The test PKI of the real mail servers is in ./pki.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslScratch, opensslSync } from './openssl';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface SelfSignedOptions {
  /** subjectAltName value; default `DNS:<cn>,IP:127.0.0.1`. */
  sans?: string;
  /** RSA 2048 (default: TLS 1.0 RSA key exchange needs it) or EC P-256 (cheaper handshakes). */
  keyType?: 'rsa' | 'ec';
  /** More `openssl req` arguments. */
  extra?: string[];
}

function reqArgs(cn: string, keyFile: string, certFile: string, options: SelfSignedOptions): string[] {
  const key = options.keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  return ['req', '-x509', ...key, '-nodes', '-days', '400', '-keyout', keyFile, '-out', certFile,
    '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${options.sans ?? `DNS:${cn},IP:127.0.0.1`}`, ...(options.extra ?? [])];
}

/** A fresh self-signed certificate and its key, as PEM text. */
export function selfSigned(cn = 'localhost', options: SelfSignedOptions = {}): KeyPair {
  const out = opensslScratch([reqArgs(cn, 'k.pem', 'c.pem', options)], {}, ['k.pem', 'c.pem']);
  return { key: out['k.pem']!, cert: out['c.pem']! };
}

/** The name the shared certificate is issued to (SNI and the hostname check). */
export const SHARED_SERVER_NAME = 'hostile.test';

export interface CertificateOnDisk {
  /** PEM; also usable as the probe's `caFile`, the certificate being its own issuer. */
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

let shared: CertificateOnDisk | null = null;

/**
 * One RSA certificate for `SHARED_SERVER_NAME`, `localhost`, 127.0.0.1 and ::1, made the first
 * time it is asked for and reused by every server of the process.
 */
export function sharedCertificate(): CertificateOnDisk {
  if (shared) return shared;
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-cert-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  opensslSync(dir, reqArgs(SHARED_SERVER_NAME, keyFile, certFile, {
    sans: `DNS:${SHARED_SERVER_NAME},DNS:localhost,IP:127.0.0.1,IP:::1`,
  }));
  shared = { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
  return shared;
}
