// Shared by `mail-tls lint` and `mail-tls endpoints`: argument parsing and loading configs.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { analyzePath, type AnalyzeOptions, type ConfigAnalysis } from '../core/config';
import { UsageError } from './io';

export type LintFormat = 'text' | 'json' | 'sarif' | 'github';

export interface ConfigArgs {
  paths: string[];
  json: boolean;
  format: LintFormat;
  help: boolean;
  options: AnalyzeOptions;
}

export function parseConfigArgs(args: string[]): ConfigArgs {
  const out: ConfigArgs = { paths: [], json: false, format: 'text', help: false, options: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--json') {
      out.json = true;
      out.format = 'json';
    } else if (a === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json' && f !== 'sarif' && f !== 'github') throw new UsageError(`--format is text, json, sarif or github, not '${f}'`);
      out.format = f;
      out.json = f === 'json';
    } else if (a === '--ignore') {
      const ids = value().split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0 || ids.some((id) => !/^[a-z0-9-]+$/.test(id))) throw new UsageError('--ignore takes finding ids such as postfix-tls-auth-only (comma-separated or repeated)');
      out.options.ignore = [...(out.options.ignore ?? []), ...ids];
    } else if (a === '--ca') {
      // Private roots for the chain checks of the certificate files the configs name.
      const file = value();
      let pem: string;
      try {
        pem = readFileSync(file, 'latin1');
      } catch (err) {
        throw new UsageError(`--ca ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
      }
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca ${file}: holds no PEM certificate`);
      out.options.caPem = `${out.options.caPem ?? ''}${pem}\n`;
    }
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--no-cert-files') out.options.checkCertificateFiles = false;
    else if (a === '--host') {
      // --host NAME for every config given, --host DIR=NAME for one config root.
      const v = value();
      const eq = v.lastIndexOf('=');
      const [root, name] = eq > 0 ? [v.slice(0, eq), v.slice(eq + 1)] : [undefined, v];
      if (!/^[A-Za-z0-9.:[\]-]+$/.test(name)) throw new UsageError(`--host takes a host name or address, or DIR=HOST, not '${v}'`);
      if (root === undefined) out.options.defaultHost = name;
      else out.options.hosts = { ...out.options.hosts, [resolve(root)]: name };
    } else if (a === '--live-root') {
      // Which folders count as this machine's live config (default /etc/postfix, /etc/dovecot).
      out.options.liveRoots = [...(out.options.liveRoots ?? []), resolve(value())];
    }
    else if (a === '--expiry-days') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new UsageError('--expiry-days takes a whole number of days');
      out.options.expiryWarningDays = n;
    } else if (a === '--postfix-version') {
      const v = value();
      if (!/^\d+(\.\d+){0,2}$/.test(v)) throw new UsageError(`--postfix-version takes a version like 3.7, not '${v}'`);
      out.options.postfixVersion = v;
    } else if (a === '--') {
      out.paths.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else out.paths.push(a);
  }
  if (!out.help && out.paths.length === 0) throw new UsageError('give at least one config file or directory');
  return out;
}

/** Analyses every path; a path that does not exist or holds no known config is a usage error. */
export function loadConfigs(paths: string[], options: AnalyzeOptions): ConfigAnalysis[] {
  const seen = new Set<string>();
  const analyses: ConfigAnalysis[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
    const found = analyzePath(p, options);
    if (found.length === 0) throw new UsageError(`${p}: not a Postfix or Dovecot config`);
    if (found.every((a) => a.files.length === 0)) throw new UsageError(`${p}: cannot be read`);
    for (const a of found) {
      const key = `${a.server}|${a.root}|${a.files.join('|')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      analyses.push(a);
    }
  }
  return analyses;
}

/** Paths as a compiler prints them: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(file);
}
