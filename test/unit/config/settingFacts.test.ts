// The hover's facts, computed from real analyses of the fixture configs (no editor needed).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzePath } from '../../../src/core/config';
import { settingAt, settingFacts } from '../../../src/core/config/settingFacts';
import { fixture } from '../../support/paths';

const workspace = fixture('workspace');

function result(file: string) {
  const analyses = analyzePath(file, { checkCertificateFiles: false });
  return { root: file, analyses, findings: analyses.flatMap((a) => a.findings), endpoints: analyses.flatMap((a) => a.endpoints), documentVersions: new Map<string, number>() };
}

describe('settingAt', () => {
  it('finds the assigned name under the cursor, per language', () => {
    assert.deepEqual(settingAt('postfix-main', 'smtpd_tls_protocols = >=TLSv1.2', 4), { name: 'smtpd_tls_protocols', start: 0, end: 19 });
    assert.equal(settingAt('postfix-main', 'smtpd_tls_protocols = >=TLSv1.2', 25), undefined, 'not on the value');
    assert.equal(settingAt('postfix-main', '# smtpd_tls_protocols = x', 4), undefined, 'not in a comment');
    assert.equal(settingAt('postfix-master', '  -o smtpd_tls_wrappermode=yes', 8)?.name, 'smtpd_tls_wrappermode');
    assert.equal(settingAt('dovecot', '    ssl_min_protocol = TLSv1.2', 6)?.name, 'ssl_min_protocol');
  });
});

describe('settingFacts', () => {
  it('Postfix: a main.cf line governs the services without their own -o', () => {
    const main = join(workspace, 'postfix', 'main.cf');
    const line = 9; // smtpd_tls_security_level = may
    const facts = settingFacts([result(main)], main, line, 'smtpd_tls_security_level')!;
    assert.equal(facts.server, 'postfix');
    assert.match(facts.docUrl, /postconf\.5\.html#smtpd_tls_security_level$/);
    assert.match(facts.description ?? '', /RFC 3207/);
    assert.ok(facts.recommended, 'a recommendation is shown');
    const smtp = facts.perService.find((r) => r.service === 'smtp/inet')!;
    assert.deepEqual([smtp.value, smtp.source, smtp.fromThisLine], ['may', 'main.cf', true]);
    const submission = facts.perService.find((r) => r.service === 'submission/inet')!;
    assert.deepEqual([submission.value, submission.source, submission.fromThisLine], ['encrypt', '-o', false]);
    assert.ok(facts.affectedTargets.includes('smtp://127.0.0.1:25'));
    assert.ok(!facts.affectedTargets.includes('submission://127.0.0.1:587'));
  });

  it('Dovecot: documentation, default and the listeners a global setting governs', () => {
    const conf = join(workspace, 'dovecot', 'dovecot.conf');
    const facts = settingFacts([result(conf)], conf, 8, 'ssl_min_protocol')!;
    assert.equal(facts.server, 'dovecot');
    assert.ok(facts.description && facts.description.length > 10);
    assert.equal(facts.defaultValue, 'TLSv1.2');
    assert.ok(facts.perService.every((r) => r.value === 'TLSv1' && r.fromThisLine));
    assert.ok(facts.affectedTargets.includes('imaps://127.0.0.1:993'));
  });
});

describe('settingFacts inside Dovecot filter blocks', () => {
  const conf = [
    'protocols = imap pop3',
    'ssl = yes',
    'disable_plaintext_auth = yes',
    'login_trusted_networks = 10.0.0.0/8',
    'remote 127.0.0.1 {',
    '  disable_plaintext_auth = no',
    '}',
    'remote 10.1.0.0/16 {',
    '  disable_plaintext_auth = no',
    '}',
    'remote 192.0.2.0/24 {',
    '  disable_plaintext_auth = no',
    '}',
    'protocol pop3 {',
    '  ssl_min_protocol = TLSv1.3',
    '}',
    '',
  ].join('\n');
  const file = join(mkdtempSync(join(tmpdir(), 'facts-')), 'dovecot.conf');
  writeFileSync(file, conf);
  const facts = (line: number, name: string) => settingFacts([result(file)], file, line, name)!;

  it('a remote 127.0.0.1 block: its own value, the value elsewhere, and why its findings are information', () => {
    const scoped = facts(5, 'disable_plaintext_auth').scoped!;
    assert.deepEqual(scoped.blocks, ['remote 127.0.0.1']);
    assert.deepEqual([scoped.value, scoped.source], ['no', 'dovecot.conf:6']);
    assert.deepEqual([scoped.outsideValue, scoped.outsideSource], ['yes', 'dovecot.conf:3']);
    assert.equal(scoped.reach, 'loopback');
    assert.equal(scoped.downgradedTo, 'info');
    assert.match(scoped.why ?? '', /server itself/);
  });

  it('a block inside login_trusted_networks is information, another network a warning at most', () => {
    const trusted = facts(8, 'disable_plaintext_auth').scoped!;
    assert.deepEqual([trusted.reach, trusted.downgradedTo], ['trusted', 'info']);
    assert.match(trusted.why ?? '', /login_trusted_networks/);
    const other = facts(11, 'disable_plaintext_auth').scoped!;
    assert.deepEqual([other.reach, other.downgradedTo, other.value], ['network', 'warning', 'no']);
  });

  it('a protocol block: its value, no downgrade; a global setting has no scoped facts', () => {
    const pop3 = facts(14, 'ssl_min_protocol').scoped!;
    assert.deepEqual([pop3.blocks, pop3.value, pop3.reach, pop3.downgradedTo], [['protocol pop3'], 'TLSv1.3', 'everyone', undefined]);
    assert.equal(facts(2, 'disable_plaintext_auth').scoped, undefined);
  });
});

describe('settingFacts for a config whose host is unknown', () => {
  it('offers no probe target for a listener on an unknown host, and does once the host is set', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'facts-host-')), 'postfix');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.cf'), 'smtpd_tls_security_level = may\n');
    writeFileSync(join(dir, 'master.cf'), '2525 inet n - n - - smtpd\n');
    const main = join(dir, 'main.cf');
    const withOptions = (hosts?: Record<string, string>) => {
      const analyses = analyzePath(main, { checkCertificateFiles: false, ...(hosts ? { hosts } : {}) });
      return { root: main, analyses, findings: [], endpoints: analyses.flatMap((a) => a.endpoints), documentVersions: new Map<string, number>() };
    };
    const unknown = settingFacts([withOptions()], main, 0, 'smtpd_tls_security_level')!;
    assert.deepEqual(unknown.affectedTargets, []);
    assert.deepEqual(unknown.unknownHostServices, ['2525']);
    const known = settingFacts([withOptions({ [dir]: 'mx.example.org' })], main, 0, 'smtpd_tls_security_level')!;
    assert.deepEqual(known.affectedTargets, ['smtp://mx.example.org:2525']);
    assert.equal(known.unknownHostServices, undefined);
  });
});

describe('settingFacts: Postfix services bound to loopback', () => {
  it('names the governed services only local clients reach', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'facts-lo-')), 'postfix');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.cf'), 'myhostname = mx.example.org\nsmtpd_tls_security_level = may\nsmtpd_tls_auth_only = no\n');
    writeFileSync(join(dir, 'master.cf'), '127.0.0.1:10587 inet n - n - - smtpd\n2525 inet n - n - - smtpd\n');
    const main = join(dir, 'main.cf');
    const facts = settingFacts([result(main)], main, 2, 'smtpd_tls_auth_only')!;
    assert.deepEqual(facts.perService.filter((r) => r.fromThisLine).map((r) => r.service), ['127.0.0.1:10587/inet', '2525/inet']);
    assert.deepEqual(facts.loopbackServices, ['127.0.0.1:10587/inet']);
  });
});
