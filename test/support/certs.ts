/**
 * Keys and certificates for the tests, made with the openssl CLI (the one way the tests make
 * them). Errors carry openssl's own message; output never goes to the console (private keys must
 * not be printed).
 *
 * - `openssl`, `opensslSync`, `opensslScratch`: the CLI itself (async, sync, in a scratch directory);
 *   `opensslTlsaData()`: its digests for DANE, as an oracle.
 * - `selfSigned()`: a fresh self-signed pair; `sharedCertificate()`: one per process, on disk.
 * - `privateRootAndLeaf()`: a private root and a leaf it issues directly, on disk.
 * - `makeDanePki()`: a root, an intermediate, a leaf and its renewals for the DANE tests.
 * - `ensurePki()`: the cached test PKI of the real mail servers (test/servers).
 */
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CertificateFiles, VariantName } from '../servers/state';

// --- The openssl CLI ---

function failure(args: string[], err: unknown): Error {
  const e = err as { stderr?: string | Buffer; message: string };
  return new Error(`openssl ${args[0]} failed: ${String(e.stderr ?? e.message).trim()}`);
}

const execFileAsync = promisify(execFile);

/** Runs one openssl command in `cwd`. */
export async function openssl(cwd: string, args: string[], env?: Record<string, string>): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd, env: { ...process.env, ...env } });
  } catch (err) {
    throw failure(args, err);
  }
}

/** Runs one openssl command in `cwd` and waits for it (for `before` hooks and module setup). */
export function opensslSync(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw failure(args, err);
  }
}

/** Runs one openssl command with `input` on its stdin and returns its stdout. */
function opensslOutput(args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    throw failure(args, err);
  }
}

/**
 * The openssl CLI's TLSA data for a certificate file, as hex: its DER (selector 0) or its
 * SubjectPublicKeyInfo (selector 1), whole (matching type 0), SHA-256 (1) or SHA-512 (2). An
 * oracle that shares no code with ours.
 */
export function opensslTlsaData(file: string, selector: 0 | 1, matchingType: 0 | 1 | 2): string {
  const der = selector === 0
    ? opensslOutput(['x509', '-in', file, '-outform', 'DER'])
    : opensslOutput(['pkey', '-pubin', '-outform', 'DER'], opensslOutput(['x509', '-in', file, '-pubkey', '-noout']));
  if (matchingType === 0) return der.toString('hex');
  return opensslOutput(['dgst', matchingType === 1 ? '-sha256' : '-sha512', '-r'], der).toString().split(' ')[0]!;
}

/**
 * Runs openssl `steps` in a scratch directory holding `files` and returns the `outputs` named,
 * as text. The directory is removed afterwards.
 */
export function opensslScratch(steps: string[][], files: Record<string, string>, outputs: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-ssl-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    for (const args of steps) opensslSync(dir, args);
    return Object.fromEntries(outputs.map((o) => [o, readFileSync(join(dir, o), 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- Self-signed certificates for the servers the tests start themselves ---

export interface KeyPair {
  key: string;
  cert: string;
}

export interface SelfSignedOptions {
  /** subjectAltName value; default `DNS:<cn>,IP:127.0.0.1`. */
  sans?: string;
  /** RSA 2048 (default: TLS 1.0 RSA key exchange needs it) or EC P-256 (cheaper handshakes). */
  keyType?: 'rsa' | 'ec';
  /** Days of validity; default 400. */
  days?: number;
  /** More `openssl req` arguments. */
  extra?: string[];
}

function reqArgs(cn: string, keyFile: string, certFile: string, options: SelfSignedOptions): string[] {
  const key = options.keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  return ['req', '-x509', ...key, '-nodes', '-days', String(options.days ?? 400), '-keyout', keyFile, '-out', certFile,
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

// --- Chains issued by a private root, made with `x509 -req` in a directory of the caller's ---

const CA_EXT = 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n';

function newKey(dir: string, name: string, kind: 'ec' | 'rsa'): void {
  const opts = kind === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  opensslSync(dir, ['genpkey', ...opts, '-out', `${name}.key`]);
}

function issue(dir: string, name: string, subject: string, issuer: string | null, ext: string, serial: number): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  opensslSync(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
  const by = issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`] : ['-signkey', `${name}.key`];
  opensslSync(dir, ['x509', '-req', '-in', `${name}.csr`, ...by, '-set_serial', String(serial), '-days', '30', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
}

export interface PrivateRootAndLeaf {
  /** The root alone, as a `caFile`. */
  caFile: string;
  /** The leaf alone, without its issuer. */
  certFile: string;
  keyFile: string;
}

/**
 * A private root (`root.pem`) and an EC leaf for `cn` that it issues directly (`leaf.pem`,
 * `leaf.key`, valid 30 days, subjectAltName `DNS:<cn>`), written to `dir`.
 */
export function privateRootAndLeaf(dir: string, cn: string): PrivateRootAndLeaf {
  newKey(dir, 'root', 'ec');
  issue(dir, 'root', '/CN=Private Root', null, CA_EXT, 1);
  newKey(dir, 'leaf', 'ec');
  issue(dir, 'leaf', `/CN=${cn}`, 'root', `basicConstraints=CA:false\nsubjectAltName=DNS:${cn}\n`, 2);
  return { caFile: join(dir, 'root.pem'), certFile: join(dir, 'leaf.pem'), keyFile: join(dir, 'leaf.key') };
}

export const DANE_MX = 'mx.dane.test';

export interface DanePki {
  dir: string;
  /** PEM files: `root.pem`, `int.pem`, `leaf.pem`, `renewed-same-key.pem`, `renewed-new-key.pem`, and chains. */
  file(name: string): string;
  cert(name: string): X509Certificate;
}

/**
 * A small PKI for the DANE tests, in a temporary directory: a root, an intermediate, a leaf for
 * mx.dane.test, the same key renewed into a new certificate, and a renewal with a new key (the
 * classic DANE outage).
 */
export function makeDanePki(): DanePki {
  const dir = mkdtempSync(join(tmpdir(), 'dane-pki-'));
  const leafExt = `basicConstraints=CA:false\nsubjectAltName=DNS:${DANE_MX}\n`;
  newKey(dir, 'root', 'ec');
  issue(dir, 'root', '/CN=DANE Test Root', null, CA_EXT, 1);
  newKey(dir, 'int', 'ec');
  issue(dir, 'int', '/CN=DANE Test Intermediate', 'root', CA_EXT, 2);
  newKey(dir, 'leaf', 'rsa');
  issue(dir, 'leaf', `/CN=${DANE_MX}`, 'int', leafExt, 3);
  // The same key, certified again (a renewal that keeps the key).
  copyFileSync(join(dir, 'leaf.key'), join(dir, 'renewed-same-key.key'));
  issue(dir, 'renewed-same-key', `/CN=${DANE_MX}`, 'int', leafExt, 4);
  newKey(dir, 'renewed-new-key', 'ec');
  issue(dir, 'renewed-new-key', `/CN=${DANE_MX}`, 'int', leafExt, 5);
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

// --- The test PKI of the real mail servers (test/servers): a root CA, an intermediate and the
// leaf certificates the positive and negative cases need. Generated once into a cache directory
// keyed by CERTS_VERSION and reused while the good certificate has months left. ---

/** Bump when the set or the content of the certificates changes. */
export const CERTS_VERSION = 'certs-v1';
export const SERVER_NAME = 'mail.test.example';
const GOOD_SANS = `DNS:${SERVER_NAME},DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:::1`;
const LEAF_DAYS = 400;

export interface TestPki {
  dir: string;
  /** The root CA alone: trusting it validates good and wrong-host chains, not the rest. */
  caFile: string;
  certificates: Record<'good' | VariantName | 'intermediate', CertificateFiles>;
}

function pkiLayout(dir: string): TestPki {
  const f = (name: string, chain = `${name}.chain.pem`): CertificateFiles => ({
    key: join(dir, `${name}.key`),
    cert: join(dir, `${name}.pem`),
    chain: join(dir, chain),
  });
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    certificates: {
      good: f('good'),
      expired: f('expired'),
      wrongHost: f('wrong-host'),
      selfSigned: f('self-signed'),
      // The good leaf served without its intermediate.
      noIntermediate: f('good', 'good.pem'),
      intermediate: f('intermediate', 'intermediate.pem'),
    },
  };
}

/** Returns the cached PKI under `cacheRoot`, generating it first when missing or near expiry. */
export async function ensurePki(cacheRoot: string, onGenerate: () => void = () => {}): Promise<TestPki> {
  const dir = join(cacheRoot, CERTS_VERSION);
  const pki = pkiLayout(dir);
  if (isUsable(pki)) return pki;
  onGenerate();
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o755 });
  await generatePki(work);
  // Another start may have finished generating meanwhile; its servers may already use those files.
  if (isUsable(pki)) {
    rmSync(work, { recursive: true, force: true });
    return pki;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return pki;
}

function isUsable(pki: TestPki): boolean {
  const files = Object.values(pki.certificates).flatMap((c) => [c.key, c.cert, c.chain]);
  if (![pki.caFile, ...files].every((p) => existsSync(p))) return false;
  try {
    const good = new X509Certificate(readFileSync(pki.certificates.good.cert));
    return Date.parse(good.validTo) - Date.now() > 60 * 86_400_000;
  } catch {
    return false;
  }
}

/** `openssl ca` rather than `x509 -req`: OpenSSL 3.0 can back-date only through `ca`. */
function caConfig(work: string, issuer: string): string {
  const db = join(work, `${issuer}-db`);
  mkdirSync(join(db, 'new'), { recursive: true });
  writeFileSync(join(db, 'index.txt'), '');
  const path = join(work, `${issuer}-ca.cnf`);
  writeFileSync(
    path,
    [
      '[ ca ]',
      'default_ca = issuer',
      '[ issuer ]',
      `database = ${join(db, 'index.txt')}`,
      `new_certs_dir = ${join(db, 'new')}`,
      `serial = ${join(db, 'serial')}`,
      `certificate = ${join(work, `${issuer}.pem`)}`,
      `private_key = ${join(work, `${issuer}.key`)}`,
      'default_md = sha256',
      'policy = anything',
      'unique_subject = no',
      'email_in_dn = no',
      '[ anything ]',
      'commonName = supplied',
      'organizationName = optional',
      '[ intermediate ]',
      'basicConstraints = critical, CA:TRUE, pathlen:0',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      '[ leaf ]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      'subjectAltName = $ENV::SANS',
      '',
    ].join('\n'),
  );
  return path;
}

const ORG = '/O=Mail TLS Inspector tests';

async function caSign(
  work: string,
  issuer: string,
  name: string,
  opts: { cn: string; sans?: string; section: 'intermediate' | 'leaf'; validity: string[] },
): Promise<void> {
  const config = caConfig(work, issuer);
  await openssl(work, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${opts.cn}${ORG}`, '-out', `${name}.csr`]);
  const args = ['ca', '-batch', '-notext', '-rand_serial', '-config', config, '-extfile', config];
  args.push('-extensions', opts.section, '-in', `${name}.csr`, '-out', `${name}.pem`, ...opts.validity);
  await openssl(work, args, { SANS: opts.sans ?? 'DNS:unused.invalid' });
}

async function generatePki(work: string): Promise<void> {
  const keys = ['ca', 'intermediate', 'good', 'expired', 'wrong-host', 'self-signed'];
  await Promise.all(
    keys.map((k) =>
      openssl(work, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${k}.key`]),
    ),
  );
  await openssl(work, [
    'req', '-x509', '-new', '-key', 'ca.key', '-subj', `/CN=Mail TLS Inspector Test Root CA${ORG}`,
    '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.pem',
  ]);
  await caSign(work, 'ca', 'intermediate', {
    cn: 'Mail TLS Inspector Test Intermediate CA', section: 'intermediate', validity: ['-days', '3000'],
  });
  // `openssl ca` reads the issuer files by fixed names, so sign leaves one after another.
  await caSign(work, 'intermediate', 'good', {
    cn: SERVER_NAME, sans: GOOD_SANS, section: 'leaf', validity: ['-days', String(LEAF_DAYS)],
  });
  await caSign(work, 'intermediate', 'expired', {
    cn: SERVER_NAME, sans: GOOD_SANS, section: 'leaf',
    validity: ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z'],
  });
  await caSign(work, 'intermediate', 'wrong-host', {
    cn: 'wrong.example.net', sans: 'DNS:wrong.example.net', section: 'leaf', validity: ['-days', String(LEAF_DAYS)],
  });
  await openssl(work, [
    'req', '-x509', '-new', '-key', 'self-signed.key', '-subj', `/CN=${SERVER_NAME}${ORG}`,
    '-days', String(LEAF_DAYS), '-addext', `subjectAltName=${GOOD_SANS}`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth',
    '-out', 'self-signed.pem',
  ]);
  const pem = (n: string) => readFileSync(join(work, `${n}.pem`), 'utf8');
  for (const leaf of ['good', 'expired', 'wrong-host']) {
    writeFileSync(join(work, `${leaf}.chain.pem`), pem(leaf) + pem('intermediate'));
  }
  writeFileSync(join(work, 'self-signed.chain.pem'), pem('self-signed'));
  for (const n of ['ca', 'intermediate', 'good', 'expired', 'wrong-host']) rmSync(join(work, `${n}.csr`), { force: true });
  for (const n of ['ca', 'intermediate']) {
    rmSync(join(work, `${n}-db`), { recursive: true, force: true });
    rmSync(join(work, `${n}-ca.cnf`), { force: true });
  }
}
