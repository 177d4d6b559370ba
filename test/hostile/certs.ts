/**
 * One self-signed RSA certificate for every hostile server, made with the openssl CLI into a
 * temporary directory the first time a server needs it and removed when the process exits.
 * RSA rather than EC: the TLS 1.0 / NULL-SHA server needs RSA key exchange.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOSTILE_SERVER_NAME = 'hostile.test';

export interface HostileCertificate {
  /** PEM; also usable as the probe's `caFile`, the certificate being its own issuer. */
  certFile: string;
  cert: Buffer;
  key: Buffer;
}

let cached: HostileCertificate | null = null;

export function hostileCertificate(): HostileCertificate {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-hostile-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '400',
      '-keyout', keyFile, '-out', certFile,
      '-subj', `/CN=${HOSTILE_SERVER_NAME}`,
      '-addext', `subjectAltName=DNS:${HOSTILE_SERVER_NAME},DNS:localhost,IP:127.0.0.1,IP:::1`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  cached = { certFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
  return cached;
}
