/**
 * Who can reach a setting written inside `local`/`remote`/`protocol` blocks. A
 * `remote 127.0.0.1 { disable_plaintext_auth = no }` only concerns clients on the server itself,
 * so the severity of a finding follows the block, and the hover shows the block's value.
 */
import type { Severity } from '../../findings';
import { isLoopbackAddress } from '../postfix/endpoints';
import type { SectionNode, SettingNode } from './document';
import { addressMatches, type Assignment, type EffectiveConfig, type FilterCriteria, type LookupContext } from './effective';
import { visitSettings } from './visit';

export type Reach = 'everyone' | 'loopback' | 'trusted' | 'network';

export interface SettingScope {
  /** The filter blocks around the setting, e.g. `{ remote: '127.0.0.1' }`. */
  criteria: FilterCriteria;
  reach: Reach;
  /** Why, for messages: `only clients connecting from 127.0.0.1 (remote 127.0.0.1)`. */
  why: string;
}

/** The filter criteria of the blocks around a setting, innermost winning. */
export function criteriaOf(sections: SectionNode[]): FilterCriteria {
  const c: FilterCriteria = {};
  for (const s of sections) {
    if (s.type === 'protocol' || s.type === 'local' || s.type === 'remote' || s.type === 'local_name') c[s.type] = s.name;
  }
  return c;
}

/** The lookup context that selects a block, so `config.get(name, context)` gives the block's value. */
export function contextOf(c: FilterCriteria): LookupContext {
  const ctx: LookupContext = {};
  if (c.protocol && !c.protocol.startsWith('!')) ctx.protocol = c.protocol;
  if (c.local) ctx.local = c.local.split('/')[0]!;
  if (c.remote) ctx.remote = c.remote.split('/')[0]!;
  if (c.local_name) ctx.localName = c.local_name;
  return ctx;
}

function addresses(filter: string): string[] {
  return filter.split(/[\s,]+/).filter(Boolean).map((a) => a.replace(/^\[(.*)\]$/, '$1'));
}

/** Who reaches a setting in these blocks; `trusted` networks count as secured for Dovecot anyway. */
export function scopeOf(sections: SectionNode[], config: EffectiveConfig): SettingScope {
  const criteria = criteriaOf(sections);
  const remote = criteria.remote !== undefined ? addresses(criteria.remote) : undefined;
  const local = criteria.local !== undefined ? addresses(criteria.local) : undefined;
  if (remote?.length && remote.every((a) => isLoopbackAddress(a.split('/')[0]!))) {
    return { criteria, reach: 'loopback', why: `only clients connecting from the server itself (remote ${criteria.remote})` };
  }
  if (local?.length && local.every((a) => isLoopbackAddress(a.split('/')[0]!))) {
    return { criteria, reach: 'loopback', why: `only connections to the loopback address (local ${criteria.local})` };
  }
  if (remote?.length) {
    const trusted = (config.get('login_trusted_networks')?.value ?? '').split(/[\s,]+/).filter(Boolean);
    const inTrusted = remote.every((a) => trusted.some((net) => net === a || addressMatches(net, a.split('/')[0]!)));
    if (inTrusted) return { criteria, reach: 'trusted', why: `only clients from ${criteria.remote}, which login_trusted_networks already treats as secured` };
    return { criteria, reach: 'network', why: `clients from ${criteria.remote}` };
  }
  return { criteria, reach: 'everyone', why: '' };
}

/** A finding's severity once scope is known: harmless reach becomes information, a network a warning. */
export function scopedSeverity(base: Severity, reach: Reach): Severity {
  if (reach === 'loopback' || reach === 'trusted') return 'info';
  if (reach === 'network' && base === 'error') return 'warning';
  return base;
}

/**
 * The value in force where a setting node is written: for a setting in a `remote 127.0.0.1`
 * block, the block's value, not the global one (for the hover).
 */
export function valueWhereWritten(node: SettingNode, config: EffectiveConfig, roots: Parameters<typeof visitSettings>[0]): { criteria: FilterCriteria; assignment?: Assignment } | undefined {
  const visit = visitSettings(roots).find((v) => v.node === node);
  if (!visit) return undefined;
  const criteria = criteriaOf(visit.sections);
  if (Object.keys(criteria).length === 0) return undefined;
  const assignment = config.get(node.name, contextOf(criteria));
  return assignment ? { criteria, assignment } : { criteria };
}
