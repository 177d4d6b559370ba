/**
 * `!include` glob expansion: `*`, `?` and `[...]` within path segments, as glob(3) does for
 * Dovecot (sorted, no match for hidden files unless the pattern starts with a dot).
 * Node 20 has no fs.glob, hence this small matcher.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const MAX_MATCHES = 1000;

export function hasGlob(segment: string): boolean {
  return /[*?[]/.test(segment);
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
  const abs = isAbsolute(pattern) ? pattern : resolve(dirname(includingFile), pattern);
  const segments = abs.split('/');
  if (!segments.some(hasGlob)) return [abs];
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
