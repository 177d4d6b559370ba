// Dovecot fragments linted on their own (a conf.d file, an included `.inc`): the
// dovecot_config_version that decides their generation is in a dovecot.conf that is not there,
// so the generation is read from the names they use. Real files in temporary directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeDovecot, type DovecotAnalysis } from '../../../src/core/config/dovecot';

function fragment(name: string, text: string, extra: Record<string, string> = {}): DovecotAnalysis {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-frag-'));
  for (const [n, t] of Object.entries({ [name]: text, ...extra })) writeFileSync(join(d, n), t);
  return analyzeDovecot(join(d, name), { checkCertificateFiles: false });
}
const find = (a: DovecotAnalysis, id: string) => a.findings.filter((f) => f.id === id);
const lines = (a: DovecotAnalysis, id: string) => find(a, id).map((f) => f.range.start.line + 1);

// docker-mailserver's auth-passwdfile.inc, as 10-auth.conf includes it, with one name misspelt.
const PASSWD_FILE_24 = `passdb passdb-default {
  driver = passwd-file
  passwd_file_path = /etc/dovecot/userdb
  auth_username_format = %{user}
  mechanisms_filter = plain login
  default_password_scheme = SHA512-CRYPT
}
userdb userdb-default {
  driver = passwd-file
  passwd_file_pth = /etc/dovecot/userdb
  fields {
    uid:default = docker
  }
}
`;

test('a 2.4 fragment (2.4-only names, a fields { } block) is read as 2.4 through the file that includes it, and a misspelt name is still an error', () => {
  const a = fragment('10-auth.conf', 'auth_mechanisms = plain login\n!include auth-passwdfile.inc\n', { 'auth-passwdfile.inc': PASSWD_FILE_24 });
  assert.equal(a.version, '2.4');
  assert.equal(a.generation.source, 'inferred');
  assert.equal(a.generation.only24?.name, 'passwd_file_path');
  assert.deepEqual(lines(a, 'dovecot-unknown-setting'), [10], JSON.stringify(a.findings));
  const typo = find(a, 'dovecot-unknown-setting')[0]!;
  assert.equal(typo.severity, 'error');
  assert.match(typo.message, /Dovecot 2\.4 has no setting passwd_file_pth/);
  assert.match(typo.message, /did you mean passwd_file_path\?/);
  assert.match(typo.message, /no dovecot_config_version: 2\.4 is inferred from passwd_file_path \(line 3 of auth-passwdfile\.inc\)/);
  assert.equal(typo.fix?.newText, 'passwd_file_path');
  assert.equal(find(a, 'dovecot-24-section-syntax').length, 0, 'named passdb/userdb and fields { } are 2.4 syntax');
});

test('a 2.3 fragment stays 2.3: its misspelt name is a warning with a guess, 2.3 sections are fine', () => {
  const a = fragment('10-auth.conf', 'disable_plaintext_aut = yes\nauth_mechanisms = plain\npassdb {\n  driver = pam\n  args = dovecot\n}\n');
  assert.equal(a.version, '2.3');
  assert.equal(a.generation.source, 'inferred');
  assert.equal(a.generation.only23?.name, 'args');
  assert.deepEqual(lines(a, 'dovecot-unknown-setting'), [1]);
  assert.match(find(a, 'dovecot-unknown-setting')[0]!.message, /Dovecot 2\.3\.19 has no setting disable_plaintext_aut \(did you mean disable_plaintext_auth\?\).*2\.3 is inferred from args/);
});

test('a fragment whose names both generations know is undecided: only a name neither knows is reported, and said so', () => {
  const a = fragment('10-master.conf', 'service imap-login {\n  inet_listener imaps {\n    port = 993\n    ssl = yes\n  }\n  proces_limit = 4\n}\n');
  assert.equal(a.generation.source, 'undecided');
  assert.deepEqual(lines(a, 'dovecot-unknown-setting'), [6]);
  assert.match(find(a, 'dovecot-unknown-setting')[0]!.message, /^Neither Dovecot 2\.3\.19 nor 2\.4 has a setting proces_limit in service \(did you mean process_limit\?\)/);
});

test('a fragment that mixes 2.3 and 2.4 names is neither judged against one list nor passed silently: one warning names both', () => {
  const a = fragment('10-ssl.conf', 'ssl = required\nssl_cert = </etc/ssl/c.pem\nssl_server_key_file = /etc/ssl/k.pem\n');
  assert.equal(a.generation.source, 'undecided');
  assert.equal(find(a, 'dovecot-unknown-setting').length, 0);
  assert.equal(find(a, 'dovecot-24-setting-in-23').length, 0);
  assert.equal(find(a, 'dovecot-missing-config-version').length, 0, 'the version belongs in the dovecot.conf, not in the fragment');
  const mixed = find(a, 'dovecot-mixed-generations');
  assert.deepEqual(mixed.map((f) => [f.severity, f.range.start.line + 1]), [['warning', 3]]);
  assert.match(mixed[0]!.message, /2\.3 names \(ssl_cert \(line 2.*2\.4 names \(ssl_server_key_file \(line 3/);
});

test('a dovecot.conf without dovecot_config_version is still 2.3, and 2.4 names in it say the version is missing', () => {
  const a = fragment('dovecot.conf', 'protocols = imap\nssl = no\nssl_server_cert_file = /etc/ssl/c.pem\n');
  assert.equal(a.version, '2.3');
  assert.equal(a.generation.source, 'default');
  assert.equal(find(a, 'dovecot-missing-config-version').length, 1);
  const declared = fragment('dovecot.conf', 'dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\nprotocols = imap\nssl = no\n');
  assert.deepEqual([declared.version, declared.generation.source], ['2.4', 'declared']);
});
