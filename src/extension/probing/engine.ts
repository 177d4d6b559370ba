// The probe engine as the extension sees it (one import site, so the glue stays thin).
export { probe, parseTarget } from '../../core/probe';
export { SCHEMES } from '../../core/probe/target';

import { parseTarget as parse } from '../../core/probe/target';

/** The canonical form of a target URL (port always present), or undefined when invalid. */
export function canonicalTarget(target: string): string | undefined {
  try {
    return parse(target).url;
  } catch {
    return undefined;
  }
}
