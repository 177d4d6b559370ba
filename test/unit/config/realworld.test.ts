// Configs copied from other machines: scope, latent weaknesses, templates, stock master.cf,
// files and includes that exist only on the server. Real files in temporary directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath, type ConfigAnalysis } from '../../../src/core/config';

function dirWith(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-rw-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
const one = (path: string, opts = {}): ConfigAnalysis => analyzePath(path, { checkCertificateFiles: true, ...opts })[0]!;
const find = (a: ConfigAnalysis, id: string) => a.findings.filter((f) => f.id === id);

test('Dovecot: plaintext auth in a remote 127.0.0.1 block is information, in a trusted network too, elsewhere a warning; the block value is exposed', () => {
  const conf = 'protocols = imap\nssl = yes\nssl_cert = </nowhere/c.pem\nssl_key = </nowhere/k.pem\nlogin_trusted_networks = 10.0.0.0/8\nremote 127.0.0.1 {\n  disable_plaintext_auth = no\n}\nremote 10.1.0.0/16 {\n  disable_plaintext_auth = no\n}\nremote 192.0.2.0/24 {\n  disable_plaintext_auth = no\n}\n';
  const a = one(join(dirWith({ 'dovecot.conf': conf }), 'dovecot.conf'));
  const byLine = new Map(find(a, 'dovecot-plaintext-auth').map((f) => [f.range.start.line, f]));
  assert.equal(byLine.get(6)?.severity, 'info');
  assert.match(byLine.get(6)!.message, /server itself.*harmless/);
  assert.equal(byLine.get(9)?.severity, 'info');
  assert.match(byLine.get(9)!.message, /login_trusted_networks/);
  assert.equal(byLine.get(12)?.severity, 'warning');
  const node = a.dovecot!.effective('disable_plaintext_auth', { remote: '127.0.0.1' })!.node;
  const scoped = a.dovecot!.scopedValue(node)!;
  assert.deepEqual(scoped.criteria, { remote: '127.0.0.1' });
  assert.equal(scoped.assignment?.value, 'no');
  assert.equal(a.dovecot!.effective('disable_plaintext_auth')?.value, undefined, 'the global value is not the block value');
  const global = one(join(dirWith({ 'dovecot.conf': 'protocols = imap\nssl = yes\ndisable_plaintext_auth = no\n' }), 'dovecot.conf'));
  assert.equal(find(global, 'dovecot-plaintext-auth')[0]?.severity, 'error');
});

test('Postfix: a service bound to loopback only gets information, the same service on all interfaces an error', () => {
  const main = 'myhostname = mx.example.org\nsmtpd_tls_security_level = may\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = no\n';
  const lo = one(dirWith({ 'main.cf': main, 'master.cf': '127.0.0.1:10587 inet n - n - - smtpd\n' }));
  const f = find(lo, 'postfix-tls-auth-only')[0]!;
  assert.equal(f.severity, 'info');
  assert.match(f.message, /Only local clients reach it/);
  const all = one(dirWith({ 'main.cf': main, 'master.cf': '10587 inet n - n - - smtpd\n' }));
  assert.equal(find(all, 'postfix-tls-auth-only')[0]!.severity, 'error');
});

test('latent weak mandatory settings are information while no service requires TLS, and a finding at the service once one does', () => {
  const main = 'smtpd_tls_security_level = may\nsmtpd_tls_mandatory_protocols = !SSLv2, !SSLv3\nsmtpd_tls_mandatory_ciphers = low\n';
  const a = one(dirWith({ 'main.cf': main, 'master.cf': 'smtp inet n - y - - smtpd\n' }), { checkCertificateFiles: false });
  assert.deepEqual(find(a, 'postfix-latent-weak-protocols').map((f) => [f.severity, f.range.start.line]), [['info', 1]]);
  assert.deepEqual(find(a, 'postfix-latent-weak-ciphers').map((f) => [f.severity, f.range.start.line]), [['info', 2]]);
  assert.match(find(a, 'postfix-latent-weak-protocols')[0]!.message, /becomes live the day a service requires TLS/);
  const live = one(dirWith({ 'main.cf': main, 'master.cf': 'smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n' }), { checkCertificateFiles: false });
  assert.equal(find(live, 'postfix-latent-weak-protocols').length, 0);
  assert.ok(find(live, 'postfix-weak-protocols').some((f) => f.severity === 'error'));
});

test('main.cf without master.cf: the stock master.cf is assumed and said, so certificate checks run', () => {
  const d = dirWith({ 'main.cf': 'myhostname = mx.example.org\nsmtpd_tls_security_level = may\nsmtpd_tls_cert_file = /nowhere/c.pem\nsmtpd_tls_key_file = /nowhere/k.pem\n' });
  const a = one(join(d, 'main.cf'));
  assert.equal(find(a, 'postfix-stock-master-cf').length, 1);
  assert.deepEqual(a.files, [join(d, 'main.cf')], 'no master.cf is claimed to have been read');
  assert.deepEqual(find(a, 'postfix-cert-file-not-here').map((f) => f.severity), ['info'], 'the certificate check ran on the stock smtp service');
});

test('files that exist only on the server: information in a copied folder, an error in the live one', () => {
  const d = dirWith({ 'dovecot.conf': 'protocols = imap\nssl = required\nssl_cert = </nowhere/c.pem\nssl_key = </nowhere/k.pem\n!include /nowhere/extra.conf\n' });
  const copied = one(join(d, 'dovecot.conf'));
  assert.deepEqual(find(copied, 'dovecot-cert-file-not-here').map((f) => f.severity), ['info']);
  assert.match(find(copied, 'dovecot-cert-file-not-here')[0]!.message, /not on this machine/);
  assert.deepEqual(find(copied, 'dovecot-include-not-here').map((f) => f.severity), ['info']);
  const live = one(join(d, 'dovecot.conf'), { liveRoots: [d] });
  assert.deepEqual(find(live, 'dovecot-cert-file-unreadable').map((f) => f.severity), ['error']);
  assert.deepEqual(find(live, 'dovecot-include-missing').map((f) => f.severity), ['error']);
});

test('templates: placeholders are not invalid values nor files, template lines are skipped, and the file says it is a template', () => {
  const main = 'myhostname = PH_HOSTNAME\n{% if RELAY %}\nrelayhost = {{ RELAY }}\n{% endif %}\nsmtpd_tls_security_level = {{ tls_level }}\nsmtpd_tls_cert_file = PH_SSL_CERT_FILE\nsmtpd_tls_key_file = %tls_key_file\n';
  const master = 'smtp inet n - y - - smtpd\n%{feature_on}submission inet n - y - - smtpd\nPH_LOCAL_ADDRESS:PH_REINJECT_PORT inet n - n - - smtpd\n';
  const a = one(dirWith({ 'main.cf': main, 'master.cf': master }));
  for (const id of ['postfix-syntax', 'postfix-invalid-value', 'postfix-cert-file-unreadable', 'postfix-cert-file-not-here', 'postfix-unknown-service']) assert.equal(find(a, id).length, 0, `${id}: ${JSON.stringify(find(a, id))}`);
  assert.deepEqual(find(a, 'postfix-template').map((f) => f.range.start.line).sort(), [0, 1]);
  assert.equal(a.host.source, 'unknown', 'a placeholder names no host');
  const d = one(join(dirWith({ 'dovecot.conf': 'protocols = imap\n{%- if X %}\nservice imap-login {\n  inet_listener imap {\n    port = PH_IMAP_PORT\n  }\n}\n{% endif %}\n' }), 'dovecot.conf'));
  assert.equal(find(d, 'dovecot-invalid-value').length + find(d, 'dovecot-syntax-error').length, 0, JSON.stringify(d.findings));
  assert.equal(find(d, 'dovecot-template').length, 1);
});

test('templates: whitespace control ({%- -%}, {{- -}}) joins lines as the engine renders them, and a placeholder may name a section', () => {
  // Mailu's dovecot.conf: mail_plugins continues across Jinja lines, mailboxes come from a for loop.
  const conf = [
    'protocols = imap',
    'ssl = no',
    "mail_plugins = $mail_plugins quota{{ ' ' }}",
    '  {%- if COMPRESSION -%}',
    "  zlib{{ ' ' }}",
    '  {%- endif %}',
    '  {%- if FTS -%}',
    '  fts fts_flatcurve',
    '  {%- endif %}',
    'namespace inbox {',
    '  inbox = yes',
    '  {% for mailbox in ("Trash", "Sent") %}',
    '  mailbox {{ mailbox }} {',
    '    auto = subscribe',
    '    special_use = \\{{ mailbox }}',
    '  }',
    '  {% endfor %}',
    '}',
    '{{- if .Debug }}',
    'auth_verbose = yes',
    '{{ end -}}',
    'mail_debug = no',
    '',
  ].join('\n');
  const d = one(join(dirWith({ 'dovecot.conf': conf }), 'dovecot.conf'));
  for (const id of ['dovecot-syntax-error', 'dovecot-unknown-setting']) assert.equal(find(d, id).length, 0, `${id}: ${JSON.stringify(find(d, id))}`);
  const plugins = d.dovecot!.effective('mail_plugins')!.node;
  assert.equal(plugins.value, "$mail_plugins quota{{ ' ' }}zlib{{ ' ' }}fts fts_flatcurve");
  assert.deepEqual([plugins.range.start.line, plugins.range.end.line], [2, 7], 'the setting spans the joined lines');
  assert.equal(d.dovecot!.effective('auth_verbose')?.value, 'yes', 'a Go template line that strips only before it ends no statement');
  // `-}}` joins `mail_debug = no` to the `{{ end }}` line, which renders to nothing: a line of its own.
  assert.equal(d.dovecot!.effective('mail_debug')?.value, 'no');
  const mailbox = d.dovecot!.document.children.find((n) => n.kind === 'section' && n.type === 'namespace');
  assert.ok(mailbox?.kind === 'section' && mailbox.children.some((c) => c.kind === 'section' && c.type === 'mailbox' && c.name === '{{ mailbox }}'));
  // Postfix: a line joined by whitespace control continues the parameter, even at column 0.
  const main = 'smtpd_tls_security_level = may\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\n{%- if LEGACY -%}\n, TLSv1\n{%- endif %}\nsmtpd_tls_loglevel = 1\nsmtpd_tls_exclude_ciphers = aNULL\n  {{- ", eNULL" -}}\n  , RC4\n';
  const a = one(dirWith({ 'main.cf': main }));
  assert.equal(find(a, 'postfix-syntax').length, 0, JSON.stringify(a.findings));
  assert.equal(a.postfix!.global.raw('smtpd_tls_mandatory_protocols'), '>=TLSv1.2, TLSv1');
  assert.equal(a.postfix!.global.raw('smtpd_tls_loglevel'), '1');
  // An expression joined into a value renders into it: the value holds the placeholder.
  assert.equal(a.postfix!.global.raw('smtpd_tls_exclude_ciphers'), 'aNULL{{- ", eNULL" -}}, RC4');
});

test('findings do not praise: the cipher-preference message says what is set and what is advised', () => {
  const a = one(join(dirWith({ 'dovecot.conf': 'protocols = imap\nssl = no\nssl_prefer_server_ciphers = yes\n' }), 'dovecot.conf'));
  const f = find(a, 'dovecot-prefer-server-ciphers')[0]!;
  assert.match(f.message, /^ssl_prefer_server_ciphers = yes makes the server choose/);
  const ok = one(join(dirWith({ 'dovecot.conf': 'protocols = imap\nssl = no\nssl_prefer_server_ciphers = no\n' }), 'dovecot.conf'));
  assert.equal(find(ok, 'dovecot-prefer-server-ciphers').length, 0, 'the recommended value gives no finding');
});
