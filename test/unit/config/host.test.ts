// The host a config describes: live folder, user's host, the config's own names, certificate,
// or unknown (listed, never probed). Real files in temporary directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from '../../../src/core/config';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { selfSigned } from '../../support/certs';

function dirWith(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-host-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const MASTER = 'smtp inet n - y - - smtpd\n127.0.0.1:10025 inet n - n - - smtpd\n';
const one = (path: string, opts = {}) => analyzePath(path, opts)[0]!;

test('a copied Postfix config without myhostname: wildcard endpoints have an unknown host, written addresses keep theirs', () => {
  const d = dirWith({ 'main.cf': 'inet_interfaces = all\n', 'master.cf': MASTER });
  const a = one(d);
  assert.equal(a.host.source, 'unknown');
  assert.equal(a.host.name, undefined);
  const smtp = a.endpoints.find((e) => e.service === 'smtp')!;
  assert.equal(smtp.host.known, false);
  const bound = a.endpoints.find((e) => e.service === '127.0.0.1:10025')!;
  assert.deepEqual([bound.target, bound.host.known, bound.host.source], ['smtp://127.0.0.1:10025', true, 'binding']);
});

test('myhostname names the host; a template placeholder does not', () => {
  const d = dirWith({ 'main.cf': 'myhostname = mx1.example.org\n', 'master.cf': MASTER });
  const a = one(d);
  assert.deepEqual([a.host.source, a.host.name], ['config', 'mx1.example.org']);
  assert.equal(a.host.range?.start.line, 0);
  assert.equal(a.endpoints.find((e) => e.service === 'smtp')!.target, 'smtp://mx1.example.org:25');
  for (const template of ['{{ mail_hostname }}', 'PH_HOSTNAME', '%HOSTNAME%', '${MAIL_HOST}']) {
    const t = one(dirWith({ 'main.cf': `myhostname = ${template}\n`, 'master.cf': MASTER }));
    assert.equal(t.host.source, 'unknown', template);
  }
});

test('the live folder is this machine, compared by real path (a symlink to it counts); a user host wins over all', () => {
  const live = dirWith({ 'main.cf': 'myhostname = mx1.example.org\n', 'master.cf': MASTER });
  const link = join(mkdtempSync(join(tmpdir(), 'mailtls-host-')), 'postfix');
  symlinkSync(live, link);
  for (const path of [live, link]) {
    const a = one(path, { liveRoots: [live] });
    assert.equal(a.host.source, 'live', path);
    assert.equal(a.host.name, hostname());
    assert.equal(a.endpoints.find((e) => e.service === 'smtp')!.target, 'smtp://127.0.0.1:25');
  }
  const user = one(live, { liveRoots: [live], hosts: { [link]: 'mail.example.net' } });
  assert.deepEqual([user.host.source, user.host.name], ['user', 'mail.example.net']);
  assert.equal(user.endpoints.find((e) => e.service === 'smtp')!.target, 'smtp://mail.example.net:25');
  assert.equal(one(live, { defaultHost: 'all.example.net' }).host.name, 'all.example.net');
});

test('Dovecot: listen = * is the hostname setting, the user host (keyed by the directory), or unknown', () => {
  const base = 'protocols = imap\nlisten = *\nssl = no\n';
  const d = dirWith({ 'dovecot.conf': base });
  const unknown = one(join(d, 'dovecot.conf'));
  assert.equal(unknown.host.source, 'unknown');
  assert.ok(unknown.endpoints.length > 0 && unknown.endpoints.every((e) => !e.host.known));
  const named = one(join(dirWith({ 'dovecot.conf': `hostname = imap.example.org\n${base}` }), 'dovecot.conf'));
  assert.deepEqual(named.endpoints.map((e) => e.target), ['imap://imap.example.org:143']);
  const user = one(join(d, 'dovecot.conf'), { hosts: { [d]: 'imap.example.net' } });
  assert.deepEqual(user.endpoints.map((e) => [e.target, e.host.source]), [['imap://imap.example.net:143', 'user']]);
  const bound = one(join(dirWith({ 'dovecot.conf': 'protocols = imap\nlisten = 192.0.2.7\nssl = no\n' }), 'dovecot.conf'));
  assert.deepEqual(bound.endpoints.map((e) => [e.target, e.host.known]), [['imap://192.0.2.7:143', true]]);
});

test('certificate names: a copied config is never checked against this machine; its certificate can name the host', () => {
  const d = dirWith({});
  const pair = selfSigned('imap.example.org', { keyType: 'ec', sans: 'DNS:imap.example.org' });
  writeFileSync(join(d, 'k.pem'), pair.key);
  writeFileSync(join(d, 'c.pem'), pair.cert);
  writeFileSync(join(d, 'dovecot.conf'), `protocols = imap\nssl = required\nssl_cert = <${d}/c.pem\nssl_key = <${d}/k.pem\n`);
  const copied = one(join(d, 'dovecot.conf'));
  assert.ok(!copied.findings.some((f) => f.id === 'dovecot-cert-hostname-mismatch'), JSON.stringify(copied.findings));
  assert.deepEqual([copied.host.source, copied.host.name], ['certificate', 'imap.example.org']);
  const live = one(join(d, 'dovecot.conf'), { liveRoots: [d] });
  const mismatch = live.findings.filter((f) => f.id === 'dovecot-cert-hostname-mismatch');
  assert.equal(mismatch.length, hostname() === 'imap.example.org' ? 0 : 1, 'the live folder is checked against this machine');
});

test('mail-tls endpoints says which host and never prints 127.0.0.1 for an unknown one', async () => {
  const d = dirWith({ 'main.cf': 'inet_interfaces = all\n', 'master.cf': 'smtp inet n - y - - smtpd\n' });
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  assert.equal(await main(['endpoints', d], io), 0);
  assert.match(out, /^smtp:\/\/<unknown host>:25 /m);
  assert.match(err, /unknown host/);
  out = err = '';
  assert.equal(await main(['endpoints', '--host', `${d}=mx.example.com`, d], io), 0);
  assert.match(out, /^smtp:\/\/mx\.example\.com:25 /m);
  assert.match(err, /host mx\.example\.com \(user/);
  out = '';
  assert.equal(await main(['endpoints', '--json', d], io), 0);
  const rows = JSON.parse(out) as { host: { known: boolean } }[];
  assert.equal(rows[0]!.host.known, false);
});
