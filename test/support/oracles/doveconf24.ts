/**
 * Dovecot 2.4 as an oracle: Debian 13's doveconf, unpacked by scripts/install-dovecot24.sh and
 * run by scripts/doveconf24.sh. Compares our effective settings with `doveconf -n` (values it
 * prints) and `doveconf -a` (defaults for what it leaves out), and our findings with the line
 * doveconf names when it refuses a config.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeDovecot, type DovecotAnalysis } from '../../../src/core/config/dovecot/index';
import { REPO_ROOT } from '../paths';
import { dumpEffective, parseDoveconfDump } from './doveconf';

export const DOVECONF24 = join(REPO_ROOT, 'scripts/doveconf24.sh');
const cacheRoot = process.env.MAIL_TLS_DOVECOT24_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mail-tls-inspector');
/** The unpacked Debian 13 root (its etc/ and usr/share/dovecot hold Debian's stock 2.4 config). */
export const DOVECOT24_ROOT = join(cacheRoot, 'dovecot24-trixie/root');

export function dovecot24Installed(): boolean {
  return existsSync(join(DOVECOT24_ROOT, '.complete'));
}

export function doveconf24(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('bash', [DOVECONF24, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * A 2.4 dump as path -> value. 2.4 prints `ssl_server_cert_file` inside an `ssl_server { }`
 * group as `cert_file`; we hold the full name, so groups are folded back into names.
 */
export function parseDoveconf24Dump(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, value] of parseDoveconfDump(text)) out.set(path.replace(/(^|\/)(ssl_server|ssl_client) #\d+\//g, '$1$2_'), value);
  return out;
}

/** Where doveconf says a config is wrong: file and 0-based line, from its Fatal line. */
export interface Refusal {
  message: string;
  file?: string;
  line?: number;
}

export function refusalOf(stderr: string): Refusal {
  const fatal = stderr.split('\n').find((l) => /Fatal:/.test(l)) ?? stderr.split('\n')[0] ?? '';
  const message = fatal.replace(/^doveconf: Fatal: /, '');
  const at = /Error in configuration file (.+?) line (\d+):/.exec(message);
  if (at) return { message, file: resolve(at[1]!), line: Number(at[2]) - 1 };
  // An unclosed section names where it started.
  const started = /section started at (.+):(\d+)\)/.exec(message);
  if (started) return { message, file: resolve(started[1]!), line: Number(started[2]) - 1 };
  return { message };
}

/** Values doveconf prints for every config (import_environment's defaults): not ours to hold. */
let baseline: Map<string, string> | undefined;
function printedForEveryConfig(tmpFile: string): Map<string, string> {
  if (!baseline) {
    const r = doveconf24(['-c', tmpFile, '-n']);
    baseline = r.code === 0 ? parseDoveconf24Dump(r.stdout) : new Map();
  }
  return baseline;
}

const secret = (path: string) => /password|pass$/i.test(path);
const show = (path: string, v: string | undefined) => (v === undefined ? 'unset' : secret(path) ? '(hidden)' : JSON.stringify(v));

/**
 * Differences between doveconf 2.4 and us for an accepted `file`; empty when they agree.
 * `emptyConfig` is a file holding only the version lines (for what doveconf prints always).
 */
export function compareWithDoveconf24(file: string, emptyConfig: string, dumped?: { code: number; stdout: string; stderr: string }): { problems: string[]; compared: number; checkedDefaults: number; analysis: DovecotAnalysis } {
  const analysis = analyzeDovecot(file, { checkCertificateFiles: false });
  const dump = dumped ?? doveconf24(['-c', file, '-n', '-P']);
  if (dump.code !== 0) return { problems: [`doveconf -n failed (${dump.code}): ${dump.stderr.trim()}`], compared: 0, checkedDefaults: 0, analysis };
  const theirs = parseDoveconf24Dump(dump.stdout);
  const always = printedForEveryConfig(emptyConfig);
  const ours = dumpEffective(analysis.config);
  const problems: string[] = [];
  let compared = 0;
  for (const [path, value] of theirs) {
    const mine = ours.get(path);
    if (mine === undefined && (value === '' || always.get(path) === value)) continue;
    compared++;
    if (!sameValue(path, mine, value)) problems.push(`${path}: doveconf ${show(path, value)}, ours ${show(path, mine)}`);
  }
  // What we hold and -n leaves out must be a default: `doveconf -a -s` lists every global one.
  const unprinted = [...ours.keys()].filter((p) => !theirs.has(p) && !p.includes('/'));
  let checkedDefaults = 0;
  if (unprinted.length > 0) {
    const all = doveconf24(['-c', file, '-a', '-s', '-P']);
    const defaults = parseDoveconf24Dump(all.stdout);
    for (const path of unprinted) {
      checkedDefaults++;
      if (!sameValue(path, ours.get(path), defaults.get(path))) problems.push(`${path}: doveconf -a ${show(path, defaults.get(path))}, ours ${show(path, ours.get(path))}`);
    }
  }
  return { problems, compared, checkedDefaults, analysis };
}

/** 2.4 prints list settings (`listen = *, ::`) joined with single spaces. */
function sameValue(path: string, ours: string | undefined, theirs: string | undefined): boolean {
  if (ours === theirs) return true;
  if (ours === undefined || theirs === undefined) return false;
  const leaf = path.slice(path.lastIndexOf('/') + 1);
  if (LIST_SETTINGS.has(leaf)) return ours.split(/[\s,]+/).filter(Boolean).join(' ') === theirs;
  return false;
}
const LIST_SETTINGS = new Set(['listen', 'protocols', 'login_trusted_networks', 'auth_mechanisms', 'mail_plugins', 'haproxy_trusted_networks', 'login_source_ips']);

/** The error-severity findings we give at the place doveconf names (any error when it names none). */
export function errorsAt(analysis: DovecotAnalysis, refusal: Refusal): { id: string; message: string; line: number }[] {
  return analysis.findings
    .filter((f) => f.severity === 'error')
    .filter((f) => refusal.file === undefined || (resolve(f.range.file) === refusal.file && f.range.start.line <= refusal.line! && refusal.line! <= f.range.end.line))
    .map((f) => ({ id: f.id, message: f.message, line: f.range.start.line }));
}

export function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n');
}
