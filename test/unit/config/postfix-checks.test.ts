// Postfix parsers' ranges, the TLS rules (ids, severities, where they point) and their quick fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePostfix, parseMainCf, parseMasterCf, POSTFIX_RULES } from '../../../src/core/config/postfix';
import type { ConfigFinding, SourceRange } from '../../../src/core/config/types';

function dir(main: string, master: string): string {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-pf-'));
  writeFileSync(join(d, 'main.cf'), main);
  writeFileSync(join(d, 'master.cf'), master);
  return d;
}

function slice(text: string, r: SourceRange): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line]!.slice(r.start.character, r.end.character);
  const out = [lines[r.start.line]!.slice(r.start.character)];
  for (let l = r.start.line + 1; l < r.end.line; l++) out.push(lines[l]!);
  out.push(lines[r.end.line]!.slice(0, r.end.character));
  return out.join('\n');
}

function applyFix(text: string, f: ConfigFinding): string {
  const fix = f.fix!;
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(fix.range.start)) + fix.newText + text.slice(offset(fix.range.end));
}

const SMTP = 'smtp      inet  n       -       y       -       -       smtpd\n';
const SUBMISSION = 'submission inet n       -       y       -       -       smtpd\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n';

test('main.cf ranges: names, values, continuation lines, CRLF', () => {
  const text = 'a = one\r\n# note\n  two\nsmtpd_tls_protocols=!SSLv2, !SSLv3  \n\tthree\n';
  const doc = parseMainCf(text, '/x/main.cf');
  const a = doc.byName.get('a')!;
  assert.equal(a.value, 'one two');
  assert.deepEqual(a.valueRange, { file: '/x/main.cf', start: { line: 0, character: 4 }, end: { line: 2, character: 5 } });
  const p = doc.byName.get('smtpd_tls_protocols')!;
  assert.equal(p.value, '!SSLv2, !SSLv3 three');
  assert.equal(slice(text, p.nameRange), 'smtpd_tls_protocols');
  assert.deepEqual(p.valueRange.start, { line: 3, character: 20 });
  assert.deepEqual(p.valueRange.end, { line: 4, character: 6 });
});

test('master.cf ranges: columns, -o name=value, -o { name = value }, -oname=value', () => {
  const text = 'sub inet n - n - - smtpd -o a=1\n  -o { b = two words }\n  -oc=3 -v\n';
  const doc = parseMasterCf(text, '/x/master.cf');
  const e = doc.entries[0]!;
  assert.equal(e.command, 'smtpd');
  assert.deepEqual(e.options.map((o) => [o.name, o.value]), [['a', '1'], ['b', 'two words'], ['c', '3']]);
  assert.deepEqual(e.options.map((o) => slice(text, o.valueRange)), ['1', 'two words', '3']);
  assert.deepEqual(e.options.map((o) => slice(text, o.nameRange)), ['a', 'b', 'c']);
  assert.equal(slice(text, e.options[1]!.range), '-o { b = two words }');
  assert.deepEqual(e.range.start, { line: 0, character: 0 });
  assert.deepEqual(e.range.end, { line: 2, character: 10 });
});

test('deprecated smtpd_use_tls: finding with a fix that Postfix would read the same way', () => {
  const main = 'myhostname = mx.example.org\nsmtpd_use_tls = yes\nsmtpd_tls_chain_files = /k\n';
  const d = dir(main, SMTP);
  const a = analyzePostfix(d, { checkCertificateFiles: false });
  const f = a.findings.find((x) => x.id === 'postfix-deprecated-parameter')!;
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.range.start, { line: 1, character: 0 });
  assert.equal(f.docUrl, 'https://www.postfix.org/postconf.5.html#smtpd_use_tls');
  assert.equal(f.fix!.newText, 'smtpd_tls_security_level = may');
  const fixed = applyFix(main, f);
  const b = analyzePostfix(dir(fixed, SMTP), { checkCertificateFiles: false });
  assert.ok(!b.findings.some((x) => x.id === 'postfix-deprecated-parameter'));
  assert.equal(b.services[0]!.effective('smtpd_tls_security_level').expanded, 'may');
});

test('weak protocols: info on port 25, error on submission with encrypt, blamed where the value comes from', () => {
  const main = 'smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /k\nsmtpd_tls_protocols = !SSLv2, !SSLv3\n';
  const a = analyzePostfix(dir(main, SMTP + SUBMISSION), { checkCertificateFiles: false });
  const weak = a.findings.filter((f) => f.id === 'postfix-weak-protocols');
  const mx = weak.find((f) => f.message.includes('smtp/inet'))!;
  assert.equal(mx.severity, 'info');
  assert.deepEqual(mx.range.start, { line: 2, character: 22 }, 'the main.cf value');
  assert.match(mx.message, /main\.cf, in effect for service smtp\/inet/);
  assert.equal(mx.fix!.newText, '>=TLSv1.2');
  const sub = weak.find((f) => f.message.includes('submission/inet'))!;
  assert.equal(sub.severity, 'error');
  assert.match(sub.message, /smtpd_tls_mandatory_protocols \(Postfix's default/);
  assert.equal(sub.range.start.line, 1, 'a default is blamed on the service line (master.cf line 2)');
  assert.equal(sub.range.file, join(a.configDir, 'master.cf'));
  // Older Postfix gets the old syntax in the fix.
  const old = analyzePostfix(a.configDir, { checkCertificateFiles: false, postfixVersion: '3.5' });
  assert.equal(old.findings.find((f) => f.id === 'postfix-weak-protocols' && f.fix)!.fix!.newText, '!SSLv2, !SSLv3, !TLSv1, !TLSv1.1');
});

test('applying the weak-protocol fix clears the finding', () => {
  const main = 'smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /k\nsmtpd_tls_protocols = !SSLv2, !SSLv3\n';
  const a = analyzePostfix(dir(main, SMTP), { checkCertificateFiles: false });
  const f = a.findings.find((x) => x.id === 'postfix-weak-protocols')!;
  const b = analyzePostfix(dir(applyFix(main, f), SMTP), { checkCertificateFiles: false });
  assert.ok(!b.findings.some((x) => x.id === 'postfix-weak-protocols'));
});

test('SASL rules: AUTH before TLS, SASL on port 25, MX requiring TLS, submission not encrypted', () => {
  const main = 'smtpd_tls_chain_files = /k\nsmtpd_tls_security_level = encrypt\nsmtpd_sasl_auth_enable = yes\n';
  const master = SMTP + 'submission inet n - y - - smtpd\n  -o smtpd_tls_security_level=may\n';
  const a = analyzePostfix(dir(main, master), { checkCertificateFiles: false });
  const ids = (svc: string) => a.findings.filter((f) => f.message.includes(svc)).map((f) => `${f.id}:${f.severity}`).sort();
  assert.deepEqual(ids('smtp/inet'), ['postfix-anonymous-ciphers:info', 'postfix-mx-requires-tls:warning', 'postfix-sasl-on-port-25:warning', 'postfix-weak-protocols:error']);
  assert.deepEqual(ids('submission/inet'), ['postfix-submission-not-encrypted:warning', 'postfix-tls-auth-only:error', 'postfix-weak-protocols:warning']);
  const notEnc = a.findings.find((f) => f.id === 'postfix-submission-not-encrypted')!;
  assert.equal(notEnc.fix!.newText, 'encrypt');
  assert.equal(slice(`${master}`, notEnc.fix!.range), 'may');
  const mx = a.findings.find((f) => f.id === 'postfix-mx-requires-tls')!;
  assert.equal(mx.fix, undefined, 'main.cf encrypt is inherited by other services: no blind fix');
  const own = analyzePostfix(dir('smtpd_tls_chain_files = /k\n', 'smtp inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n'), { checkCertificateFiles: false });
  assert.equal(own.findings.find((f) => f.id === 'postfix-mx-requires-tls')!.fix!.newText, 'may');
});

test('no TLS and no certificate', () => {
  const a = analyzePostfix(dir('myhostname = a.example\n', SMTP), { checkCertificateFiles: false });
  assert.deepEqual(a.findings.map((f) => f.id).sort(), ['postfix-outbound-no-tls', 'postfix-tls-disabled']);
  const b = analyzePostfix(dir('smtpd_tls_security_level = may\nsmtp_tls_security_level = may\nsmtp_tls_servername = hostname\n', SMTP), { checkCertificateFiles: false });
  assert.deepEqual(b.findings.map((f) => f.id), ['postfix-tls-no-logging', 'postfix-tls-no-received-header', 'postfix-no-certificate', 'postfix-weak-protocols'], "3.7's default >=TLSv1 is reported too");
});

test('TLS logging: reported once inbound TLS is on, at the setting when main.cf has it, with a fix', () => {
  const off = 'smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 0\n';
  const a = analyzePostfix(dir(off, SMTP), { checkCertificateFiles: false });
  const log = a.findings.find((f) => f.id === 'postfix-tls-no-logging')!;
  assert.equal(log.severity, 'info');
  assert.equal(slice(off, log.range), '0');
  assert.equal(applyFix(off, log), 'smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\n');
  const header = a.findings.find((f) => f.id === 'postfix-tls-no-received-header')!;
  assert.equal(slice(off, header.range), 'may', "the default is blamed on the line that turns TLS on");
  assert.equal(header.fix, undefined, 'nothing to replace where the default applies');
  const on = analyzePostfix(dir('smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\nsmtpd_tls_received_header = yes\n', SMTP), { checkCertificateFiles: false });
  assert.deepEqual(on.findings.filter((f) => /logging|received-header/.test(f.id)), []);
  const noTls = analyzePostfix(dir('myhostname = a.example\n', SMTP), { checkCertificateFiles: false });
  assert.deepEqual(noTls.findings.filter((f) => /logging|received-header/.test(f.id)), [], 'no TLS, nothing to log');
});

test('syntax problems and duplicates are findings, not exceptions', () => {
  const a = analyzePostfix(dir('  orphan\nnovalue\nx = 1\nx = 2\nloop = $loop2\nloop2 = $loop\nsmtpd_banner = $loop $nowhere_defined\n', 'smtp inet n -\nsmtpd_bad inet n - n - - smtpd\n'), { checkCertificateFiles: false });
  const ids = a.findings.map((f) => f.id);
  for (const id of ['postfix-syntax', 'postfix-duplicate-parameter', 'postfix-expansion-loop', 'postfix-undefined-parameter', 'postfix-unknown-service']) assert.ok(ids.includes(id), id);
});

test('endpoints: inet_interfaces, myhostname, host:port, wrappermode, disabled and commented services', () => {
  const master = SMTP + '#submission inet n - y - - smtpd\n' + '10.0.0.1:2525 inet n - y - - smtpd\n' + 'smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\n' + 'pickup unix n - y 60 1 pickup\n';
  const one = analyzePostfix(dir('inet_interfaces = 192.0.2.1, [2001:db8::1]\n', master), { checkCertificateFiles: false });
  assert.deepEqual(one.endpoints.map((e) => e.target), ['smtp://192.0.2.1:25', 'smtp://[2001:db8::1]:25', 'smtp://10.0.0.1:2525', 'smtps://192.0.2.1:465', 'smtps://[2001:db8::1]:465']);
  assert.equal(one.endpoints[0]!.range.start.line, 0);
  const all = analyzePostfix(dir('myhostname = mx.example.org\n', master), { checkCertificateFiles: false });
  assert.equal(all.endpoints[0]!.target, 'smtp://mx.example.org:25');
  const v6 = analyzePostfix(dir('inet_protocols = ipv6\n', SMTP), { checkCertificateFiles: false });
  assert.equal(v6.endpoints[0]!.target, 'smtp://[::1]:25');
  const local = analyzePostfix(dir('inet_interfaces = loopback-only\nmaster_service_disable = smtps.inet\n', master), { checkCertificateFiles: false });
  assert.deepEqual(local.endpoints.map((e) => `${e.target} ${e.service}`), ['smtp://127.0.0.1:25 smtp', 'smtp://10.0.0.1:2525 10.0.0.1:2525']);
});

test('unsaved buffers win over disk', () => {
  const d = dir('smtpd_tls_security_level = may\n', SMTP);
  const a = analyzePostfix(d, { checkCertificateFiles: false, readText: (p) => (p.endsWith('main.cf') ? 'smtpd_tls_security_level = none\n' : undefined) });
  assert.equal(a.services[0]!.effective('smtpd_tls_security_level').expanded, 'none');
});

test('port 465 without wrappermode: error, and the inserted -o fixes it; implicit TLS on port 25 is an error', () => {
  const master = 'submissions inet n - y - - smtpd -o smtpd_sasl_auth_enable=yes\n';
  const main = 'smtpd_tls_chain_files = /k\nsmtpd_tls_security_level = may\nsmtpd_tls_protocols = >=TLSv1.2\nsmtpd_tls_auth_only = yes\n';
  const a = analyzePostfix(dir(main, master), { checkCertificateFiles: false });
  const f = a.findings.find((x) => x.id === 'postfix-smtps-without-wrappermode')!;
  assert.equal(f.severity, 'error');
  assert.equal(a.endpoints[0]!.target, 'smtp://127.0.0.1:465', 'the endpoint is what the server really does');
  const fixed = applyFix(master, f);
  assert.equal(fixed, 'submissions inet n - y - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes\n');
  const b = analyzePostfix(dir(main, fixed), { checkCertificateFiles: false });
  assert.ok(!b.findings.some((x) => x.id === 'postfix-smtps-without-wrappermode'));
  assert.equal(b.endpoints[0]!.target, 'smtps://127.0.0.1:465');
  const mx = analyzePostfix(dir(main, 'smtp inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\n'), { checkCertificateFiles: false });
  assert.equal(mx.findings.find((x) => x.id === 'postfix-mx-requires-tls')?.severity, 'error');
});

test('-o options stop at the first non-option argument, as getopt does (pipe argv=...)', () => {
  const doc = parseMasterCf('dovecot unix - n n - - pipe\n  flags=DRhu argv=/usr/lib/dovecot/deliver -o foo=bar\nsmtp inet n - n - - smtpd -v -o a=b extra -o c=d\n', '/x/master.cf');
  assert.deepEqual(doc.entries.map((e) => e.options.map((o) => o.name)), [[], ['a']]);
});

test('values Postfix rejects are errors at the value, after expansion', () => {
  const a = analyzePostfix(dir('lvl = encrypted\nsmtpd_tls_security_level = $lvl\nsmtpd_tls_auth_only = true\n', 'smtp inet n - n - - smtpd -o smtpd_tls_mandatory_ciphers=strong\n'), { checkCertificateFiles: false });
  const bad = a.findings.filter((f) => f.id === 'postfix-invalid-value');
  assert.deepEqual(bad.map((f) => f.message.split(' =')[0]).sort(), ['smtpd_tls_auth_only', 'smtpd_tls_mandatory_ciphers', 'smtpd_tls_security_level']);
  assert.ok(bad.every((f) => f.severity === 'error'));
});

test('a kitchen-sink config: every emitted id is documented and links to postconf(5) or master(5)', () => {
  const main = 'smtpd_use_tls = yes\nsmtp_tls_per_site = hash:/x\ntls_preempt_cipherlist = yes\nsmtp_tls_security_level = dane\nsmtpd_tls_cert_file = /nonexistent.pem\nsmtpd_tls_protocols = >=TLSv1\nsmtpd_tls_ciphers = export\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_security_options = noplaintext\n';
  const master = SMTP + SUBMISSION + 'smtps inet n - y - - smtpd\nnosuchservice inet n - y - - smtpd\n';
  const a = analyzePostfix(dir(main, master), { postfixVersion: '3.5' });
  const ids = new Set(a.findings.map((f) => f.id));
  assert.ok(ids.size >= 12, [...ids].join(' '));
  for (const f of a.findings) {
    assert.ok(Object.hasOwn(POSTFIX_RULES, f.id), f.id);
    assert.match(f.docUrl, /^https:\/\/www\.postfix\.org\/(postconf|master)\.5\.html/);
  }
});
