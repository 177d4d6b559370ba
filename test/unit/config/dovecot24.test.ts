/**
 * Dovecot 2.4 syntax, from fixtures written after the 2.4 documentation (no 2.4 doveconf on
 * Debian 12 to compare with).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeDovecot } from '../../../src/core/config/dovecot/index';
import type { ConfigFinding } from '../../../src/core/config/types';
import { analyzeText, textAt } from '../../support/dovecotText';
import { fixture } from '../../support/paths';

const FIXTURES = fixture('dovecot24');
const analyze = (name: string) => analyzeDovecot(resolve(FIXTURES, name, 'dovecot.conf'), { checkCertificateFiles: false });

/** Applies the findings' fixes, one per line (an editor offers them one by one). */
function applyFixes(text: string, findings: ConfigFinding[]): string {
  const lines = text.split('\n');
  const fixes = findings.filter((f) => f.fix).map((f) => f.fix!);
  // Per line, the widest fix (the whole-statement rewrite) wins.
  fixes.sort((a, b) => b.range.start.line - a.range.start.line || a.range.start.character - b.range.start.character);
  const applied = new Set<number>();
  for (const fix of fixes) {
    const { start, end } = fix.range;
    assert.equal(start.line, end.line, 'fixes here stay on one line');
    if (applied.has(start.line)) continue;
    applied.add(start.line);
    const line = lines[start.line]!;
    lines[start.line] = line.slice(0, start.character) + fix.newText + line.slice(end.character);
  }
  return lines.join('\n');
}

describe('Dovecot 2.4 configs', () => {
  test('a clean 2.4 config: version, effective 2.4 settings, endpoints, no errors', () => {
    const a = analyze('good');
    assert.equal(a.version, '2.4');
    assert.deepEqual(a.findings.filter((f) => f.severity !== 'info'), []);
    assert.equal(a.effective('ssl_server_cert_file')?.value, '/etc/dovecot/private/mail.example.org.pem');
    assert.equal(a.effective('mail_home')?.value, '/var/vmail/%{user | domain}/%{user | username}');
    assert.equal(a.effective('mail_plugins/imap_quota', {})?.value, undefined, 'filters are not paths');
    assert.equal(a.effective('service/lmtp/unix_listener//var/spool/postfix/private/dovecot-lmtp/mode'), undefined);
    assert.deepEqual(a.endpoints.map((e) => [e.target, e.tlsMode, e.service]).sort(), [
      ['imaps://127.0.0.1:993', 'implicit', 'imap-login/imaps'],
      ['sieve://127.0.0.1:4190', 'starttls', 'managesieve-login/sieve'],
    ]);
    const imap = a.listeners.find((l) => l.name === 'imap');
    assert.equal(imap?.enabled, false);
    assert.equal(imap?.disabledReason, 'port = 0 disables it');
  });

  test('2.3 names in a 2.4 config are errors naming the 2.4 setting, with fixes where safe', () => {
    const a = analyze('migrated');
    const text = readFileSync(resolve(FIXTURES, 'migrated/dovecot.conf'), 'utf8');
    const renamed = a.findings.filter((f) => f.id === 'dovecot-24-renamed-setting');
    assert.deepEqual(renamed.map((f) => textAt(text, f.range)), ['ssl_cert', 'ssl_key', 'ssl_key_password', 'ssl_prefer_server_ciphers', 'disable_plaintext_auth', 'verbose_ssl', 'mail_location']);
    assert.ok(renamed.every((f) => f.severity === 'error'));
    assert.match(renamed[0]!.message, /ssl_server_cert_file/);
    assert.equal(renamed[0]!.fix?.newText, 'ssl_server_cert_file = /etc/ssl/certs/mail.pem');
    assert.equal(renamed[2]!.fix?.newText, 'ssl_server_key_password');
    assert.equal(renamed[3]!.fix?.newText, 'ssl_server_prefer_ciphers = server');
    assert.equal(renamed[4]!.fix?.newText, 'auth_allow_cleartext = yes');
    assert.equal(renamed[6]!.fix, undefined, 'mail_location splits into several settings: no automatic fix');

    const lt = a.findings.find((f) => f.id === 'dovecot-24-cert-file-lt');
    assert.equal(lt && textAt(text, lt.range), '</etc/ssl/ca.pem');
    assert.equal(lt?.fix?.newText, '/etc/ssl/ca.pem');
    assert.equal(a.findings.find((f) => f.id === 'dovecot-weak-min-protocol')?.severity, 'error', 'SSLv3 is no 2.4 value');
    assert.ok(a.findings.some((f) => f.id === 'dovecot-24-old-variable'));
    assert.ok(a.findings.some((f) => f.id === 'dovecot-plaintext-auth'));
    assert.ok(!a.findings.some((f) => f.id === 'dovecot-ssl-cert-missing'), 'the rename finding covers ssl_cert');

    // Applying the fixes leaves only what needs a human.
    const fixed = analyzeText(applyFixes(text, a.findings));
    assert.deepEqual([...new Set(fixed.findings.filter((f) => f.severity === 'error').map((f) => f.id))].sort(), ['dovecot-24-old-variable', 'dovecot-24-renamed-setting', 'dovecot-plaintext-auth']);
    assert.equal(fixed.effective('ssl_server_cert_file')?.value, '/etc/ssl/certs/mail.pem');
    assert.equal(fixed.effective('ssl_server_ca_file')?.value, '/etc/ssl/ca.pem');
    assert.equal(fixed.effective('auth_allow_cleartext')?.value, 'yes');
  });

  test('2.4 section rules: named passdb/userdb, no plugin { }', () => {
    const a = analyzeText('dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\npassdb {\n  driver = pam\n}\nuserdb passwd {\n}\nplugin {\n  quota = count\n}\n');
    assert.deepEqual(a.findings.map((f) => [f.id, f.range.start.line]), [['dovecot-24-section-syntax', 2], ['dovecot-24-section-syntax', 7]]);
    assert.ok(!analyzeText('passdb {\n  driver = pam\n}\nplugin {\n}\n').findings.some((f) => f.id === 'dovecot-24-section-syntax'), '2.3 syntax is fine in 2.3');
  });

  test('dovecot_config_version must come first; dovecot_storage_version is required', () => {
    const a = analyze('not-first');
    assert.equal(a.version, '2.4');
    const ids = a.findings.map((f) => f.id);
    assert.ok(ids.includes('dovecot-config-version-not-first'));
    assert.ok(ids.includes('dovecot-missing-storage-version'));
  });

  test('2.4 settings without dovecot_config_version: a 2.3 config, flagged with a fix adding the version', () => {
    const a = analyzeText('ssl_server_cert_file = /a.pem\nssl_server_key_file = /a.key\n');
    assert.equal(a.version, '2.3');
    const missing = a.findings.filter((f) => f.id === 'dovecot-missing-config-version');
    assert.equal(missing.length, 1);
    assert.equal(missing[0]!.fix?.newText, 'dovecot_config_version = 2.4.0\n');
    assert.equal(a.findings.filter((f) => f.id === 'dovecot-24-setting-in-23').length, 2);
    const fixed = analyzeText(applyFixes('ssl_server_cert_file = /a.pem\nssl_server_key_file = /a.key\n', missing) + 'dovecot_storage_version = 2.4.0\n');
    assert.equal(fixed.version, '2.4');
    assert.deepEqual(fixed.findings, []);
  });

  test('2.4 $SET:name references expand; %{...} variables stay for run time', () => {
    const a = analyzeText('dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\nhostname = mx.example\nlogin_greeting = $SET:hostname (%{protocol}) ready\n');
    assert.equal(a.effective('login_greeting')?.value, '$SET:hostname (%{protocol}) ready');
    assert.equal(a.effective('login_greeting')?.expanded, 'mx.example (%{protocol}) ready');
  });

  test('2.4 boolean-list protocols { name = yes|no } enables and disables services', () => {
    const a = analyzeText('dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\nssl = no\nprotocols = imap pop3\nprotocols {\n  pop3 = no\n  sieve = yes\n}\n');
    assert.deepEqual(a.endpoints.map((e) => e.target).sort(), ['imap://127.0.0.1:143', 'sieve://127.0.0.1:4190']);
  });

  test('2.4 groups: settings inside ssl_server { } take the group prefix', () => {
    const a = analyzeText('dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\nssl_server {\n  cert_file = /c.pem\n  ssl_server_key_file = /k.pem\n}\n');
    assert.equal(a.effective('ssl_server_cert_file')?.value, '/c.pem');
    assert.equal(a.effective('ssl_server_key_file')?.value, '/k.pem');
  });
});
