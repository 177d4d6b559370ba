// Restricted mode: a config in an untrusted workspace names files outside it (/etc/gshadow as
// its certificate, a link out of the workspace, an include of /etc): none is opened, each is
// reported as not checked; files inside the workspace are checked as usual.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzePath } from '../../../src/core/config';
import { insideRoots } from '../../../src/core/config/readScope';
import { selfSigned } from '../../support/certs';

const tmp = mkdtempSync(join(tmpdir(), 'mailtls-scope-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const workspace = join(tmp, 'workspace');
const outsideDir = join(tmp, 'outside');
mkdirSync(workspace);
mkdirSync(outsideDir);
// A real certificate outside the workspace: were it opened, its findings would show.
for (const [dir, cn] of [[outsideDir, 'outside.example'], [workspace, 'inside.example']] as const) {
  const { key, cert } = selfSigned(cn, { days: 1 });
  writeFileSync(join(dir, 'key.pem'), key);
  writeFileSync(join(dir, 'cert.pem'), cert);
}
symlinkSync(join(outsideDir, 'cert.pem'), join(workspace, 'link.pem'));

const ids = (path: string, mayRead?: (p: string) => boolean) =>
  analyzePath(path, mayRead ? { mayRead } : {}).flatMap((a) => a.findings).map((f) => `${f.id} ${f.message}`);

test('insideRoots: paths under the folders, links resolved, missing files by their folder', () => {
  const may = insideRoots([workspace]);
  assert.equal(may(join(workspace, 'cert.pem')), true);
  assert.equal(may(join(workspace, 'not-yet', 'x.pem')), true);
  assert.equal(may(join(workspace, '..', 'outside', 'cert.pem')), false);
  assert.equal(may(join(workspace, 'link.pem')), false, 'a link out of the workspace');
  assert.equal(may('/etc/gshadow'), false);
  assert.equal(may(`${workspace}-sibling/cert.pem`), false, 'a folder whose name starts like the workspace');
});

test('Dovecot: /etc/gshadow as the certificate is not opened in restricted mode, only reported', () => {
  const conf = join(workspace, 'dovecot', 'dovecot.conf');
  mkdirSync(join(workspace, 'dovecot'), { recursive: true });
  writeFileSync(conf, 'protocols = imap\nssl = required\nssl_cert = </etc/gshadow\nssl_key = </etc/gshadow\n');
  const trusted = ids(conf);
  assert.ok(trusted.some((f) => f.startsWith('dovecot-cert-file-invalid')), `trusted: the file is read (${trusted.join('; ')})`);
  const restricted = ids(conf, insideRoots([workspace]));
  assert.ok(restricted.some((f) => f === 'dovecot-cert-file-not-checked /etc/gshadow is outside the workspace: not checked until the workspace is trusted.'), restricted.join('; '));
  assert.ok(!restricted.some((f) => /cert-file-invalid|cert-key-missing|PEM/.test(f)), `nothing learnt from the file: ${restricted.join('; ')}`);
});

test('Dovecot: a link out of the workspace and an include outside are not read; files inside are', () => {
  const conf = join(workspace, 'dovecot2', 'dovecot.conf');
  mkdirSync(join(workspace, 'dovecot2'), { recursive: true });
  writeFileSync(join(outsideDir, 'extra.conf'), 'ssl_min_protocol = TLSv1\n');
  writeFileSync(conf, `protocols = imap\nssl_cert = <${join(workspace, 'link.pem')}\nssl_key = <${join(workspace, 'key.pem')}\n!include ${join(outsideDir, 'extra.conf')}\n`);
  const restricted = ids(conf, insideRoots([workspace]));
  assert.ok(restricted.some((f) => f.startsWith('dovecot-cert-file-not-checked')), restricted.join('; '));
  assert.ok(restricted.some((f) => f.startsWith('dovecot-file-not-checked') && f.includes('extra.conf')), restricted.join('; '));
  assert.ok(!restricted.some((f) => f.startsWith('dovecot-weak-min-protocol')), 'the outside include was parsed');
  const trusted = ids(conf);
  assert.ok(trusted.some((f) => f.startsWith('dovecot-weak-min-protocol')), 'trusted: the include is read');

  writeFileSync(conf, `protocols = imap\nssl_cert = <${join(workspace, 'cert.pem')}\nssl_key = <${join(workspace, 'key.pem')}\n`);
  const inside = ids(conf, insideRoots([workspace]));
  assert.ok(!inside.some((f) => f.includes('not-checked')), inside.join('; '));
  assert.ok(inside.some((f) => f.startsWith('dovecot-cert-expiring')), `the certificate inside was checked: ${inside.join('; ')}`);
});

test('Postfix: smtpd_tls_cert_file outside the workspace is reported, not read', () => {
  const dir = join(workspace, 'postfix');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.cf'), `smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/gshadow\nsmtpd_tls_key_file = ${join(outsideDir, 'key.pem')}\n`);
  writeFileSync(join(dir, 'master.cf'), 'smtp inet n - n - - smtpd\n');
  const restricted = ids(join(dir, 'main.cf'), insideRoots([workspace]));
  assert.ok(restricted.some((f) => f.startsWith('postfix-cert-file-not-checked /etc/gshadow')), restricted.join('; '));
  assert.ok(!restricted.some((f) => /cert-file-invalid|cert-key-(missing|mismatch)/.test(f)), restricted.join('; '));
});
