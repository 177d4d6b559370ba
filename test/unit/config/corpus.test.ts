// Public configurations from mail-server projects and distributions (test/fixtures/corpus, each
// with a README naming its source, commit and licence). Every finding was reviewed by hand; the
// verdicts are in expectations.json. A new or lost finding fails this test, and no finding judged
// false may be an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { analyzePath } from '../../../src/core/config';

const corpus = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'corpus');

/** What is linted: each project's Postfix directory and Dovecot root file (or lone conf.d file). */
export const CORPUS_ROOTS = [
  'mailcow/postfix', 'mailcow/dovecot/dovecot.conf',
  'iredmail/postfix', 'iredmail/dovecot/dovecot.conf', 'iredmail/dovecot24/dovecot.conf',
  'docker-mailserver/postfix', 'docker-mailserver/dovecot/10-ssl.conf', 'docker-mailserver/dovecot/10-master.conf', 'docker-mailserver/dovecot/10-auth.conf',
  'mailu/postfix', 'mailu/dovecot/dovecot.conf',
  'modoboa/postfix', 'modoboa/dovecot24/dovecot.conf',
  'jeboehm/postfix', 'jeboehm/dovecot/dovecot.conf',
  'debian/postfix', 'debian/dovecot/dovecot.conf',
  'dovecot-upstream/2.3/dovecot.conf', 'dovecot-upstream/2.4/dovecot.conf',
];

interface Expected {
  file: string;
  line: number;
  id: string;
  severity: 'error' | 'warning' | 'info';
  verdict: 'true' | 'false' | 'uncertain';
  note: string;
}

const key = (f: { file: string; line: number; id: string; severity: string }) => `${f.file}:${f.line} ${f.severity} ${f.id}`;

test('the corpus holds at least eight projects, each with its source README', () => {
  const projects = new Set(CORPUS_ROOTS.map((r) => r.split('/')[0]!));
  assert.ok(projects.size >= 8, `${projects.size} projects`);
  for (const p of projects) {
    const readme = join(corpus, p, 'README.md');
    assert.ok(existsSync(readme), `${p}/README.md`);
    assert.match(readFileSync(readme, 'utf8'), /commit[^\n]*[0-9a-f]{7,}|Debian package/i, `${p}/README.md names a commit or package version`);
    assert.match(readFileSync(readme, 'utf8'), /licen[cs]e/i, `${p}/README.md names the licence`);
  }
});

test('the findings on the corpus are exactly the reviewed ones; none judged false is an error', () => {
  const expected = JSON.parse(readFileSync(join(corpus, 'expectations.json'), 'utf8')) as Expected[];
  const seen = new Map<string, number>();
  // Certificate files are not read: the corpus names server paths, and whether a path such as
  // /etc/ssl/certs/ssl-cert-snakeoil.pem exists depends on the machine running the test.
  for (const root of CORPUS_ROOTS) {
    for (const a of analyzePath(join(corpus, root), { checkCertificateFiles: false, liveRoots: [] })) {
      for (const f of a.findings) {
        const k = key({ file: relative(corpus, f.range.file), line: f.range.start.line + 1, id: f.id, severity: f.severity });
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
    }
  }
  const want = new Map<string, number>();
  for (const e of expected) want.set(key(e), (want.get(key(e)) ?? 0) + 1);
  const added = [...seen].filter(([k, n]) => (want.get(k) ?? 0) < n).map(([k]) => k);
  const lost = [...want].filter(([k, n]) => (seen.get(k) ?? 0) < n).map(([k]) => k);
  assert.deepEqual({ added, lost }, { added: [], lost: [] }, 'review the new findings and update expectations.json with a verdict for each');
  for (const e of expected) {
    assert.ok(['true', 'false', 'uncertain'].includes(e.verdict) && e.note.length > 10, `${key(e)} has a verdict and a note`);
    assert.ok(!(e.verdict === 'false' && e.severity === 'error'), `${key(e)} was judged false at error severity`);
  }
});
