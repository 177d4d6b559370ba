/** Postfix protocol lists: `!SSLv2, !SSLv3`, `TLSv1.2 TLSv1.3`, and (3.6+) `>=TLSv1.2`, `<=TLSv1.3`. */

export const PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];
export const WEAK_PROTOCOLS: readonly ProtocolName[] = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'];

export interface ProtocolSpec {
  enabled: ProtocolName[];
  /** Whether the `>=`/`<=` form is used (Postfix 3.6+). */
  usesBounds: boolean;
  /** Names Postfix does not know. */
  unknown: string[];
}

function indexOfProtocol(name: string): number {
  return PROTOCOLS.findIndex((p) => p.toLowerCase() === name.toLowerCase());
}

/** Services mostly share a handful of values: parse each once. */
const memo = new Map<string, ProtocolSpec>();

export function parseProtocols(value: string): ProtocolSpec {
  const hit = memo.get(value);
  if (hit) return hit;
  const spec = parseUncached(value);
  if (memo.size > 256) memo.clear();
  memo.set(value, spec);
  return spec;
}

function parseUncached(value: string): ProtocolSpec {
  const included = new Set<number>();
  const excluded = new Set<number>();
  let min = 0;
  let max = PROTOCOLS.length - 1;
  let usesBounds = false;
  const unknown: string[] = [];
  for (const token of value.split(/[\s,:]+/).filter(Boolean).slice(0, 64)) {
    const m = /^(>=|<=|!)?(.*)$/.exec(token)!;
    const op = m[1];
    const idx = indexOfProtocol(m[2]!);
    if (idx < 0) {
      unknown.push(token);
      continue;
    }
    if (op === '>=') {
      usesBounds = true;
      min = Math.max(min, idx);
    } else if (op === '<=') {
      usesBounds = true;
      max = Math.min(max, idx);
    } else if (op === '!') excluded.add(idx);
    else included.add(idx);
  }
  const enabled: ProtocolName[] = [];
  for (let i = min; i <= max; i++) {
    if (excluded.has(i)) continue;
    if (included.size > 0 && !included.has(i)) continue;
    enabled.push(PROTOCOLS[i]!);
  }
  return { enabled, usesBounds, unknown };
}

export function weakEnabled(value: string): ProtocolName[] {
  return parseProtocols(value).enabled.filter((p) => WEAK_PROTOCOLS.includes(p));
}
