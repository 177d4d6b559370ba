/**
 * `!include` glob expansion as Dovecot's glob(3) call with GLOB_BRACE does it: `{a,b}`
 * alternatives in order, then `*`, `?` and `[...]` within path segments (each alternative's
 * matches sorted, hidden files only for a pattern starting with a dot).
 * Node 20 has no fs.glob, hence this small matcher.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const MAX_MATCHES = 1000;

export function hasGlob(segment: string): boolean {
  return /[*?[]/.test(segment);
}

/** `a{b,c{d,e}}f` -> `abf`, `acdf`, `acef`; a brace without a top-level comma stays literal. */
export function expandBraces(pattern: string, limit = MAX_MATCHES): string[] {
  for (let open = pattern.indexOf('{'); open >= 0; open = pattern.indexOf('{', open + 1)) {
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let i = open; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        close = i;
        break;
      } else if (c === ',' && depth === 1) commas.push(i);
    }
    if (close < 0) return [pattern];
    if (commas.length === 0) continue;
    const head = pattern.slice(0, open);
    const tail = pattern.slice(close + 1);
    const cuts = [open, ...commas, close];
    const out: string[] = [];
    for (let k = 0; k + 1 < cuts.length && out.length < limit; k++) {
      for (const p of expandBraces(head + pattern.slice(cuts[k]! + 1, cuts[k + 1]) + tail, limit - out.length)) out.push(p);
    }
    return out.slice(0, limit);
  }
  return [pattern];
}

/** Translates one path segment's glob into an anchored regular expression. */
export function segmentRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else if (c === '\\' && i + 1 < glob.length) {
      re += glob[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`, 'u');
  } catch {
    return /(?!)/;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Files matching `pattern` (relative to the directory of `includingFile`), sorted.
 * A pattern without glob characters is returned as-is, existing or not.
 */
export function expandInclude(pattern: string, includingFile: string): string[] {
  const alternatives = expandBraces(pattern);
  if (alternatives.length === 1 && alternatives[0] === pattern) return globOne(pattern, includingFile, false);
  const out: string[] = [];
  for (const alt of alternatives) out.push(...globOne(alt, includingFile, true));
  return out.slice(0, MAX_MATCHES);
}

function globOne(pattern: string, includingFile: string, existingOnly: boolean): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(dirname(includingFile), pattern);
  const segments = abs.split('/');
  if (!segments.some(hasGlob)) return existingOnly ? [abs].filter(isFile) : [abs];
  let bases = ['/'];
  for (const segment of segments) {
    if (segment === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!hasGlob(segment)) {
        next.push(join(base, segment));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      const re = segmentRegExp(segment);
      for (const name of names.sort()) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (re.test(name)) next.push(join(base, name));
        if (next.length >= MAX_MATCHES) break;
      }
    }
    bases = next;
    if (bases.length === 0) return [];
  }
  return bases.filter(isFile);
}
