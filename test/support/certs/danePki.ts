/**
 * A small PKI for the DANE tests, made with the openssl CLI in a temporary directory: a root,
 * an intermediate, a leaf for mx.dane.test, the same key renewed into a new certificate, and a
 * renewal with a new key (the classic DANE outage).
 */
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslSync as openssl } from './openssl';

export const DANE_MX = 'mx.dane.test';

export interface DanePki {
  dir: string;
  /** PEM files: `root.pem`, `int.pem`, `leaf.pem`, `renewed-same-key.pem`, `renewed-new-key.pem`, and chains. */
  file(name: string): string;
  cert(name: string): X509Certificate;
}

function newKey(dir: string, name: string, kind: 'ec' | 'rsa'): void {
  const opts = kind === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  openssl(dir, ['genpkey', ...opts, '-out', `${name}.key`]);
}

function sign(dir: string, name: string, subject: string, issuer: string | null, ext: string, serial: number): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
  const by = issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`] : ['-signkey', `${name}.key`];
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, ...by, '-set_serial', String(serial), '-days', '30', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
}

export function makeDanePki(): DanePki {
  const dir = mkdtempSync(join(tmpdir(), 'dane-pki-'));
  const ca = 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n';
  const leafExt = `basicConstraints=CA:false\nsubjectAltName=DNS:${DANE_MX}\n`;
  newKey(dir, 'root', 'ec');
  sign(dir, 'root', '/CN=DANE Test Root', null, ca, 1);
  newKey(dir, 'int', 'ec');
  sign(dir, 'int', '/CN=DANE Test Intermediate', 'root', ca, 2);
  newKey(dir, 'leaf', 'rsa');
  sign(dir, 'leaf', `/CN=${DANE_MX}`, 'int', leafExt, 3);
  // The same key, certified again (a renewal that keeps the key).
  copyFileSync(join(dir, 'leaf.key'), join(dir, 'renewed-same-key.key'));
  sign(dir, 'renewed-same-key', `/CN=${DANE_MX}`, 'int', leafExt, 4);
  newKey(dir, 'renewed-new-key', 'ec');
  sign(dir, 'renewed-new-key', `/CN=${DANE_MX}`, 'int', leafExt, 5);
  const cat = (out: string, ...parts: string[]) =>
    writeFileSync(join(dir, out), parts.map((p) => readFileSync(join(dir, `${p}.pem`), 'utf8')).join(''));
  cat('chain.pem', 'leaf', 'int');
  cat('full.pem', 'leaf', 'int', 'root');
  cat('new-key-chain.pem', 'renewed-new-key', 'int');
  return {
    dir,
    file: (name) => join(dir, name.endsWith('.pem') || name.endsWith('.key') ? name : `${name}.pem`),
    cert: (name) => new X509Certificate(readFileSync(join(dir, `${name}.pem`))),
  };
}
