// The renewed-certificate warning, end to end through the config core: a real Postfix config
// naming real certificate files, analysed, joined with a domain check's published TLSA records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from '../../../src/core/config';
import { formatTlsa, tlsaForCertificate, type TlsaRecord } from '../../../src/core/dns/tlsa';
import { buildJoinEndpoints } from '../../../src/core/live/joinInputs';
import { joinTlsa, servesMx, type DomainTlsaView } from '../../../src/core/live/tlsaJoin';
import { DANE_MX, makeDanePki } from '../../support/certs';

const pki = makeDanePki();
const MASTER = 'smtp      inet  n       -       y       -       -       smtpd\nsubmission inet n       -       y       -       -       smtpd\n  -o smtpd_tls_security_level=encrypt\n';

/** A Postfix config whose chain file holds `leafName`'s key and chain; returns its port-25 join. */
function configServing(leafName: string, myhostname = DANE_MX) {
  const dir = mkdtempSync(join(tmpdir(), 'tlsa-join-'));
  const chainFile = join(dir, 'chain.pem');
  writeFileSync(chainFile, readFileSync(pki.file(`${leafName}.key`), 'utf8') + readFileSync(pki.file(leafName), 'utf8') + readFileSync(pki.file('int'), 'utf8'));
  writeFileSync(join(dir, 'main.cf'), `myhostname = ${myhostname}\nsmtpd_tls_security_level = may\nsmtpd_tls_chain_files = ${chainFile}\n`);
  writeFileSync(join(dir, 'master.cf'), MASTER);
  const analyses = analyzePath(dir);
  const joins = buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints));
  return { dir, chainFile, joins, port25: joins.find((j) => j.target.endsWith(':25'))!, submission: joins.find((j) => j.target.startsWith('submission'))! };
}

const rec = (name: string, usage: 2 | 3 = 3): TlsaRecord => tlsaForCertificate(pki.cert(name), usage, 1, 1);
const domain = (records: TlsaRecord[], state = 'usable', host = DANE_MX): DomainTlsaView => ({
  domain: 'dane.test',
  mx: [{ host, dane: { name: `_25._tcp.${host}`, state, records } }],
});

test('renewed with a new key, TLSA still the old key: a warning at smtpd_tls_chain_files naming the record to publish', () => {
  const { port25, chainFile } = configServing('renewed-new-key');
  assert.ok(port25.certificates?.[0]?.chainDer?.length, 'the join carries the chain read from the file');
  const findings = joinTlsa(port25, [domain([rec('leaf')])]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.id, 'live-tlsa-mismatch-config');
  assert.equal(f.severity, 'warning');
  assert.equal(f.range.start.line, 2, 'the smtpd_tls_chain_files line');
  assert.match(f.message, new RegExp(`TLSA record at _25\\._tcp\\.${DANE_MX.replace(/\./g, '\\.')} .*does not match the key in ${chainFile.replace(/[.]/g, '\\.')}`));
  assert.ok(f.message.includes(`publish ${formatTlsa(rec('renewed-new-key'))} before reloading`));
});

test('renewed keeping the key: quiet', () => {
  assert.deepEqual(joinTlsa(configServing('renewed-same-key').port25, [domain([rec('leaf')])]), []);
});

test('a rollover set (old key and the next one, or the issuer 2 1 1) covers the new key: quiet', () => {
  const { port25 } = configServing('renewed-new-key');
  assert.deepEqual(joinTlsa(port25, [domain([rec('leaf'), rec('renewed-new-key')])]), []);
  assert.deepEqual(joinTlsa(port25, [domain([rec('leaf'), rec('int', 2)])]), []);
});

test('TLSA that senders ignore (not DNSSEC-secure, unknown) gives no warning', () => {
  const { port25 } = configServing('renewed-new-key');
  for (const state of ['not-secure', 'unknown', 'bogus', 'none']) assert.deepEqual(joinTlsa(port25, [domain([rec('leaf')], state)]), [], state);
});

test('tying the config to the MX: by myhostname or by the certificate names; another MX is not this server', () => {
  // myhostname differs, but the certificate covers the MX name.
  assert.equal(joinTlsa(configServing('renewed-new-key', 'other.example').port25, [domain([rec('leaf')])]).length, 1);
  // Neither myhostname nor the certificate is for this MX.
  assert.deepEqual(joinTlsa(configServing('renewed-new-key', 'other.example').port25, [domain([rec('leaf')], 'usable', 'mx2.elsewhere.test')]), []);
});

test('tying: myhostname wins; the certificate names count only when myhostname names no checked MX', () => {
  const leaf = pki.cert('leaf');
  const named = { target: 'smtp://x:25', declaredAt: configServing('leaf').port25.declaredAt };
  assert.equal(servesMx({ ...named, serverNames: [`${DANE_MX.toUpperCase()}.`] }, leaf, DANE_MX, true), true, 'myhostname, any spelling');
  // myhostname names another checked MX: this certificate also covering mx.dane.test does not make this server that MX.
  assert.equal(servesMx({ ...named, serverNames: ['mx1.other.test'] }, leaf, DANE_MX, true), false);
  // myhostname names no checked MX: the certificate's names decide.
  assert.equal(servesMx({ ...named, serverNames: ['unrelated.example'] }, leaf, DANE_MX, false), true);
  assert.equal(servesMx({ ...named, serverNames: ['unrelated.example'] }, leaf, 'mx.elsewhere.test', false), false);
});

test('only the port-25 listener is joined (TLSA at _25._tcp)', () => {
  const { submission } = configServing('renewed-new-key');
  assert.ok(submission);
  assert.deepEqual(joinTlsa(submission, [domain([rec('leaf')])]), []);
});
