/**
 * Mutations of a Dovecot 2.4 config tree that admins really make (a 2.3 name kept, the version
 * line dropped or moved, a brace lost, `<` kept before a file path, a misspelt name, a wrong
 * boolean, a 2.3 section form), applied one per seed to a copy of the tree. Deterministic: a
 * failing seed replays.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RENAMES_24 } from '../../src/core/config/dovecot/settingsDocs';

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Files = Map<string, string[]>;
interface Site {
  file: string;
  line: number;
}
type Mutation = (files: Files, pick: <T>(xs: T[]) => T | undefined) => string | undefined;

const SETTING = /^(\s*)([A-Za-z0-9_]+)(\s*=\s*)(.*)$/;
const sitesWhere = (files: Files, test: (line: string) => boolean): Site[] =>
  [...files].flatMap(([file, lines]) => lines.flatMap((line, i) => (test(line) ? [{ file, line: i }] : [])));
const edit = (files: Files, site: Site, text: string | null) => {
  const lines = files.get(site.file)!;
  if (text === null) lines.splice(site.line, 1);
  else lines[site.line] = text;
};

/** 2.4 name -> the 2.3 name it replaced, for the renames that keep the value's meaning. */
const OLD_NAMES = new Map(RENAMES_24.filter((r) => /^[a-z_]+$/.test(r.to)).map((r) => [r.to, r.from]));
const BOOLEAN_24 = /^(auth_allow_cleartext|ssl|haproxy|inbox|mail_plugins|quota|hidden|list|subscriptions|mail_debug)$/;

const MUTATIONS: Record<string, Mutation> = {
  'a 2.3 name': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => OLD_NAMES.has(SETTING.exec(l)?.[2] ?? '')));
    if (!site) return undefined;
    const [, indent, name, eq, value] = SETTING.exec(files.get(site.file)![site.line]!)!;
    const old = OLD_NAMES.get(name!)!;
    edit(files, site, `${indent}${old}${eq}${/_file$/.test(name!) ? '<' : ''}${value}`);
    return `${name} -> ${old}`;
  },
  'a 2.3 name in a group': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*cert_file\s*=/.test(l)));
    if (!site) return undefined;
    edit(files, site, files.get(site.file)![site.line]!.replace('cert_file', 'cert'));
    return 'ssl_server { cert }';
  },
  'no dovecot_config_version': (files) => {
    const site = sitesWhere(files, (l) => /^dovecot_config_version\b/.test(l))[0];
    if (!site) return undefined;
    edit(files, site, null);
    return 'version line dropped';
  },
  'dovecot_config_version not first': (files) => {
    const site = sitesWhere(files, (l) => /^dovecot_config_version\b/.test(l))[0];
    if (!site) return undefined;
    const lines = files.get(site.file)!;
    const [versionLine] = lines.splice(site.line, 1);
    const next = lines.findIndex((l, i) => i >= site.line && SETTING.test(l));
    lines.splice(next + 1, 0, versionLine!);
    return 'version line moved down';
  },
  'a lost closing brace': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*}\s*$/.test(l)));
    if (!site) return undefined;
    edit(files, site, null);
    return `} removed at ${site.file}:${site.line + 1}`;
  },
  'an extra closing brace': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => SETTING.test(l)));
    if (!site) return undefined;
    edit(files, site, `${files.get(site.file)![site.line]}\n}`);
    return `} added after ${site.file}:${site.line + 1}`;
  },
  '< before a file path': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*(ssl_server_)?(cert|key|dh|ca)_file\s*=\s*[^<]/.test(l)));
    if (!site) return undefined;
    edit(files, site, files.get(site.file)![site.line]!.replace(/=\s*/, '= <'));
    return '< added';
  },
  'a misspelt name': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => SETTING.test(l) && !/^dovecot_config_version/.test(l)));
    if (!site) return undefined;
    const [, indent, name, eq, value] = SETTING.exec(files.get(site.file)![site.line]!)!;
    const at = Math.max(1, Math.floor(name!.length / 2));
    edit(files, site, `${indent}${name!.slice(0, at)}${name!.slice(at + 1)}${eq}${value}`);
    return `${name} misspelt`;
  },
  'a wrong boolean': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => BOOLEAN_24.test(SETTING.exec(l)?.[2] ?? '') && /=\s*(yes|no)\s*$/.test(l)));
    if (!site) return undefined;
    const word = pick(['on', 'true', '1', 'Yes', 'y'])!;
    edit(files, site, files.get(site.file)![site.line]!.replace(/(yes|no)\s*$/, word));
    return `boolean -> ${word}`;
  },
  'a misspelt section': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*(service|namespace|mailbox|inet_listener|passdb|userdb|protocol)\b.*{\s*$/.test(l)));
    if (!site) return undefined;
    edit(files, site, files.get(site.file)![site.line]!.replace(/^(\s*)(\w+)/, (_, s: string, t: string) => `${s}${t.slice(0, -1)}`));
    return 'section type misspelt';
  },
  'an unnamed passdb': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*(passdb|userdb) \S+ {/.test(l)));
    if (!site) return undefined;
    edit(files, site, files.get(site.file)![site.line]!.replace(/^(\s*\w+) \S+ {/, '$1 {'));
    return 'passdb name dropped';
  },
  'a plugin section': (files) => {
    const [file, lines] = [...files][0]!;
    lines.push('plugin {', '  quota = maildir:User quota', '}');
    return `plugin { } appended to ${file}`;
  },
  'a listener address': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*port\s*=/.test(l)));
    if (!site) return undefined;
    edit(files, site, `${files.get(site.file)![site.line]}\n    address = 127.0.0.1`);
    return 'address in a listener';
  },
  'a port out of range': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*port\s*=/.test(l)));
    if (!site) return undefined;
    edit(files, site, files.get(site.file)![site.line]!.replace(/=.*/, '= 99999'));
    return 'port 99999';
  },
  'ssl = maybe': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^ssl\s*=/.test(l)));
    if (!site) return undefined;
    edit(files, site, 'ssl = maybe');
    return 'ssl = maybe';
  },
  'a one-letter variable': (files, pick) => {
    const site = pick(sitesWhere(files, (l) => /^\s*mail_(path|home)\s*=/.test(l)));
    if (!site) return undefined;
    edit(files, site, files.get(site.file)![site.line]!.replace(/=.*/, '= /var/vmail/%d/%n'));
    return '%d/%n';
  },
  'mail_location': (files) => {
    const [file, lines] = [...files][0]!;
    lines.push('mail_location = maildir:~/Maildir');
    return `mail_location appended to ${file}`;
  },
};

export const MUTATION_KINDS = Object.keys(MUTATIONS);

/** Copies the tree `files` (paths relative to `from`) to `to` with mutation `kind` applied; what was done, or undefined when the tree has no place for it. */
export function writeMutatedTree(from: string, files: string[], to: string, kind: string, seed: number): string | undefined {
  const random = rng(seed);
  const pick = <T>(xs: T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(random() * xs.length)]);
  const tree: Files = new Map(files.map((f) => [f, readFileSync(join(from, f), 'utf8').split('\n')]));
  const what = MUTATIONS[kind]!(tree, pick);
  if (what === undefined) return undefined;
  for (const [f, lines] of tree) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    writeFileSync(join(to, f), lines.join('\n'));
  }
  return what;
}
