// Our effective Postfix values against the real `postconf` on Debian's shipped configs and a
// synthetic one: every setting `postconf -n`, `-nx`, `-M` and `-Px` prints must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzePostfix, type PostfixAnalysis } from '../../../src/core/config/postfix';

const DIST = '/usr/share/postfix';
const FIXTURES = resolve(__dirname, '../../../../test/unit/config/fixtures');
const hasPostconf = spawnSync('postconf', ['-d', 'mail_version'], { encoding: 'utf8' }).status === 0;
const skip = hasPostconf && existsSync(join(DIST, 'main.cf.dist')) ? false : 'postconf or Debian postfix files not installed';

const norm = (v: string) => v.replace(/\s+/g, ' ').trim();

function postconf(dir: string, ...args: string[]): string {
  const r = spawnSync('postconf', ['-c', dir, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `postconf ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** `name = value` lines (postconf -n, -P) as a map. */
function pairs(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(' =');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 2).trim());
  }
  return m;
}

/** A config dir made of the given main.cf and master.cf texts, backdated (Postfix re-reads young files slowly). */
function configDir(main: string, master: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-postconf-'));
  writeFileSync(join(dir, 'main.cf'), main);
  writeFileSync(join(dir, 'master.cf'), master);
  const past = new Date(Date.now() - 10_000);
  for (const f of ['main.cf', 'master.cf']) utimesSync(join(dir, f), past, past);
  return dir;
}

function compareWithPostconf(dir: string): PostfixAnalysis {
  const a = analyzePostfix(dir, { checkCertificateFiles: false });
  // main.cf, raw and expanded.
  const raw = pairs(postconf(dir, '-n'));
  raw.delete('config_directory');
  assert.ok(raw.size > 0);
  for (const [name, value] of raw) {
    assert.equal(norm(a.global.raw(name) ?? '<undefined>'), value, `main.cf ${name}`);
    assert.equal(a.global.effective(name).source, 'main.cf', `${name} comes from main.cf`);
  }
  const expanded = pairs(postconf(dir, '-nx'));
  expanded.delete('config_directory');
  // process_id is the running process's own pid: it cannot agree.
  for (const [name, value] of expanded) if (!/process_id/.test(raw.get(name) ?? '')) assert.equal(norm(a.global.effective(name).expanded), value, `main.cf ${name} expanded`);

  // master.cf: every service line's columns and command.
  const lines = postconf(dir, '-M').split('\n').filter(Boolean);
  assert.equal(a.services.length, lines.length, 'service count');
  lines.forEach((line, i) => {
    const cols = line.split(/\s+/);
    const s = a.services[i]!;
    assert.deepEqual([s.name, s.type, ...s.entry.flags, s.command], cols.slice(0, 8), `service line ${i + 1}`);
  });

  // Per service -o values, raw (-P) and expanded in the service's scope (-Px).
  const perService = pairs(postconf(dir, '-P'));
  const perServiceX = pairs(postconf(dir, '-Px'));
  const ours = new Map<string, string>();
  for (const s of a.services) for (const o of s.entry.options) ours.set(`${s.name}/${s.type}/${o.name}`, norm(o.value));
  assert.deepEqual(ours, perService, 'the -o options of every service');
  for (const [key, value] of perServiceX) {
    const [, service, type, param] = /^(.*)\/([^/]+)\/([^/]+)$/.exec(key)!;
    const s = a.services.find((x) => x.name === service && x.type === type)!;
    assert.equal(s.effective(param!).source, '-o');
    assert.equal(norm(s.effective(param!).expanded), value, `${key} expanded`);
  }
  return a;
}

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
  const src = join(FIXTURES, 'postfix-synthetic');
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
