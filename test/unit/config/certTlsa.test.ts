// The TLSA records the hover shows for a configured certificate file, from real PEM files made
// by the openssl CLI; the setting facts name the files a certificate line points at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from '../../../src/core/config';
import { certificateFilePaths, tlsaOfCertificateFile, tlsaOfPemText } from '../../../src/core/config/certTlsa';
import { settingFacts } from '../../../src/core/config/settingFacts';
import { formatTlsa, tlsaForCertificate } from '../../../src/core/dns/tlsa';
import { makeDanePki } from '../../support/certs';

const pki = makeDanePki();
const pem = (name: string) => readFileSync(pki.file(name), 'utf8');

test('a Postfix chain file (key, leaf, intermediate; a second key and leaf): one 3 1 1 per leaf, 2 1 1 of its issuer', () => {
  const text = pem('leaf.key') + pem('leaf') + pem('int') + pem('renewed-new-key.key') + pem('renewed-new-key');
  const r = tlsaOfPemText('/etc/postfix/chain.pem', text);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.leaves.map((l) => l.record), [
    formatTlsa(tlsaForCertificate(pki.cert('leaf'))),
    formatTlsa(tlsaForCertificate(pki.cert('renewed-new-key'))),
  ]);
  assert.equal(r.leaves[0]!.issuerRecord, formatTlsa(tlsaForCertificate(pki.cert('int'), 2, 1, 1)));
  assert.equal(r.leaves[1]!.issuerRecord, undefined, 'the second chain holds no issuer');
  assert.match(r.leaves[0]!.record, /^3 1 1 [0-9a-f]{64}$/);
});

test('no key material leaves the reader: nothing of the private key appears in the result', () => {
  const key = pem('leaf.key');
  const r = tlsaOfPemText('/x/chain.pem', key + pem('leaf'));
  const out = JSON.stringify(r);
  assert.doesNotMatch(out, /PRIVATE KEY/);
  const keyBody = key.split('\n').slice(1, -2).join('');
  for (let i = 0; i + 32 <= keyBody.length; i += 32) assert.ok(!out.includes(keyBody.slice(i, i + 32)));
});

test('files: not allowed, missing, too large, no certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-tlsa-'));
  writeFileSync(join(dir, 'cert.pem'), pem('leaf'));
  writeFileSync(join(dir, 'empty.pem'), 'nothing here\n');
  writeFileSync(join(dir, 'big.pem'), Buffer.alloc(2 * 1024 * 1024, 65));
  assert.equal(tlsaOfCertificateFile(join(dir, 'cert.pem')).leaves.length, 1);
  assert.match(tlsaOfCertificateFile(join(dir, 'cert.pem'), { mayRead: () => false }).error!, /outside the workspace/);
  assert.equal(tlsaOfCertificateFile(join(dir, 'nope.pem')).error, 'no such file');
  assert.match(tlsaOfCertificateFile(join(dir, 'big.pem')).error!, /too large/);
  assert.match(tlsaOfCertificateFile(join(dir, 'empty.pem')).error!, /no PEM certificate/);
  writeFileSync(join(dir, 'key.pem'), pem('leaf.key'));
  assert.deepEqual(tlsaOfCertificateFile(join(dir, 'key.pem')), { file: join(dir, 'key.pem'), leaves: [], keyOnly: true }, 'a key file of a chain-files list is no error');
  assert.equal(tlsaOfCertificateFile(join(dir, 'x.pem'), { readText: () => pem('leaf') }).leaves.length, 1, 'unsaved text wins');
});

test('the paths a certificate setting names', () => {
  assert.deepEqual(certificateFilePaths('postfix', '/a/k.pem, b.pem  /c.pem', '/etc/postfix'), ['/a/k.pem', '/etc/postfix/b.pem', '/c.pem']);
  assert.deepEqual(certificateFilePaths('dovecot', '</etc/ssl/x.pem', '/etc/dovecot/conf.d'), ['/etc/ssl/x.pem']);
  assert.deepEqual(certificateFilePaths('dovecot', '<x.pem', '/etc/dovecot/conf.d'), ['/etc/dovecot/conf.d/x.pem']);
  assert.deepEqual(certificateFilePaths('dovecot', '-----BEGIN CERTIFICATE-----', '/d'), [], 'inline PEM names no file');
});

test('setting facts name the files of a certificate line, Postfix and Dovecot, and none for other settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-facts-'));
  mkdirSync(join(dir, 'postfix'));
  mkdirSync(join(dir, 'dovecot'));
  const main = join(dir, 'postfix', 'main.cf');
  writeFileSync(main, 'smtpd_tls_security_level = may\nsmtpd_tls_chain_files = chain.pem /etc/ssl/ec.pem\n');
  const facts = settingFacts([{ analyses: analyzePath(main, { checkCertificateFiles: false }) }], main, 1, 'smtpd_tls_chain_files')!;
  assert.deepEqual(facts.certificateFiles, [join(dir, 'postfix', 'chain.pem'), '/etc/ssl/ec.pem']);
  assert.equal(settingFacts([{ analyses: analyzePath(main, { checkCertificateFiles: false }) }], main, 0, 'smtpd_tls_security_level')!.certificateFiles, undefined);
  const conf = join(dir, 'dovecot', 'dovecot.conf');
  writeFileSync(conf, 'protocols = imap\nssl = required\nssl_cert = <certs/mail.pem\nssl_key = <certs/mail.key\n');
  const dfacts = settingFacts([{ analyses: analyzePath(conf, { checkCertificateFiles: false }) }], conf, 2, 'ssl_cert')!;
  assert.deepEqual(dfacts.certificateFiles, [join(dir, 'dovecot', 'certs', 'mail.pem')]);
});
