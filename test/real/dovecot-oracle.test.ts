/**
 * Our Dovecot effective settings against doveconf (Dovecot 2.3.19) on the same files: the
 * tree Debian installs in /etc/dovecot, a synthetic config exercising every syntax feature,
 * and the running test instance's config. Listener ports and addresses are checked with
 * `doveconf -h`, so Dovecot's built-in listeners count too.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeDovecot } from '../../src/core/config/dovecot/index';
import { loadTestServers, skipWithoutServers } from '../servers/fixture';
import { compareExpandedWithDoveconf, compareWithDoveconf, doveconf, DOVECONF } from './doveconfOracle';

const SYNTHETIC = resolve(__dirname, '../../../test/fixtures/dovecot23/synthetic/dovecot.conf');
const DEBIAN = '/etc/dovecot/dovecot.conf';
const VARIABLES = resolve(__dirname, '../../../test/fixtures/dovecot23/variables/dovecot.conf');

function agreesWithDoveconf(file: string, minCompared: number): void {
  const r = compareWithDoveconf(file);
  assert.deepEqual(r.problems, [], `${file} differs from doveconf`);
  assert.ok(r.compared >= minCompared, `only ${r.compared} values compared for ${file}`);
}

function listenersAgree(file: string): number {
  const analysis = analyzeDovecot(file, { checkCertificateFiles: false });
  const globalListen = doveconf(['-c', file, '-h', 'listen']).stdout.trim();
  let checked = 0;
  for (const l of analysis.listeners) {
    if (l.name === '') continue; // unnamed listeners have no doveconf -h path
    const base = `service/${l.service}/inet_listener/${l.name}`;
    const r = doveconf(['-c', file, '-h', `${base}/port`, `${base}/address`, `${base}/ssl`]);
    assert.equal(r.code, 0, `${base}: ${r.stderr}`);
    const [port, address, ssl] = r.stdout.split('\n');
    assert.equal(String(l.port), port, `${base}/port`);
    assert.equal(l.ssl, ssl === 'yes', `${base}/ssl`);
    assert.deepEqual(l.addresses, (address || globalListen).split(/[\s,]+/).filter(Boolean), `${base}/address`);
    checked++;
  }
  return checked;
}

describe('Dovecot effective settings agree with doveconf', () => {
  test('doveconf is installed (Dovecot 2.3)', () => {
    assert.ok(existsSync(DOVECONF), `${DOVECONF} is missing: install dovecot-core`);
    assert.match(execFileSync('/usr/sbin/dovecot', ['--version'], { encoding: 'utf8' }), /^2\.3\./);
  });

  test('Debian /etc/dovecot tree: every value doveconf -n prints', { skip: !existsSync(DEBIAN) && `${DEBIAN} absent` }, () => {
    agreesWithDoveconf(DEBIAN, 10);
    const analysis = analyzeDovecot(DEBIAN, { checkCertificateFiles: false });
    assert.ok(analysis.files.length >= 20, `read ${analysis.files.length} files`);
    assert.ok(listenersAgree(DEBIAN) >= 6);
  });

  test('synthetic 2.3 config: includes, globs, <file, quotes, continuations, filters', () => {
    agreesWithDoveconf(SYNTHETIC, 30);
    assert.ok(listenersAgree(SYNTHETIC) >= 5);
    const a = analyzeDovecot(SYNTHETIC, { checkCertificateFiles: false });
    assert.deepEqual(
      a.endpoints.map((e) => e.target).sort(),
      ['imaps://127.0.0.2:10993', 'pop3://127.0.0.1:110', 'pop3s://127.0.0.1:10995', 'sieve://127.0.0.1:14190'],
    );
  });

  test('$name references: kept as doveconf -n prints them, expanded as doveconf -x does', () => {
    agreesWithDoveconf(VARIABLES, 5);
    const r = compareExpandedWithDoveconf(VARIABLES);
    assert.deepEqual(r.problems, []);
    assert.ok(r.compared >= 6, `only ${r.compared} compared`);
    const a = analyzeDovecot(VARIABLES, { checkCertificateFiles: false });
    assert.equal(a.effective('login_greeting')?.value, '$imap_logout_format and more');
    assert.equal(a.effective('login_greeting')?.expanded, 'mail.example.org bytes=%i/%o x$hostname and more');
  });

  test('the running test instance config', skipWithoutServers(), () => {
    const servers = loadTestServers()!;
    agreesWithDoveconf(servers.dovecotConfigFile, 10);
    listenersAgree(servers.dovecotConfigFile);
    const a = analyzeDovecot(servers.dovecotConfigFile, { checkCertificateFiles: false });
    // The instance listens on several loopback addresses; endpoints use the first one.
    const schemePort = (url: string) => url.replace(/\/\/.*:(\d+)$/, '//:$1');
    const ours = new Set(a.endpoints.map((e) => schemePort(e.target)));
    const dovecotUrls = Object.values(servers.endpoints).filter((url) => /^(imaps?|pop3s?|sieve|lmtp):/.test(url));
    assert.ok(dovecotUrls.length >= 5);
    for (const url of dovecotUrls) assert.ok(ours.has(schemePort(url)), `${url} not found among ${a.endpoints.map((e) => e.target).join(', ')}`);
  });
});
