// The config front door: what a path is, and which analyses a file or directory yields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath, detectConfigKind } from '../../../src/core/config';

test('detectConfigKind: by name first, then by content', () => {
  assert.equal(detectConfigKind('/etc/postfix/main.cf'), 'postfix-main');
  assert.equal(detectConfigKind('/usr/share/postfix/master.cf.dist'), 'postfix-master');
  assert.equal(detectConfigKind('/etc/dovecot/dovecot.conf'), 'dovecot');
  assert.equal(detectConfigKind('/etc/dovecot/conf.d/10-ssl.conf'), 'dovecot');
  assert.equal(detectConfigKind('/tmp/x.txt'), undefined);
  assert.equal(detectConfigKind('/tmp/a', 'smtp inet n - y - - smtpd\n'), 'postfix-master');
  assert.equal(detectConfigKind('/tmp/b', '# x\nmyhostname = mx.example.org\n'), 'postfix-main');
  assert.equal(detectConfigKind('/tmp/c', 'protocols = imap\nservice imap-login {\n}\n'), 'dovecot');
  assert.equal(detectConfigKind('/tmp/d', 'hello world\n'), undefined);
});

test('analyzePath: a directory with both servers, a parent such as /etc, single files', () => {
  const root = mkdtempSync(join(tmpdir(), 'mailtls-front-'));
  const pf = join(root, 'postfix');
  const dc = join(root, 'dovecot');
  mkdirSync(pf);
  mkdirSync(join(dc, 'conf.d'), { recursive: true });
  writeFileSync(join(pf, 'main.cf'), 'inet_interfaces = loopback-only\n');
  writeFileSync(join(pf, 'master.cf'), 'smtp inet n - y - - smtpd\n');
  writeFileSync(join(dc, 'dovecot.conf'), 'protocols = imap\n!include conf.d/*.conf\n');
  writeFileSync(join(dc, 'conf.d', '10-ssl.conf'), 'ssl = no\n');

  const parent = analyzePath(root, { checkCertificateFiles: false });
  assert.deepEqual(parent.map((a) => a.server), ['postfix', 'dovecot']);
  assert.equal(parent[0]!.root, pf);
  assert.deepEqual(parent[0]!.endpoints.map((e) => e.target), ['smtp://127.0.0.1:25']);

  const master = analyzePath(join(pf, 'master.cf'), { checkCertificateFiles: false });
  assert.deepEqual(master[0]!.files, [join(pf, 'main.cf'), join(pf, 'master.cf')], 'master.cf pulls in main.cf');
  assert.ok(master[0]!.postfix);

  const confd = analyzePath(join(dc, 'conf.d', '10-ssl.conf'), { checkCertificateFiles: false });
  assert.equal(confd[0]!.server, 'dovecot');
  assert.equal(confd[0]!.root, join(dc, 'dovecot.conf'), 'a conf.d file is read from the dovecot.conf that includes it');
  assert.ok(confd[0]!.files.includes(join(dc, 'conf.d', '10-ssl.conf')));

  // An unsaved buffer for a file that is not on disk yet.
  const buffered = analyzePath(join(pf, 'new', 'main.cf'), { readText: (p) => (p.endsWith('new/main.cf') ? 'smtpd_use_tls = yes\n' : undefined) });
  assert.ok(buffered[0]!.findings.some((f) => f.id === 'postfix-deprecated-parameter'));
  assert.deepEqual(analyzePath(join(root, 'nothing-here')), []);
});
