/**
 * Dovecot fragments linted on their own, against the real doveconf of each generation: the
 * generation we infer from a fragment's names is the one whose doveconf accepts it once a
 * dovecot.conf includes it, and a misspelt name doveconf refuses is reported by us at the line
 * doveconf names (an error for 2.4, a warning for 2.3, as for whole configs).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeDovecot } from '../../src/core/config/dovecot/index';
import { doveconf } from '../support/oracles/doveconf';
import { doveconf24, dovecot24Installed, DOVECOT24_ROOT, errorsAt, refusalOf } from '../support/oracles/doveconf24';
import { fixture } from '../support/paths';

const DMS = fixture('corpus/docker-mailserver/dovecot');
const VERSION_24 = 'dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.0\n';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dovecot-frag-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** docker-mailserver's 10-auth.conf and the auth-passwdfile.inc it includes (the corpus copies), `edit` applied to the .inc. */
function authTree(name: string, edit: (inc: string) => string = (t) => t): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(DMS, '10-auth.conf'), join(dir, '10-auth.conf'));
  writeFileSync(join(dir, 'auth-passwdfile.inc'), edit(readFileSync(join(DMS, 'auth-passwdfile.inc'), 'utf8')));
  return dir;
}

describe('Dovecot fragments: the inferred generation is the one whose doveconf takes them', () => {
  test("docker-mailserver's auth fragment: 2.4 inferred, doveconf 2.4 accepts it under a 2.4 dovecot.conf, and we report no unknown name", () => {
    assert.ok(dovecot24Installed(), `no Dovecot 2.4 under ${DOVECOT24_ROOT}: run scripts/install-dovecot24.sh`);
    const dir = authTree('dms');
    writeFileSync(join(dir, 'dovecot.conf'), `${VERSION_24}!include 10-auth.conf\n`);
    const r = doveconf24(['-c', join(dir, 'dovecot.conf'), '-n']);
    assert.equal(r.code, 0, `doveconf 2.4 refuses the fragment: ${r.stderr}`);
    assert.match(r.stdout, /passwd_file_path = \/etc\/dovecot\/userdb/);
    const alone = analyzeDovecot(join(dir, '10-auth.conf'), { checkCertificateFiles: false });
    assert.deepEqual([alone.version, alone.generation.source], ['2.4', 'inferred']);
    assert.deepEqual(alone.findings.filter((f) => f.id === 'dovecot-unknown-setting' || f.id === 'dovecot-24-section-syntax'), []);
    // And doveconf 2.3 refuses it: judging it against 2.3 was wrong, not merely strict.
    writeFileSync(join(dir, 'dovecot23.conf'), '!include 10-auth.conf\n');
    assert.notEqual(doveconf(['-c', join(dir, 'dovecot23.conf'), '-n']).code, 0);
  });

  test('a misspelt 2.4 name in the fragment: doveconf 2.4 refuses it, and we report an error at its line, from the fragment alone', () => {
    const dir = authTree('typo24', (t) => t.replace(/(userdb[^]*?)passwd_file_path/, '$1passwd_file_pth'));
    writeFileSync(join(dir, 'dovecot.conf'), `${VERSION_24}!include 10-auth.conf\n`);
    const r = doveconf24(['-c', join(dir, 'dovecot.conf'), '-n']);
    assert.notEqual(r.code, 0, 'doveconf 2.4 accepts passwd_file_pth');
    const refusal = refusalOf(r.stderr);
    assert.equal(refusal.file, join(dir, 'auth-passwdfile.inc'), refusal.message);
    const alone = analyzeDovecot(join(dir, '10-auth.conf'), { checkCertificateFiles: false });
    const ours = errorsAt(alone, refusal);
    assert.deepEqual(ours.map((e) => e.id), ['dovecot-unknown-setting'], `doveconf: "${refusal.message}"; ours: ${JSON.stringify(alone.findings)}`);
    assert.match(ours[0]!.message, /did you mean passwd_file_path\?.*inferred from passwd_file_path/);
  });

  test('a misspelt name in a 2.3 fragment: doveconf 2.3 refuses it at the line we report', () => {
    const dir = join(tmp, 'typo23');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '10-auth.conf'), 'auth_mechanisms = plain login\npassdb {\n  driver = passwd-file\n  args = scheme=SHA512-CRYPT /etc/dovecot/users\n}\ndisable_plaintext_aut = yes\n');
    writeFileSync(join(dir, 'dovecot.conf'), '!include 10-auth.conf\n');
    const r = doveconf(['-c', join(dir, 'dovecot.conf'), '-n']);
    assert.notEqual(r.code, 0, 'doveconf 2.3 accepts disable_plaintext_aut');
    const at = /line (\d+): Unknown setting: (\S+)/.exec(r.stderr);
    assert.ok(at, r.stderr);
    const alone = analyzeDovecot(join(dir, '10-auth.conf'), { checkCertificateFiles: false });
    assert.deepEqual([alone.version, alone.generation.source], ['2.3', 'inferred']);
    const unknown = alone.findings.filter((f) => f.id === 'dovecot-unknown-setting');
    assert.deepEqual(unknown.map((f) => [f.range.start.line + 1, f.severity]), [[Number(at[1]), 'warning']]);
    assert.match(unknown[0]!.message, new RegExp(`no setting ${at[2]} \\(did you mean disable_plaintext_auth\\?\\)`));
  });

  test('a fragment mixing 2.3 and 2.4 names: both doveconfs refuse it, and our one warning names a name of each', () => {
    const dir = join(tmp, 'mixed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '10-ssl.conf'), 'ssl = yes\nssl_cert = </etc/ssl/c.pem\nssl_server_key_file = /etc/ssl/k.pem\n');
    writeFileSync(join(dir, 'dovecot.conf'), `${VERSION_24}!include 10-ssl.conf\n`);
    writeFileSync(join(dir, 'dovecot23.conf'), '!include 10-ssl.conf\n');
    const by24 = doveconf24(['-c', join(dir, 'dovecot.conf'), '-n']);
    const by23 = doveconf(['-c', join(dir, 'dovecot23.conf'), '-n']);
    assert.notEqual(by24.code, 0, 'doveconf 2.4 accepts ssl_cert');
    assert.notEqual(by23.code, 0, 'doveconf 2.3 accepts ssl_server_key_file');
    assert.match(by24.stderr, /ssl_cert/);
    assert.match(by23.stderr, /ssl_server_key_file/);
    const alone = analyzeDovecot(join(dir, '10-ssl.conf'), { checkCertificateFiles: false });
    assert.equal(alone.generation.source, 'undecided');
    const mixed = alone.findings.filter((f) => f.id === 'dovecot-mixed-generations');
    assert.equal(mixed.length, 1, JSON.stringify(alone.findings));
    assert.match(mixed[0]!.message, /ssl_cert.*ssl_server_key_file/);
  });
});
