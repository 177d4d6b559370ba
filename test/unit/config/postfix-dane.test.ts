// What outbound DANE needs besides the level: per transport (-o), DNS host lookups, the DNSSEC
// probe. Each case is a real main.cf/master.cf pair; `postconf` agrees on the values read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyzePostfix, POSTFIX_RULES } from '../../../src/core/config/postfix';

const MASTER = [
  'smtp      inet  n       -       y       -       -       smtpd',
  'smtp      unix  -       -       y       -       -       smtp',
  'relay     unix  -       -       y       -       -       smtp',
  '  -o syslog_name=postfix/$service_name',
  '',
].join('\n');

function analyse(main: string, master = MASTER) {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-dane-'));
  writeFileSync(join(d, 'main.cf'), main);
  writeFileSync(join(d, 'master.cf'), master);
  const a = analyzePostfix(d, { checkCertificateFiles: false });
  return { dir: d, a, dane: a.findings.filter((f) => f.id.startsWith('postfix-dane')) };
}

const postconf = (dir: string, ...args: string[]) => spawnSync('postconf', ['-c', dir, ...args], { encoding: 'utf8' });
const hasPostconf = spawnSync('postconf', ['-d', 'mail_version'], { encoding: 'utf8' }).status === 0;

test('main.cf dane with dnssec and defaults: nothing to say', () => {
  assert.deepEqual(analyse('smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\n').dane, []);
});

test('main.cf dane without dnssec: the existing warning, once', () => {
  const { dane } = analyse('smtp_tls_security_level = dane\n');
  assert.deepEqual(dane.map((f) => f.id), ['postfix-dane-without-dnssec']);
});

test('a transport that turns DANE on with -o, main.cf without dnssec: the warning points at the -o', () => {
  const master = MASTER.replace('relay     unix  -       -       y       -       -       smtp\n', 'relay     unix  -       -       y       -       -       smtp\n  -o smtp_tls_security_level=dane-only\n');
  const { dane } = analyse('smtp_tls_security_level = may\n', master);
  assert.equal(dane.length, 1);
  assert.equal(dane[0]!.id, 'postfix-dane-without-dnssec');
  assert.match(dane[0]!.range.file, /master\.cf$/);
  assert.equal(dane[0]!.range.start.line, 3);
  assert.match(dane[0]!.message, /-o on service relay\/unix.*dane-only.*not dnssec/);
});

test('a transport that turns dnssec off with -o under main.cf dane: warned at that -o', () => {
  const master = MASTER.replace('  -o syslog_name', '  -o smtp_dns_support_level=enabled\n  -o syslog_name');
  const { dane } = analyse('smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\n', master);
  assert.deepEqual(dane.map((f) => [f.id, f.range.start.line]), [['postfix-dane-without-dnssec', 3]]);
});

test('native host lookups: DANE never applies; the fix puts dns back', () => {
  const { dane, dir } = analyse('smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\nsmtp_host_lookup = native\n');
  assert.deepEqual(dane.map((f) => f.id), ['postfix-dane-native-lookup']);
  assert.equal(dane[0]!.range.start.line, 2);
  assert.equal(dane[0]!.fix?.newText, 'dns');
  if (hasPostconf) assert.equal(postconf(dir, '-h', 'smtp_host_lookup').stdout.trim(), 'native');
  assert.deepEqual(analyse('smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\nsmtp_host_lookup = dns, native\n').dane, []);
});

test('an empty dnssec_probe under DANE is noted; without DANE it is not', () => {
  const { dane } = analyse('smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\ndnssec_probe =\n');
  assert.deepEqual(dane.map((f) => [f.id, f.severity]), [['postfix-dane-no-dnssec-probe', 'info']]);
  assert.deepEqual(analyse('smtp_tls_security_level = may\ndnssec_probe =\n').dane, []);
});

test('the new rules are documented', () => {
  for (const id of ['postfix-dane-native-lookup', 'postfix-dane-no-dnssec-probe']) assert.ok(POSTFIX_RULES[id], id);
});
