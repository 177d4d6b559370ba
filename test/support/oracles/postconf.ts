/**
 * The `postconf` oracle: our effective Postfix values against what the real `postconf -c DIR`
 * prints (`-n`, `-nx`, `-M`, `-P`, `-Px`). Run, never frozen: every call spawns postconf.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePostfix, type PostfixAnalysis } from '../../../src/core/config/postfix';

export const hasPostconf = spawnSync('postconf', ['-d', 'mail_version'], { encoding: 'utf8' }).status === 0;

export const norm = (v: string) => v.replace(/\s+/g, ' ').trim();

export function postconf(dir: string, ...args: string[]): string {
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
export function configDir(main: string, master: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-postconf-'));
  writeFileSync(join(dir, 'main.cf'), main);
  writeFileSync(join(dir, 'master.cf'), master);
  const past = new Date(Date.now() - 10_000);
  for (const f of ['main.cf', 'master.cf']) utimesSync(join(dir, f), past, past);
  return dir;
}

/** Asserts that every value postconf prints agrees with ours; returns our analysis. */
export function compareWithPostconf(dir: string): PostfixAnalysis {
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

