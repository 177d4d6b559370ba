// Certificate-file checks against real files made by openssl: expiry, key match, SANs, chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { checkCertificateFiles, CertFileRef } from '../../../src/core/config/certFiles';
import type { SourceRange } from '../../../src/core/config/types';
import { opensslSync } from '../../support/certs';

const dir = mkdtempSync(join(tmpdir(), 'mailtls-certs-'));
const ssl = (...args: string[]) => opensslSync(dir, args);
const p = (name: string) => join(dir, name);

// A CA, a leaf signed by it for mail.example.org, a self-signed cert, an unrelated key.
ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Test CA');
ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=mail.example.org');
writeFileSync(p('ext.cnf'), 'subjectAltName=DNS:mail.example.org,DNS:*.example.net,IP:127.0.0.1\n');
ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '400', '-extfile', 'ext.cnf');
ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '10', '-subj', '/CN=self.example.org', '-addext', 'subjectAltName=DNS:self.example.org');
ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other.key');
ssl('pkey', '-in', 'leaf.key', '-aes256', '-passout', 'pass:secret', '-out', 'leaf-enc.key');
writeFileSync(p('fullchain.pem'), readFileSync(p('leaf.pem'), 'utf8') + readFileSync(p('ca.pem'), 'utf8'));
writeFileSync(p('chain-files.pem'), readFileSync(p('leaf.key'), 'utf8') + readFileSync(p('leaf.pem'), 'utf8') + readFileSync(p('ca.pem'), 'utf8'));

const range: SourceRange = { file: '/etc/postfix/main.cf', start: { line: 3, character: 10 }, end: { line: 3, character: 30 } };
const ref = (path: string): CertFileRef => ({ path: p(path), range });
const ids = (r: { findings: { id: string }[] }) => r.findings.map((f) => f.id).sort();
const base = { idPrefix: 'postfix', docUrl: 'https://www.postfix.org/postconf.5.html#smtpd_tls_cert_file' };

test('a complete, matching chain for the right name has no findings and exposes the fingerprint', () => {
  const r = checkCertificateFiles({ ...base, cert: ref('fullchain.pem'), key: ref('leaf.key'), hostnames: [{ name: 'mail.example.org' }, { name: 'a.example.net' }, { name: '127.0.0.1' }] });
  assert.deepEqual(ids(r), []);
  assert.equal(r.leaves.length, 1);
  assert.equal(r.leaves[0]!.fingerprint256, new X509Certificate(readFileSync(p('leaf.pem'))).fingerprint256);
  assert.ok(r.leaves[0]!.daysLeft >= 398);
});

test('missing issuer, wrong hostname, mismatching key', () => {
  const r = checkCertificateFiles({ ...base, cert: ref('leaf.pem'), key: ref('other.key'), hostnames: [{ name: 'mx.other.org' }] });
  assert.deepEqual(ids(r), ['postfix-cert-chain-incomplete', 'postfix-cert-hostname-mismatch', 'postfix-cert-key-mismatch']);
  assert.ok(r.findings.every((f) => f.range === range));
});

test('a self-signed certificate needs no issuer; expiry within the warning window is a warning', () => {
  const r = checkCertificateFiles({ ...base, cert: ref('self.pem'), key: ref('self.key'), hostnames: [{ name: 'self.example.org' }] });
  assert.deepEqual(ids(r), ['postfix-cert-expiring']);
  const later = checkCertificateFiles({ ...base, cert: ref('self.pem'), key: ref('self.key'), now: new Date(Date.now() + 20 * 86_400_000) });
  assert.deepEqual(ids(later), ['postfix-cert-expired']);
  const soon = checkCertificateFiles({ ...base, cert: ref('self.pem'), key: ref('self.key'), expiryWarningDays: 5 });
  assert.deepEqual(ids(soon), []);
});

test('smtpd_tls_chain_files: key first, then the chain', () => {
  const r = checkCertificateFiles({ ...base, chainFiles: [ref('chain-files.pem')], hostnames: [{ name: 'mail.example.org' }] });
  assert.deepEqual(ids(r), []);
  const split = checkCertificateFiles({ ...base, chainFiles: [ref('leaf.key'), ref('fullchain.pem')] });
  assert.deepEqual(ids(split), []);
  const wrongOrder = checkCertificateFiles({ ...base, chainFiles: [ref('fullchain.pem'), ref('leaf.key')] });
  assert.ok(ids(wrongOrder).includes('postfix-cert-key-missing'));
});

test('an encrypted key is reported as uncheckable, not a crash; no key material is printed', () => {
  const r = checkCertificateFiles({ ...base, cert: ref('fullchain.pem'), key: ref('leaf-enc.key') });
  assert.deepEqual(ids(r), ['postfix-cert-key-encrypted']);
  const keyText = readFileSync(p('leaf.key'), 'utf8');
  const body = keyText.split('\n')[1]!;
  for (const f of checkCertificateFiles({ ...base, cert: ref('leaf.pem'), key: ref('other.key') }).findings) {
    assert.ok(!f.message.includes(body.slice(0, 20)));
  }
});

test('missing, unreadable, directory and garbage files are findings', () => {
  assert.deepEqual(ids(checkCertificateFiles({ ...base, cert: ref('nope.pem') })), ['postfix-cert-file-unreadable']);
  assert.deepEqual(ids(checkCertificateFiles({ ...base, cert: { path: dir, range } })), ['postfix-cert-file-unreadable']);
  writeFileSync(p('garbage.pem'), '\u0000\u0001 not a cert -----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  assert.deepEqual(ids(checkCertificateFiles({ ...base, cert: ref('garbage.pem') })), ['postfix-cert-file-invalid', 'postfix-cert-file-invalid']);
  // The cert file alone, with the key expected inside it (Postfix's default key_file).
  assert.deepEqual(ids(checkCertificateFiles({ ...base, cert: ref('fullchain.pem') })), ['postfix-cert-key-missing']);
  writeFileSync(p('locked.pem'), 'x');
  chmodSync(p('locked.pem'), 0);
  const locked = checkCertificateFiles({ ...base, cert: ref('locked.pem') });
  assert.equal(locked.findings.length, 1);
});

test('inline PEM text (Dovecot 2.3 without <) is checked like a file', () => {
  const r = checkCertificateFiles({ idPrefix: 'dovecot', docUrl: 'x', cert: { text: readFileSync(p('self.pem'), 'utf8'), range }, key: { text: readFileSync(p('self.key'), 'utf8'), range }, expiryWarningDays: 0 });
  assert.deepEqual(ids(r), []);
});
