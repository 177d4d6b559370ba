/**
 * Which files a config analysis may open. In an untrusted workspace only files inside the
 * workspace are read: a config could otherwise name /etc/shadow or a private key as its
 * certificate and have it opened. Symbolic links are followed before the comparison, so a
 * link inside the workspace to a file outside it stays outside.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** Decides whether `absPath` may be opened. */
export type ReadPolicy = (absPath: string) => boolean;

/** Reads allowed only under `roots` (workspace folders). */
export function insideRoots(roots: readonly string[]): ReadPolicy {
  const real = roots.map((r) => withSep(realOrResolved(resolve(r))));
  return (absPath) => {
    const p = realOrResolved(resolve(absPath));
    return real.some((r) => p === r.slice(0, -1) || p.startsWith(r));
  };
}

const withSep = (dir: string) => (dir.endsWith(sep) ? dir : dir + sep);

/** The real path; for a path that does not exist (yet), its nearest existing ancestor's real path joined with the rest. */
function realOrResolved(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realOrResolved(parent), basename(path));
  }
}

/** What a finding says about a file it did not open. */
export function notCheckedMessage(path: string): string {
  return `${path} is outside the workspace: not checked until the workspace is trusted.`;
}
