/**
 * The test PKI of the real mail servers (test/servers), made with the openssl CLI: a root CA,
 * an intermediate, and the leaf certificates the positive and negative cases need. Generated
 * once into a cache directory keyed by CERTS_VERSION and reused while the good certificate has
 * months left.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateFiles, VariantName } from '../../servers/state';
import { openssl } from './openssl';

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

function layout(dir: string): TestPki {
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
  const pki = layout(dir);
  if (isUsable(pki)) return pki;
  onGenerate();
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o755 });
  await generate(work);
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

async function sign(
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

async function generate(work: string): Promise<void> {
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
  await sign(work, 'ca', 'intermediate', {
    cn: 'Mail TLS Inspector Test Intermediate CA', section: 'intermediate', validity: ['-days', '3000'],
  });
  // `openssl ca` reads the issuer files by fixed names, so sign leaves one after another.
  await sign(work, 'intermediate', 'good', {
    cn: SERVER_NAME, sans: GOOD_SANS, section: 'leaf', validity: ['-days', String(LEAF_DAYS)],
  });
  await sign(work, 'intermediate', 'expired', {
    cn: SERVER_NAME, sans: GOOD_SANS, section: 'leaf',
    validity: ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z'],
  });
  await sign(work, 'intermediate', 'wrong-host', {
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
