// Command arguments arrive as URL strings (tests, hover links, keybindings) or as tree nodes.
import type { SourceRange } from '../../core/config/types';
import { canonicalTarget } from '../probing/engine';

/** The target a command argument names: a URL string or anything with a `target` string. */
export function targetOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return canonicalTarget(arg) ?? arg;
  if (arg && typeof arg === 'object' && 'target' in arg && typeof arg.target === 'string') return arg.target;
  return undefined;
}

export function isSourceRange(value: unknown): value is SourceRange {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<SourceRange>;
  return typeof v.file === 'string' && typeof v.start?.line === 'number' && typeof v.end?.line === 'number';
}

/** The config location an argument points at: a range, a finding node, an endpoint node. */
export function locationOf(arg: unknown): SourceRange | undefined {
  if (isSourceRange(arg)) return arg;
  if (!arg || typeof arg !== 'object') return undefined;
  if ('location' in arg && isSourceRange(arg.location)) return arg.location;
  if ('data' in arg && arg.data && typeof arg.data === 'object' && 'declaration' in arg.data) {
    const declaration = arg.data.declaration as { range?: unknown } | undefined;
    if (isSourceRange(declaration?.range)) return declaration.range;
  }
  return undefined;
}
