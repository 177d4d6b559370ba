// Certificate analysis on certificates made with openssl at test time, served over real TLS.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe';
import { certificateFindings } from '../../../src/core/probe/findings';
import type { ChainFacts } from '../../../src/core/probe/certificate';
import type { CertificateInfo, ProbeResult } from '../../../src/core/probe/types';
import { opensslScratch as openssl } from '../../support/certs';
import { FakeServer, startFakeServer } from '../../support/mailServers/scripted';

const CA_CONFIG = `[ca]
default_ca = ca_default
[ca_default]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
[leaf]
basicConstraints = CA:false
subjectAltName = DNS:localhost, IP:127.0.0.1
`;

interface Pki {
  root: string;
  intermediate: string;
  leaf: string;
  leafKey: string;
  weakLeaf: string;
  weakKey: string;
  expired: string;
  leafFingerprint: string;
}

function makePki(): Pki {
  const req = (key: string, cn: string, bits = 2048) => ['req', '-new', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', key, '-subj', `/CN=${cn}`];
  const sign = (csr: string, out: string, caCert: string, caKey: string, ext: string, extra: string[] = []) =>
    ['ca', '-batch', '-config', 'ca.cnf', '-notext', '-in', csr, '-out', out, '-cert', caCert, '-keyfile', caKey, '-extensions', ext, ...extra];
  const files = openssl([
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '800', '-subj', '/CN=Probe Test Root', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    [...req('int.key', 'Probe Test Intermediate'), '-out', 'int.csr'],
    sign('int.csr', 'int.pem', 'root.pem', 'root.key', 'v3_ca', ['-days', '700']),
    [...req('leaf.key', 'localhost'), '-out', 'leaf.csr'],
    sign('leaf.csr', 'leaf.pem', 'int.pem', 'int.key', 'leaf', ['-days', '400']),
    [...req('weak.key', 'localhost', 1024), '-out', 'weak.csr'],
    sign('weak.csr', 'weak.pem', 'int.pem', 'int.key', 'leaf', ['-days', '400', '-md', 'sha1']),
    sign('leaf.csr', 'expired.pem', 'int.pem', 'int.key', 'leaf', ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']),
    ['x509', '-in', 'leaf.pem', '-noout', '-fingerprint', '-sha256', '-out', 'leaf.fp'],
  ], { 'ca.cnf': CA_CONFIG, 'index.txt': '', serial: '1000\n' }, ['root.pem', 'int.pem', 'leaf.pem', 'leaf.key', 'weak.pem', 'weak.key', 'expired.pem', 'leaf.fp']);
  return {
    root: files['root.pem']!, intermediate: files['int.pem']!, leaf: files['leaf.pem']!, leafKey: files['leaf.key']!,
    weakLeaf: files['weak.pem']!, weakKey: files['weak.key']!, expired: files['expired.pem']!,
    leafFingerprint: files['leaf.fp']!.trim().split('=')[1]!,
  };
}

let pki: Pki;
let dir: string;
let caFile: string;
const servers: FakeServer[] = [];

before(() => {
  pki = makePki();
  dir = mkdtempSync(join(tmpdir(), 'probe-ca-'));
  caFile = join(dir, 'root.pem');
  writeFileSync(caFile, pki.root);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** An implicit-TLS IMAP server sending `chain`. */
async function imaps(chain: string, key: string): Promise<string> {
  const s = await startFakeServer({
    implicitTls: true,
    tls: { key, cert: chain, options: { ciphers: 'DEFAULT@SECLEVEL=0' } },
    greeting: ['* OK ready'],
    onLine: (line, c) => {
      const [tag, command] = line.split(' ');
      if (command === 'CAPABILITY') c.send('* CAPABILITY IMAP4rev1'), c.send(`${tag} OK`);
      else c.send('* BYE'), c.send(`${tag} OK`), c.close();
    },
  });
  servers.push(s);
  return `imaps://127.0.0.1:${s.port}`;
}

const certIds = (r: ProbeResult) => r.findings.filter((f) => f.id.startsWith('cert-')).map((f) => f.id).sort();
const quick = { enumerateVersions: false, servername: 'localhost' };

describe('certificate analysis', () => {
  it('a complete chain to the CA file is trusted, with the leaf described as openssl sees it', async () => {
    const url = await imaps(pki.leaf + pki.intermediate, pki.leafKey);
    const r = await probe(url, { ...quick, caFile });
    assert.deepEqual(certIds(r), []);
    const cert = r.certificate!;
    assert.equal(cert.trusted, true);
    assert.equal(cert.validationError, null);
    assert.equal(cert.hostnameMatches, true);
    assert.ok(cert.daysLeft >= 398 && cert.daysLeft <= 400, String(cert.daysLeft));
    assert.deepEqual(cert.chain.map((c) => c.subject), ['CN=localhost', 'CN=Probe Test Intermediate', 'CN=Probe Test Root']);
    const leaf = cert.chain[0]!;
    assert.equal(leaf.fingerprint256, pki.leafFingerprint);
    assert.deepEqual(leaf.subjectAltNames, ['DNS:localhost', 'IP Address:127.0.0.1']);
    assert.equal(leaf.keyType, 'rsa');
    assert.equal(leaf.keyBits, 2048);
    assert.equal(leaf.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.equal(leaf.selfSigned, false);
    assert.equal(cert.chain[2]!.selfSigned, true);
  });

  it('without the CA file the same chain is untrusted (unknown root), not incomplete', async () => {
    const url = await imaps(pki.leaf + pki.intermediate, pki.leafKey);
    const r = await probe(url, quick);
    assert.equal(r.certificate!.trusted, false);
    assert.deepEqual(certIds(r), ['cert-untrusted']);
    assert.match(r.findings[0]!.detail, /Probe Test Root/);
  });

  it('a leaf sent without its intermediate is an incomplete chain', async () => {
    const url = await imaps(pki.leaf, pki.leafKey);
    const r = await probe(url, { ...quick, caFile });
    assert.deepEqual(certIds(r), ['cert-chain-incomplete']);
    assert.match(r.findings[0]!.detail, /Probe Test Intermediate/);
    assert.equal(r.certificate!.validationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('expired, with the dates in the detail; still anchored, so not also untrusted', async () => {
    const url = await imaps(pki.expired + pki.intermediate, pki.leafKey);
    const r = await probe(url, { ...quick, caFile });
    assert.deepEqual(certIds(r), ['cert-expired']);
    assert.match(r.findings.find((f) => f.id === 'cert-expired')!.detail, /2020-01-02T00:00:00\.000Z/);
    assert.ok(r.certificate!.daysLeft < -300);
    assert.equal(r.certificate!.validationError, 'CERT_HAS_EXPIRED');
  });

  it('expired and from an unknown root: both findings', async () => {
    const url = await imaps(pki.expired + pki.intermediate, pki.leafKey);
    const r = await probe(url, quick);
    assert.deepEqual(certIds(r), ['cert-expired', 'cert-untrusted']);
  });

  it('a 1024-bit RSA key signed with SHA-1: weak key and weak signature', async () => {
    const url = await imaps(pki.weakLeaf + pki.intermediate, pki.weakKey);
    const r = await probe(url, { ...quick, caFile });
    assert.deepEqual(certIds(r), ['cert-weak-key', 'cert-weak-signature']);
    assert.match(r.findings.find((f) => f.id === 'cert-weak-key')!.detail, /1024-bit RSA/);
    assert.match(r.findings.find((f) => f.id === 'cert-weak-signature')!.detail, /sha1WithRSAEncryption/);
  });

  it('a name the certificate does not cover: hostname mismatch, severity by protocol', async () => {
    const url = await imaps(pki.leaf + pki.intermediate, pki.leafKey);
    const r = await probe(url, { ...quick, caFile, servername: 'mail.example.org' });
    assert.deepEqual(certIds(r), ['cert-hostname-mismatch']);
    const f = r.findings[0]!;
    assert.equal(f.severity, 'error');
    assert.match(f.detail, /DNS:localhost, IP Address:127\.0\.0\.1, not for 'mail\.example\.org'/);
  });
});

describe('certificateFindings (pure)', () => {
  const info = (over: Partial<CertificateInfo>): CertificateInfo => ({
    subject: 'CN=mx.example.org', issuer: 'CN=CA', subjectAltNames: ['DNS:mx.example.org'], notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2026-01-01T00:00:00.000Z', keyType: 'ec', keyBits: 256, signatureAlgorithm: 'ecdsa-with-SHA256',
    fingerprint256: 'AA', serialNumber: '01', selfSigned: false, ...over,
  });
  const facts = (chain: CertificateInfo[], over: Partial<ChainFacts['report']> = {}): ChainFacts => ({
    report: { chain, trusted: true, validationError: null, hostnameMatches: true, daysLeft: 10, ...over },
    certs: [], incomplete: false, selfSignedLeaf: false, anchored: true,
  });
  const now = Date.parse('2025-12-22T00:00:00Z');

  it('expiring soon uses the threshold given', () => {
    assert.deepEqual(certificateFindings('imaps', facts([info({})]), 'mx.example.org', 30, now).map((f) => f.id), ['cert-expiring-soon']);
    assert.deepEqual(certificateFindings('imaps', facts([info({})]), 'mx.example.org', 5, now), []);
  });

  it('an EC key under 256 bits is weak; a 384-bit one is not', () => {
    assert.deepEqual(certificateFindings('smtp', facts([info({ keyBits: 224 })], { daysLeft: 100 }), 'x', 30, now).map((f) => f.id), ['cert-weak-key']);
    assert.deepEqual(certificateFindings('smtp', facts([info({ keyBits: 384 })], { daysLeft: 100 }), 'x', 30, now), []);
  });

  it('a self-signed root\'s own SHA-1 signature is not held against the server', () => {
    const root = info({ subject: 'CN=Old Root', selfSigned: true, signatureAlgorithm: 'sha1WithRSAEncryption', keyType: 'rsa', keyBits: 2048 });
    assert.deepEqual(certificateFindings('smtp', facts([info({}), root], { daysLeft: 100 }), 'x', 30, now), []);
  });

  it('hostname and trust problems are warnings on port 25, errors on submission', () => {
    const f = facts([info({})], { hostnameMatches: false, daysLeft: 100 });
    assert.equal(certificateFindings('smtp', f, 'other', 30, now)[0]!.severity, 'warning');
    assert.equal(certificateFindings('submission', f, 'other', 30, now)[0]!.severity, 'error');
  });
});
