// The probe engine as the extension sees it (one import site, so the glue stays thin).
import { parseTarget } from '../../core/probe';

export { HostLimiter, probeMany, parseTarget, SCHEMES } from '../../core/probe';

/** The canonical form of a target URL (port always present), or undefined when invalid. */
export function canonicalTarget(target: string): string | undefined {
  try {
    return parseTarget(target).url;
  } catch {
    return undefined;
  }
}
