/**
 * Our Dovecot 2.4 reading against a real Dovecot 2.4 (Debian 13's doveconf 2.4.1, fetched and
 * unpacked by scripts/install-dovecot24.sh): effective values agree on the 2.4 fixtures and on
 * Debian's stock 2.4 config; every config doveconf refuses gets an error from us at the line it
 * names, over mutated trees too; the built-in list of 2.4 names is what doveconf knows.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeDovecot } from '../../src/core/config/dovecot/index';
import { KNOWN_SETTINGS_24 } from '../../src/core/config/dovecot/known24';
import { MUTATION_KINDS, writeMutatedTree } from '../support/dovecot24Mutations';
import { compareWithDoveconf24, doveconf24, dovecot24Installed, DOVECOT24_ROOT, errorsAt, parseDoveconf24Dump, refusalOf } from '../support/oracles/doveconf24';
import { fixture } from '../support/paths';

const FIXTURES = fixture('dovecot24');
const TREES: Record<string, string[]> = {
  good: ['dovecot.conf', 'conf.d/20-managesieve.conf'],
  synthetic: ['dovecot.conf', 'conf.d/10-master.conf', 'conf.d/20-namespace.conf'],
};

let tmp = '';
let empty = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dovecot24-'));
  empty = join(tmp, 'empty.conf');
  writeFileSync(empty, 'dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.0\n');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Debian 13's stock config from the unpacked package, with its protocols.d made local. */
function debianTree(): string {
  const dir = join(tmp, 'debian');
  if (existsSync(dir)) return join(dir, 'dovecot.conf');
  cpSync(join(DOVECOT24_ROOT, 'usr/share/dovecot'), dir, { recursive: true });
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8').replace('/usr/share/dovecot/protocols.d/', `${dir}/protocols.d/`));
  mkdirSync(join(dir, 'protocols.d'), { recursive: true });
  // What dovecot-imapd's and dovecot-pop3d's packages add (2.4 boolean-list form).
  writeFileSync(join(dir, 'protocols.d/imapd.protocol'), 'protocols {\n  imap = yes\n}\n');
  writeFileSync(join(dir, 'protocols.d/pop3d.protocol'), 'protocols {\n  pop3 = yes\n}\n');
  return conf;
}

function agrees(file: string, minCompared: number): void {
  const r = compareWithDoveconf24(file, empty);
  assert.deepEqual(r.problems, [], `${file} differs from doveconf 2.4`);
  assert.ok(r.compared >= minCompared, `only ${r.compared} values compared for ${file}`);
}

describe('Dovecot 2.4: our reading agrees with doveconf 2.4', () => {
  test('doveconf 2.4 runs (scripts/install-dovecot24.sh unpacked it)', () => {
    assert.ok(dovecot24Installed(), `no Dovecot 2.4 under ${DOVECOT24_ROOT}: run scripts/install-dovecot24.sh`);
    const r = doveconf24(['-c', empty, '-n']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# 2\.4\.\d/);
  });

  test('the 2.4 fixtures: every value doveconf -n prints, defaults from doveconf -a', () => {
    agrees(join(FIXTURES, 'good/dovecot.conf'), 12);
    agrees(join(FIXTURES, 'synthetic/dovecot.conf'), 30);
  });

  test("Debian 13's stock 2.4 config", () => {
    const conf = debianTree();
    agrees(conf, 15);
    assert.ok(analyzeDovecot(conf, { checkCertificateFiles: false }).files.length >= 20);
  });

  test('configs doveconf refuses: an error from us at the line it names', () => {
    for (const name of ['migrated', 'not-first']) {
      const file = join(FIXTURES, name, 'dovecot.conf');
      const r = doveconf24(['-c', file, '-n']);
      assert.notEqual(r.code, 0, `doveconf accepts ${name}`);
      const refusal = refusalOf(r.stderr);
      assert.ok(refusal.file, refusal.message);
      assert.notDeepEqual(errorsAt(analyzeDovecot(file, { checkCertificateFiles: false }), refusal), [], `${name}: no error of ours for "${refusal.message}"`);
    }
  });

  test('mutated 2.4 trees: refused ones get our error at doveconf\'s line, accepted ones the same values', { timeout: 600_000 }, () => {
    const disagreements: string[] = [];
    const byKind = new Map<string, { refused: number; accepted: number }>();
    let seed = 0;
    for (const kind of MUTATION_KINDS) {
      for (const [tree, files] of Object.entries(TREES)) {
        for (let i = 0; i < 2; i++) {
          seed++;
          const dir = join(tmp, `m${seed}`);
          const what = writeMutatedTree(join(FIXTURES, tree), files, dir, kind, seed);
          if (what === undefined) continue;
          const file = join(dir, 'dovecot.conf');
          const counts = byKind.get(kind) ?? { refused: 0, accepted: 0 };
          byKind.set(kind, counts);
          const r = doveconf24(['-c', file, '-n', '-P']);
          const label = `seed ${seed} ${tree} (${kind}: ${what})`;
          if (r.code !== 0) {
            counts.refused++;
            const refusal = refusalOf(r.stderr);
            const analysis = analyzeDovecot(file, { checkCertificateFiles: false });
            if (errorsAt(analysis, refusal).length === 0) {
              const where = refusal.file ? `${relative(dir, refusal.file)}:${refusal.line! + 1}` : 'no line';
              const ours = analysis.findings.map((f) => `${f.severity} ${f.id} ${relative(dir, f.range.file)}:${f.range.start.line + 1}`);
              disagreements.push(`${label}: doveconf "${refusal.message}" (${where}); ours: ${ours.join(', ') || 'nothing'}`);
            }
          } else {
            counts.accepted++;
            const c = compareWithDoveconf24(file, empty, r);
            if (c.problems.length > 0) disagreements.push(`${label}: accepted, values differ: ${c.problems.slice(0, 3).join('; ')}`);
          }
        }
      }
    }
    const refused = [...byKind.values()].reduce((n, c) => n + c.refused, 0);
    const accepted = [...byKind.values()].reduce((n, c) => n + c.accepted, 0);
    console.log(`2.4 mutations: ${refused} refused, ${accepted} accepted; ${[...byKind].map(([k, c]) => `${k} ${c.refused}/${c.accepted}`).join(', ')}`);
    assert.deepEqual(disagreements, []);
    assert.ok(refused >= 25, `only ${refused} mutated trees refused`);
    assert.ok(accepted >= 5, `only ${accepted} mutated trees accepted`);
  });

  test('the built-in list of 2.4 setting names is what doveconf 2.4 knows', () => {
    const all = doveconf24(['-c', empty, '-a', '-s']);
    assert.equal(all.code, 0, all.stderr);
    const names = [...parseDoveconf24Dump(all.stdout).keys()].filter((k) => !k.includes('/')).sort();
    assert.deepEqual([...KNOWN_SETTINGS_24].sort(), names);
  });
});
