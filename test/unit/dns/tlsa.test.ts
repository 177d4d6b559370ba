// TLSA records computed from certificates and matched against chains, cross-checked with two
// oracles on the same files: the openssl CLI (SPKI/DER digests) and ldns-dane (create, verify).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  certificatesInPem, formatTlsa, matchTlsa, parseTlsa, tlsaForCertificate, tlsaOwnerName, unusableReason,
  type TlsaMatchingType, type TlsaRecord, type TlsaSelector,
} from '../../../src/core/dns/tlsa';
import { DANE_MX, makeDanePki, opensslTlsaData } from '../../support/certs';

const pki = makeDanePki();
const hasLdnsDane = spawnSync('ldns-dane', ['-v']).status === 0;
const noLdns = hasLdnsDane ? false : 'ldns-dane (Debian ldnsutils) not installed';

const combos: [TlsaSelector, TlsaMatchingType][] = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]];

test('the data of every selector and matching type equals the openssl CLI digest (RSA leaf, EC CA)', () => {
  for (const name of ['leaf', 'int', 'root', 'renewed-new-key']) {
    for (const [s, m] of combos) {
      assert.equal(tlsaForCertificate(pki.cert(name), 3, s, m).data, opensslTlsaData(pki.file(name), s, m), `${name} ${s} ${m}`);
    }
  }
});

test('3 1 1 presentation text is what ldns-dane creates for the same certificate', { skip: noLdns }, () => {
  for (const name of ['leaf', 'renewed-same-key', 'renewed-new-key']) {
    for (const [s, m] of combos) {
      const out = execFileSync('ldns-dane', ['-c', pki.file(name), 'create', DANE_MX, '25', '3', String(s), String(m)]).toString();
      // `_25._tcp.mx.dane.test.	3600	IN	TLSA	3 1 1 <hex>`
      const fields = out.trim().split(/\s+/);
      assert.equal(fields[0], `${tlsaOwnerName(DANE_MX)}.`);
      assert.equal(formatTlsa(tlsaForCertificate(pki.cert(name), 3, s, m)), fields.slice(4).join(' '), `${name} 3 ${s} ${m}`);
    }
  }
});

test('a renewal that keeps the key keeps 3 1 1 and changes 3 0 1; a new key changes both', () => {
  const old = tlsaForCertificate(pki.cert('leaf'));
  assert.equal(tlsaForCertificate(pki.cert('renewed-same-key')).data, old.data);
  assert.notEqual(tlsaForCertificate(pki.cert('renewed-new-key')).data, old.data);
  assert.notEqual(tlsaForCertificate(pki.cert('renewed-same-key'), 3, 0, 1).data, tlsaForCertificate(pki.cert('leaf'), 3, 0, 1).data);
});

test('presentation text round-trips, also split and parenthesised as in zone files', () => {
  const r = tlsaForCertificate(pki.cert('leaf'));
  assert.deepEqual(parseTlsa(formatTlsa(r)), r);
  const split = `3 1 1 ( ${r.data.slice(0, 20).toUpperCase()} ${r.data.slice(20)} )`;
  assert.deepEqual(parseTlsa(split), r);
  assert.equal(parseTlsa('3 1 1'), null);
  assert.equal(parseTlsa('3 1 1 abc'), null, 'odd number of hex digits');
  assert.equal(parseTlsa('3 1 1 xyz0'), null);
  assert.equal(parseTlsa('300 1 1 00'), null);
});

/** What ldns-dane says about records (in a file) against a chain file, names checked as for `host`. */
function ldnsVerdict(records: TlsaRecord[], chainFile: string, host = DANE_MX, checkNames = true): 'match' | 'no-match' {
  const file = join(pki.dir, `tlsa-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, records.map((r) => `${tlsaOwnerName(host)}. 3600 IN TLSA ${formatTlsa(r)}\n`).join(''));
  // -d: take the records as DNSSEC-valid (they come from a file); offline, no DNS, no connection.
  const r = spawnSync('ldns-dane', ['-d', ...(checkNames ? [] : ['-n']), '-c', chainFile, '-t', file, 'verify', host, '25'], { encoding: 'utf8' });
  if (/dane-validated successfully/.test(r.stdout)) return 'match';
  if (/did not dane-validate/.test(r.stdout + r.stderr)) return 'no-match';
  throw new Error(`ldns-dane said: ${r.stdout} ${r.stderr}`);
}

const chainOf = (file: string) => certificatesInPem(readFileSync(pki.file(file), 'utf8'));

interface Case {
  what: string; records: TlsaRecord[]; chain: string; host?: string; want: 'match' | 'no-match';
  /** ldns-dane checks the name for every usage unless told `-n`; RFC 7672 §3.1.1 skips it for DANE-EE. */
  ldnsSkipsNames?: boolean;
}
const rec = (name: string, usage: 2 | 3, s: TlsaSelector = 1, m: TlsaMatchingType = 1) => tlsaForCertificate(pki.cert(name), usage, s, m);
const cases: Case[] = [
  { what: '3 1 1 of the leaf', records: [rec('leaf', 3)], chain: 'chain.pem', want: 'match' },
  { what: '3 0 2 of the leaf', records: [rec('leaf', 3, 0, 2)], chain: 'chain.pem', want: 'match' },
  { what: '3 1 0 of the leaf', records: [rec('leaf', 3, 1, 0)], chain: 'chain.pem', want: 'match' },
  { what: '3 1 1 of the leaf; names are not checked with DANE-EE', records: [rec('leaf', 3)], chain: 'chain.pem', host: 'other.dane.test', want: 'match', ldnsSkipsNames: true },
  { what: '3 1 1 of the old key, served the renewed new key', records: [rec('leaf', 3)], chain: 'new-key-chain.pem', want: 'no-match' },
  { what: 'old key plus next key (rollover): the new key is served', records: [rec('leaf', 3), rec('renewed-new-key', 3)], chain: 'new-key-chain.pem', want: 'match' },
  { what: '3 1 1 of the old key plus 2 1 1 of the issuer: the new key is served', records: [rec('leaf', 3), rec('int', 2)], chain: 'new-key-chain.pem', want: 'match' },
  { what: '3 0 1 of the old certificate, renewed with the same key', records: [rec('renewed-same-key', 3, 0, 1)], chain: 'chain.pem', want: 'no-match' },
  { what: '2 1 1 of the intermediate', records: [rec('int', 2)], chain: 'chain.pem', want: 'match' },
  { what: '2 0 1 of the intermediate', records: [rec('int', 2, 0, 1)], chain: 'chain.pem', want: 'match' },
  { what: '2 1 1 of the intermediate, leaf not valid for the name', records: [rec('int', 2)], chain: 'chain.pem', host: 'other.dane.test', want: 'no-match' },
  { what: '2 1 1 of the root, root not served', records: [rec('root', 2)], chain: 'chain.pem', want: 'no-match' },
  { what: '2 1 1 of the root, root served', records: [rec('root', 2)], chain: 'full.pem', want: 'match' },
  { what: '2 1 1 of the leaf itself', records: [rec('leaf', 2)], chain: 'chain.pem', want: 'no-match' },
];

for (const c of cases) {
  test(`matching agrees with ldns-dane: ${c.what}`, { skip: noLdns }, () => {
    const host = c.host ?? DANE_MX;
    const ours = matchTlsa(c.records, chainOf(c.chain), [host]).status;
    assert.equal(ldnsVerdict(c.records, pki.file(c.chain), host, !c.ldnsSkipsNames), c.want, 'ldns-dane');
    assert.equal(ours, c.want, 'ours');
  });
}

test('matching without the oracle: the same verdicts (so the cases run where ldns-dane is missing)', () => {
  for (const c of cases) assert.equal(matchTlsa(c.records, chainOf(c.chain), [c.host ?? DANE_MX]).status, c.want, c.what);
});

test('which record matched which certificate', () => {
  const r = matchTlsa([rec('leaf', 3), rec('int', 2), rec('root', 2)], chainOf('full.pem'));
  assert.deepEqual(r.checks.map((c) => c.matchedIndex), [0, 1, 2]);
});

test('a DANE-TA bare key (2 1 0) matches when the anchor itself is not served (RFC 7671 §5.2.2)', () => {
  const r = matchTlsa([rec('root', 2, 1, 0)], chainOf('chain.pem'), [DANE_MX]);
  assert.equal(r.status, 'match');
  assert.equal(r.checks[0]!.matchedBareKey, true);
  assert.equal(matchTlsa([rec('renewed-new-key', 2, 1, 0)], chainOf('chain.pem')).status, 'no-match', 'a key that signed nothing');
});

test('usages 0 and 1 are unusable for SMTP; with only those the verdict is no-usable-records', () => {
  const pkix = [{ ...rec('leaf', 3), usage: 1 }, { ...rec('int', 2), usage: 0 }];
  const r = matchTlsa(pkix, chainOf('chain.pem'));
  assert.equal(r.status, 'no-usable-records');
  assert.match(r.checks[0]!.unusable!, /PKIX-EE.*not for SMTP/);
  assert.equal(matchTlsa([...pkix, rec('leaf', 3)], chainOf('chain.pem')).status, 'match');
});

test('malformed records are unusable, never matched', () => {
  const good = rec('leaf', 3);
  assert.match(unusableReason({ ...good, data: good.data.slice(2) })!, /31 bytes.*SHA-256 digest is 32/);
  assert.match(unusableReason({ ...good, selector: 2 })!, /unknown selector/);
  assert.match(unusableReason({ ...good, matchingType: 3 })!, /unknown matching type/);
  assert.match(unusableReason({ ...good, usage: 4 })!, /unknown usage/);
  assert.equal(matchTlsa([{ ...good, selector: 2 }], chainOf('chain.pem')).status, 'no-usable-records');
  assert.equal(matchTlsa([good], []).status, 'no-match', 'no chain served');
});

test('certificatesInPem takes the certificates of a Postfix chain file and leaves the key alone', () => {
  const text = readFileSync(pki.file('leaf.key'), 'utf8') + readFileSync(pki.file('chain.pem'), 'utf8');
  const certs = certificatesInPem(text);
  assert.equal(certs.length, 2);
  assert.equal(certs[0]!.subject, `CN=${DANE_MX}`);
});
