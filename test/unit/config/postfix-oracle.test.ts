// Our effective Postfix values against the real `postconf` on Debian's shipped configs and a
// synthetic one: every setting `postconf -n`, `-nx`, `-M` and `-Px` prints must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyzePostfix, postfixSettingDoc } from '../../../src/core/config/postfix';
import { defaultValue } from '../../../src/core/config/postfix/effective';
import { compareWithPostconf, configDir, hasPostconf } from '../../support/oracles/postconf';
import { fixture } from '../../support/paths';

const DIST = '/usr/share/postfix';
const SYNTHETIC = fixture('postfix', 'synthetic');
const skip = hasPostconf && existsSync(join(DIST, 'main.cf.dist')) ? false : 'postconf or Debian postfix files not installed';

/** Debian's master.cf with its commented-out services (submission, smtps, ...) switched on. */
function uncommented(master: string): string {
  return master.replace(/^#(?=\S+\s+(inet|unix|pass)\s)/gm, '').replace(/^#(?=\s+-o )/gm, '');
}

test('Debian main.cf.dist and master.cf.dist agree with postconf', { skip }, () => {
  const dir = configDir(readFileSync(join(DIST, 'main.cf.dist'), 'utf8'), readFileSync(join(DIST, 'master.cf.dist'), 'utf8'));
  const a = compareWithPostconf(dir);
  assert.deepEqual(a.endpoints.map((e) => e.target), ['smtp://127.0.0.1:25']);
});

test("Debian's generated main.cf (main.cf.debian + main.cf.tls) with every master.cf service switched on", { skip }, () => {
  const main = readFileSync(join(DIST, 'main.cf.debian'), 'utf8') + readFileSync(join(DIST, 'main.cf.tls'), 'utf8');
  const dir = configDir(main, uncommented(readFileSync(join(DIST, 'master.cf.dist'), 'utf8')));
  const a = compareWithPostconf(dir);
  assert.ok(a.services.some((s) => s.name === 'submission' && s.entry.options.length > 3), 'submission with its -o lines');
  const byTarget = new Map(a.endpoints.map((e) => [e.target, e]));
  assert.equal(byTarget.get('submission://127.0.0.1:587')?.tlsMode, 'starttls');
  assert.equal(byTarget.get('smtps://127.0.0.1:465')?.tlsMode, 'implicit');
});

test('synthetic config: continuation lines, $-expansion forms, -o {} forms, host:port services', { skip }, () => {
  const src = SYNTHETIC;
  const dir = configDir(readFileSync(join(src, 'main.cf'), 'utf8'), readFileSync(join(src, 'master.cf'), 'utf8'));
  const a = compareWithPostconf(dir);
  const sub = a.services.find((s) => s.name === '127.0.0.1:submission')!;
  assert.equal(sub.port, 587);
  assert.equal(sub.effective('smtpd_tls_auth_only').expanded, 'yes');
  // A main.cf value judged on a service sees that service's -o overrides.
  assert.equal(sub.effective('tls_ok').expanded, 'tls is encrypt');
  assert.equal(a.global.effective('tls_ok').expanded, 'tls is may');
  assert.deepEqual(a.endpoints.map((e) => `${e.target} ${e.tlsMode}`), [
    'smtp://127.0.0.1:25 starttls',
    'submission://127.0.0.1:587 starttls',
    'smtps://[::1]:465 implicit',
    'smtp://127.0.0.1:10026 starttls',
  ]);
});

test('copying a real file keeps working (sanity of the helper)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-postconf-'));
  copyFileSync(join(DIST, 'master.cf.dist'), join(dir, 'master.cf'));
  const a = analyzePostfix(dir);
  assert.equal(a.mainCf, undefined);
  assert.ok(a.services.length > 20);
});

test("the built-in defaults table agrees with this machine's postconf -d", { skip: hasPostconf ? false : 'postconf not installed' }, () => {
  const r = spawnSync('postconf', ['-d'], { encoding: 'utf8' });
  const version = /^mail_version = (\d+\.\d+)/m.exec(r.stdout)?.[1] ?? '3.7';
  let compared = 0;
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+) =(?: (.*))?$/.exec(line);
    if (!m || ['mynetworks', 'mail_version', 'process_id'].includes(m[1]!)) continue;
    assert.equal(defaultValue(m[1]!, version), m[2] ?? '', m[1]);
    compared++;
  }
  assert.ok(compared > 900, `${compared} defaults compared`);
});

test('hover docs: TLS parameters described, any known parameter has its default and link', () => {
  const level = postfixSettingDoc('smtpd_tls_security_level')!;
  assert.match(level.description, /RFC 3207/);
  assert.equal(level.docUrl, 'https://www.postfix.org/postconf.5.html#smtpd_tls_security_level');
  assert.equal(postfixSettingDoc('smtpd_tls_protocols', '3.5')!.default, '!SSLv2, !SSLv3');
  assert.equal(postfixSettingDoc('smtpd_use_tls')!.replacedBy, 'smtpd_tls_security_level');
  assert.equal(postfixSettingDoc('alias_maps')!.description, 'Postfix parameter; see postconf(5).');
  assert.equal(postfixSettingDoc('no_such_parameter_anywhere'), undefined);
});
