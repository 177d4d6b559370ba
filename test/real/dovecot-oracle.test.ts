/**
 * Our Dovecot effective settings against doveconf (Dovecot 2.3.19) on the same files: the
 * tree Debian installs in /etc/dovecot, a synthetic config exercising every syntax feature,
 * and the running test instance's config. Listener ports and addresses are checked with
 * `doveconf -h`, so Dovecot's built-in listeners count too.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync as makeTempDir, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeDovecot } from '../../src/core/config/dovecot/index';
import { loadTestServers, skipWithoutServers } from '../servers/fixture';
import { KNOWN_SETTINGS_23, SECTION_FIELDS_23 } from '../../src/core/config/dovecot/known23';
import { compareExpandedWithDoveconf, compareFiltersWithDoveconf, compareWithDoveconf, doveconf, DOVECONF, parseDoveconfDump } from '../support/oracles/doveconf';
import { fixture } from '../support/paths';

const SYNTHETIC = fixture('dovecot23', 'synthetic', 'dovecot.conf');
const DEBIAN = '/etc/dovecot/dovecot.conf';
const VARIABLES = fixture('dovecot23', 'variables', 'dovecot.conf');

/** Deterministic PRNG (mulberry32): a failing seed replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tempDirs: string[] = [];
/** A temporary directory, removed when the process exits. */
function mkdtempSync(prefix: string): string {
  const dir = makeTempDir(prefix);
  tempDirs.push(dir);
  return dir;
}
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function agreesWithDoveconf(file: string, minCompared: number, minFiltered = 0): void {
  const r = compareWithDoveconf(file);
  assert.deepEqual(r.problems, [], `${file} differs from doveconf`);
  assert.ok(r.compared >= minCompared, `only ${r.compared} values compared for ${file}`);
  const f = compareFiltersWithDoveconf(file);
  assert.deepEqual(f.problems, [], `${file}: filtered lookups differ from doveconf -f`);
  assert.ok(f.compared >= minFiltered, `only ${f.compared} filtered values compared for ${file}`);
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
    agreesWithDoveconf(SYNTHETIC, 30, 12);
    assert.ok(listenersAgree(SYNTHETIC) >= 5);
    const a = analyzeDovecot(SYNTHETIC, { checkCertificateFiles: false });
    assert.equal(a.effective('login_log_format')?.value, 'a-second %s', 'brace alternatives are read in their order');
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

  test('mutated configs that doveconf accepts: the same values (differential fuzzing)', { timeout: 120_000 }, () => {
    // The synthetic fixture in one file, without `listen` (Dovecot 2.3 garbles invalid listen
    // addresses in its own output) and time values (doveconf normalises "5 mi" to "5 mins").
    const dir = dirname(SYNTHETIC);
    const source = [readFileSync(SYNTHETIC, 'utf8'), readFileSync(join(dir, 'conf.d/10-master.conf'), 'utf8'), readFileSync(join(dir, 'conf.d/20-more.conf'), 'utf8')]
      .join('\n')
      .split('\n')
      .filter((l) => !/^(!include|listen)|_interval/.test(l))
      .join('\n');
    const tmp = mkdtempSync(join(tmpdir(), 'dovecot-diff-'));
    const inserts = ['{', '}', '"', "'", '\\', '#', '<', '$', '\n', '=', ' ', '\t', '\\\n', '"a b"', ' # x', '$protocols'];
    let accepted = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const chars = [...source];
      const edits = 1 + Math.floor(r() * 4);
      for (let i = 0; i < edits; i++) {
        const at = Math.floor(r() * (chars.length + 1));
        if (r() < 0.4) chars.splice(at, 1);
        else chars.splice(at, 0, inserts[Math.floor(r() * inserts.length)]!);
      }
      const file = join(tmp, `${seed}.conf`);
      writeFileSync(file, `base_dir = ${join(tmp, 'run')}/\n${chars.join('')}`);
      const result = compareWithDoveconf(file, { collapseWhitespace: true });
      if (result.problems[0]?.startsWith('doveconf -n failed')) continue;
      accepted++;
      if (result.problems.length > 0) failures.push(`seed ${seed}: ${result.problems.slice(0, 3).join('; ')}`);
    }
    assert.deepEqual(failures, []);
    assert.ok(accepted >= 80, `doveconf accepted only ${accepted} of 300 mutations`);
  });

  test('mutated include trees: doveconf refuses a config exactly when we report why', { timeout: 120_000 }, () => {
    const dir = dirname(SYNTHETIC);
    const files = ['dovecot.conf', 'conf.d/10-master.conf', 'conf.d/20-more.conf', 'conf.d/30-plugin.conf', 'extra/10-more.conf', 'extra/brace-a.conf', 'extra/brace-b.conf'];
    const inserts = ['{', '}', '"', "'", '\\', '#', '<', '=', ' ', '\\\n', '!include ../extra/brace-a.conf\n', '!include_try nope.conf\n', '!include conf.d/*.conf\n', 'service imap-login {\n', '}\n'];
    const blocking = /^dovecot-(syntax-error|include-missing|include-cycle|invalid-value|unknown-setting)$/;
    const disagreements: string[] = [];
    let rejected = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      const root = mkdtempSync(join(tmpdir(), 'dovecot-tree-'));
      const mutated = files[Math.floor(r() * files.length)];
      for (const f of files) {
        let text = readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => !/^listen|_interval/.test(l)).join('\n');
        if (f === mutated) {
          const chars = [...text];
          for (let i = 1 + Math.floor(r() * 2); i > 0; i--) {
            const at = Math.floor(r() * (chars.length + 1));
            if (r() < 0.4) chars.splice(at, 1);
            else chars.splice(at, 0, inserts[Math.floor(r() * inserts.length)]!);
          }
          text = chars.join('');
        }
        if (f === 'dovecot.conf') text = `base_dir = ${join(root, 'run')}/\n${text}`;
        mkdirSync(dirname(join(root, f)), { recursive: true });
        writeFileSync(join(root, f), text);
      }
      const file = join(root, 'dovecot.conf');
      const dc = doveconf(['-c', file, '-n']);
      // ssl_min_protocol names are checked when TLS starts, not by doveconf.
      const ours = analyzeDovecot(file, { checkCertificateFiles: false }).findings.filter((f) => blocking.test(f.id) && !/^ssl_min_protocol /.test(f.message));
      if (dc.code !== 0) rejected++;
      if ((dc.code !== 0) !== (ours.length > 0)) {
        disagreements.push(`seed ${seed}: doveconf ${dc.code !== 0 ? dc.stderr.split('\n').find((l) => /Fatal|Error/.test(l)) : 'accepts'}; ours: ${ours.map((f) => f.id).join(', ') || 'nothing'}`);
      }
    }
    assert.deepEqual(disagreements, []);
    assert.ok(rejected >= 50 && rejected <= 180, `${rejected} of 200 rejected: the mutations should give both outcomes`);
  });

  test('dovecot-invalid-value fires exactly where doveconf refuses the value', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'dovecot-values-'));
    const lines = ['ssl = Yes', 'ssl = maybe', 'ssl = required', 'disable_plaintext_auth = 0', 'disable_plaintext_auth = n', 'disable_plaintext_auth = TRUE',
      'disable_plaintext_auth = Y', 'disable_plaintext_auth = 1', 'disable_plaintext_auth = NO', 'verbose_ssl = yES',
      'service imap-login {\n  inet_listener imaps {\n    port = 70000\n  }\n}', 'service imap-login {\n  inet_listener imaps {\n    port = 65535\n    ssl = sure\n  }\n}',
      'service imap-login {\n  inet_listener imaps {\n    port = 993\n    ssl = y\n  }\n}'];
    lines.forEach((line, i) => {
      const file = join(tmp, `${i}.conf`);
      writeFileSync(file, `base_dir = ${join(tmp, 'run')}/\n${line}\n`);
      const accepted = doveconf(['-c', file, '-n']).code === 0;
      const flagged = analyzeDovecot(file, { checkCertificateFiles: false }).findings.some((f) => f.id === 'dovecot-invalid-value');
      assert.equal(flagged, !accepted, `${line}: doveconf ${accepted ? 'accepts' : 'refuses'} it`);
    });
  });

  test('the built-in list of 2.3 setting names is what doveconf knows', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'dovecot-names-'));
    const file = join(tmp, 'dovecot.conf');
    writeFileSync(file, `base_dir = ${join(tmp, 'run')}/\n`);
    const all = doveconf(['-c', file]);
    assert.equal(all.code, 0, all.stderr);
    const names = [...parseDoveconfDump(all.stdout).keys()].filter((k) => !k.includes('/')).sort();
    assert.deepEqual([...KNOWN_SETTINGS_23].sort(), names);
    // Section fields, from Debian's tree (it has services, listeners, a namespace, passdb, userdb).
    if (existsSync(DEBIAN)) {
      const debian = parseDoveconfDump(doveconf(['-c', DEBIAN]).stdout);
      for (const [path, fields] of Object.entries(SECTION_FIELDS_23)) {
        const seen = new Set<string>();
        for (const key of debian.keys()) {
          const parts = key.split('/');
          const segments = parts.slice(0, -1);
          if (segments.every((seg) => /^\S+ \S+$/.test(seg)) && segments.map((seg) => seg.split(' ')[0]).join('/') === path) seen.add(parts[parts.length - 1]!);
        }
        assert.deepEqual([...fields].sort(), [...seen].sort(), `fields of ${path}`);
      }
    }
    // Unknown names are what doveconf refuses.
    writeFileSync(file, `base_dir = ${join(tmp, 'run')}/\nssl_min_protocols = TLSv1.2\n`);
    assert.match(doveconf(['-c', file, '-n']).stderr, /Unknown setting: ssl_min_protocols/);
  });

  test('the running test instance config', skipWithoutServers(), () => {
    const servers = loadTestServers()!;
    agreesWithDoveconf(servers.dovecotConfigFile, 10, 8);
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
