// Behind postscreen, STARTTLS is tlsproxy's: certificate files written for tlsproxy are checked
// at that setting, and the live join compares the served certificate with them; when tlsproxy
// writes none, the smtpd_tls_* files are checked once, for the smtpd services.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from '../../../src/core/config';
import { buildJoinEndpoints } from '../../../src/core/live/joinInputs';
import { selfSigned } from '../../support/certs';

function postfixDir(tlsproxyOption: (dir: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-tlsproxy-'));
  const smtpd = selfSigned('mail.example.org');
  const proxy = selfSigned('mail.example.org');
  writeFileSync(join(dir, 'smtpd.pem'), smtpd.key + smtpd.cert);
  writeFileSync(join(dir, 'proxy.pem'), proxy.key + proxy.cert);
  writeFileSync(join(dir, 'main.cf'), [
    'myhostname = mail.example.org',
    'inet_interfaces = 127.0.0.1',
    `smtpd_tls_chain_files = ${join(dir, 'smtpd.pem')}`,
    'smtpd_tls_security_level = may',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'master.cf'), [
    'smtp      inet  n       -       y       -       1       postscreen',
    'smtpd     pass  -       -       y       -       -       smtpd',
    'tlsproxy  unix  -       -       y       -       0       tlsproxy',
    ...[tlsproxyOption(dir)].filter(Boolean),
    'dnsblog   unix  -       -       y       -       0       dnsblog',
    '',
  ].join('\n'));
  return dir;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n');

test("tlsproxy's own chain file: checked at its -o option, and the postscreen endpoint's join names it", () => {
  const dir = postfixDir((d) => `  -o tlsproxy_tls_chain_files=${join(d, 'proxy.pem')}`);
  const [analysis] = analyzePath(dir);
  assert.ok(analysis?.postfix);
  const proxyLeaf = analysis.postfix.certificates.find((c) => c.services.includes('tlsproxy/unix'));
  assert.ok(proxyLeaf, JSON.stringify(analysis.postfix.certificates.map((c) => c.services)));
  assert.equal(proxyLeaf.leaves[0]!.file, join(dir, 'proxy.pem'));
  const [join25] = buildJoinEndpoints({ analyses: [analysis] }, analysis.endpoints).filter((j) => j.target.endsWith(':25'));
  assert.deepEqual(join25?.certificates?.map((c) => [c.setting, c.file, c.fingerprint256]), [['tlsproxy_tls_chain_files', join(dir, 'proxy.pem'), proxyLeaf.leaves[0]!.fingerprint256]]);
  assert.equal(lines(join25!.certificates![0]!.range.file)[join25!.certificates![0]!.range.start.line], `  -o tlsproxy_tls_chain_files=${join(dir, 'proxy.pem')}`);
});

test("a file tlsproxy names that is not there is reported at tlsproxy's option", () => {
  const dir = postfixDir((d) => `  -o tlsproxy_tls_chain_files=${join(d, 'gone.pem')}`);
  const [analysis] = analyzePath(dir);
  // Not this machine's live config: a missing file is on the server, information rather than an error.
  const unreadable = analysis!.findings.filter((f) => f.id === 'postfix-cert-file-not-here');
  assert.equal(unreadable.length, 1, JSON.stringify(analysis!.findings.map((f) => f.id)));
  assert.equal(lines(unreadable[0]!.range.file)[unreadable[0]!.range.start.line], `  -o tlsproxy_tls_chain_files=${join(dir, 'gone.pem')}`);
  assert.match(unreadable[0]!.docUrl, /tlsproxy_tls_chain_files/);
});

test('tlsproxy writing no file of its own: the smtpd_tls_* files are checked once, and the join names them', () => {
  const dir = postfixDir(() => '');
  const [analysis] = analyzePath(dir);
  assert.deepEqual(analysis!.postfix!.certificates.map((c) => c.services), [['smtpd/pass']]);
  const [join25] = buildJoinEndpoints({ analyses: [analysis!] }, analysis!.endpoints).filter((j) => j.target.endsWith(':25'));
  assert.deepEqual(join25?.certificates?.map((c) => [c.setting, c.file]), [['smtpd_tls_chain_files', join(dir, 'smtpd.pem')]]);
});
