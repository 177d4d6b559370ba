/**
 * Compares our effective Dovecot settings with `doveconf` run on the same file. doveconf -n
 * prints only non-default values, so: every value it prints must be ours; every value we hold
 * that it leaves out must be what `doveconf -h` reads (a default).
 */
import { spawnSync } from 'node:child_process';
import { analyzeDovecot } from '../../../src/core/config/dovecot/index';
import type { EffectiveConfig, EffectiveSection } from '../../../src/core/config/dovecot/effective';
import { unescapeDovecot } from '../../../src/core/config/dovecot/lexer';

export const DOVECONF = '/usr/bin/doveconf';

/** Computed at run time by Pigeonhole, never written in a config. */
const RUNTIME_DEFAULTS = new Set(['managesieve_sieve_capability', 'managesieve_notify_capability']);

export function doveconf(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(DOVECONF, args, { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `doveconf -n -P` output as path -> value; unnamed sections are `type #i` among their siblings. */
export function parseDoveconfDump(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const stack: { prefix: string; unnamed: Map<string, number> }[] = [{ prefix: '', unnamed: new Map() }];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const top = stack[stack.length - 1]!;
    if (line === '}') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const setting = /^([^\s=]+) = ?(.*)$/.exec(line);
    if (setting) {
      let value = setting[2]!;
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = unescapeDovecot(value.slice(1, -1));
      out.set(top.prefix + setting[1]!, value);
      continue;
    }
    const section = /^(\S+)(?: (.+))? \{$/.exec(line);
    if (!section) throw new Error(`unexpected doveconf line: ${line}`);
    const type = section[1]!;
    let name = section[2] ?? '';
    if (name.startsWith('"') && name.endsWith('"')) name = unescapeDovecot(name.slice(1, -1));
    let segment = `${type} ${name}`;
    if (name === '') {
      const i = top.unnamed.get(type) ?? 0;
      top.unnamed.set(type, i + 1);
      segment = `${type} #${i}`;
    }
    stack.push({ prefix: `${top.prefix}${segment}/`, unnamed: new Map() });
  }
  return out;
}

/** Our effective settings in the same path form (`expanded`: as doveconf -x prints them). */
export function dumpEffective(config: EffectiveConfig, expanded = false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (section: EffectiveSection, prefix: string) => {
    for (const [name, a] of section.settings) out.set(prefix + name, expanded ? a.expanded : a.value);
    const unnamed = new Map<string, number>();
    for (const child of section.sections.values()) {
      let segment = `${child.type} ${child.name}`;
      if (child.name === '') {
        const i = unnamed.get(child.type) ?? 0;
        unnamed.set(child.type, i + 1);
        segment = `${child.type} #${i}`;
      }
      walk(child, `${prefix}${segment}/`);
    }
  };
  walk(config.global, '');
  for (const f of config.filters) {
    const c = f.criteria;
    const prefix = [c.local_name && `local_name ${c.local_name}`, c.remote && `remote ${c.remote}`, c.local && `local ${c.local}`, c.protocol && `protocol ${c.protocol}`]
      .filter(Boolean)
      .map((s) => `${s}/`)
      .join('');
    walk(f.root, prefix);
  }
  return out;
}

const secret = (path: string) => /key|pass/i.test(path);
const show = (path: string, v: string | undefined) => (v === undefined ? 'unset' : secret(path) ? '(hidden)' : JSON.stringify(v));

/** Differences between doveconf and us for `file`; empty when they agree. */
export function compareWithDoveconf(file: string, options: { collapseWhitespace?: boolean } = {}): { problems: string[]; compared: number; checkedDefaults: number } {
  // doveconf re-joins some list values (protocols) with single spaces.
  const same = (a: string | undefined, b: string | undefined) => (options.collapseWhitespace && a !== undefined && b !== undefined ? a.replace(/\s+/g, ' ') === b.replace(/\s+/g, ' ') : a === b);
  const dump = doveconf(['-c', file, '-n', '-P']);
  if (dump.code !== 0) return { problems: [`doveconf -n failed (${dump.code}): ${dump.stderr}`], compared: 0, checkedDefaults: 0 };
  const theirs = parseDoveconfDump(dump.stdout);
  const analysis = analyzeDovecot(file, { checkCertificateFiles: false });
  const ours = dumpEffective(analysis.config);
  const problems: string[] = [];
  let compared = 0;
  for (const [path, value] of theirs) {
    const mine = ours.get(path);
    const leaf = path.slice(path.lastIndexOf('/') + 1);
    if (mine === undefined && (value === '' || RUNTIME_DEFAULTS.has(leaf))) continue;
    compared++;
    if (!same(mine, value)) problems.push(`${path}: doveconf ${show(path, value)}, ours ${show(path, mine)}`);
  }
  // What we hold and doveconf -n omits must be a default: ask doveconf -h (plain paths only).
  const unprinted = [...ours.keys()].filter((p) => !theirs.has(p));
  let checkedDefaults = 0;
  for (const path of unprinted) {
    const hPath = toHPath(path);
    if (!hPath) continue;
    const r = doveconf(['-c', file, '-h', '-P', hPath]);
    if (r.code !== 0) {
      problems.push(`${path}: doveconf -h ${hPath} failed: ${r.stderr.split('\n')[0]}`);
      continue;
    }
    checkedDefaults++;
    const value = r.stdout.replace(/\n$/, '');
    if (!same(value, ours.get(path))) problems.push(`${path}: doveconf -h ${show(path, value)}, ours ${show(path, ours.get(path))}`);
  }
  return { problems, compared, checkedDefaults };
}

/** `service imap-login/inet_listener imaps/port` -> `service/imap-login/inet_listener/imaps/port`; filters and lists have no -h path. */
function toHPath(path: string): string | undefined {
  const parts = path.split('/');
  const out: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1) {
      out.push(part);
      break;
    }
    const m = /^(\S+) (\S+)$/.exec(part);
    if (!m || m[2]!.startsWith('#') || ['protocol', 'local', 'remote', 'local_name'].includes(m[1]!)) return undefined;
    out.push(m[1]!, m[2]!);
  }
  return out.join('/');
}

/** `doveconf -n -x` (references expanded) against our expanded values; `<file` values are skipped. */
export function compareExpandedWithDoveconf(file: string): { problems: string[]; compared: number } {
  const dump = doveconf(['-c', file, '-n', '-x']);
  if (dump.code !== 0) return { problems: [`doveconf -n -x failed (${dump.code}): ${dump.stderr}`], compared: 0 };
  const theirs = parseDoveconfDump(dump.stdout);
  const ours = dumpEffective(analyzeDovecot(file, { checkCertificateFiles: false }).config, true);
  const problems: string[] = [];
  let compared = 0;
  for (const [path, value] of theirs) {
    const mine = ours.get(path);
    const leaf = path.slice(path.lastIndexOf('/') + 1);
    if (mine === undefined && (value === '' || RUNTIME_DEFAULTS.has(leaf))) continue;
    compared++;
    if (mine !== value) problems.push(`${path}: doveconf -x ${show(path, value)}, ours ${show(path, mine)}`);
  }
  return { problems, compared };
}

/**
 * Filtered lookups (`effective(name, { protocol, local, remote })`) against `doveconf -f`:
 * one context per filter block, every setting any filter sets. Where no filter sets a value
 * for the context, doveconf must print the unfiltered value.
 */
export function compareFiltersWithDoveconf(file: string): { problems: string[]; compared: number } {
  const analysis = analyzeDovecot(file, { checkCertificateFiles: false });
  const names = [...new Set(analysis.config.filters.flatMap((f) => [...f.root.settings.keys()]))].sort();
  const problems: string[] = [];
  let compared = 0;
  if (names.length === 0) return { problems, compared };
  const unfiltered = doveconf(['-c', file, '-P', '-h', ...names]);
  if (unfiltered.code !== 0) return { problems: [`doveconf -h failed: ${unfiltered.stderr}`], compared };
  const plain = unfiltered.stdout.split('\n');
  const base = (v: string | undefined) => v?.replace(/\/\d+$/, '');
  for (const { criteria: c } of analysis.config.filters) {
    const protocol = c.protocol?.startsWith('!') ? (c.protocol === '!imap' ? 'pop3' : 'imap') : c.protocol;
    const context = { ...(protocol ? { protocol } : {}), ...(c.local ? { local: base(c.local)! } : {}), ...(c.remote ? { remote: base(c.remote)! } : {}), ...(c.local_name ? { localName: c.local_name } : {}) };
    const args = ['-c', file, '-P'];
    if (context.protocol) args.push('-f', `protocol=${context.protocol}`);
    if (context.local) args.push('-f', `local=${context.local}`);
    if (context.remote) args.push('-f', `remote=${context.remote}`);
    if (context.localName) args.push('-f', `lname=${context.localName}`);
    const r = doveconf([...args, '-h', ...names]);
    if (r.code !== 0) {
      problems.push(`doveconf ${args.slice(3).join(' ')} failed: ${r.stderr.split('\n')[0]}`);
      continue;
    }
    const values = r.stdout.split('\n');
    names.forEach((name, i) => {
      compared++;
      const expected = values[i];
      const ours = analysis.effective(name, context)?.value;
      if (ours !== undefined) {
        if (ours !== expected) problems.push(`${JSON.stringify(context)} ${name}: doveconf ${show(name, expected)}, ours ${show(name, ours)}`);
        return;
      }
      // We find no value for the context (nor globally): doveconf must print its value without
      // any filter, its default. Its value is never taken for ours.
      if (expected !== plain[i]) problems.push(`${JSON.stringify(context)} ${name}: doveconf ${show(name, expected)}, ours unset (doveconf's unfiltered value ${show(name, plain[i])})`);
    });
  }
  return { problems, compared };
}
