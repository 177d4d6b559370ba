/**
 * Effective settings: the document tree folded the way Dovecot folds it. Later assignments
 * win, sections with the same type and name merge across files, `protocol`/`local`/`remote`/
 * `local_name` blocks become filters applied on lookup. Values keep the form `doveconf -n`
 * prints: `<path` for file values, `$name` expanded only where a setting refers to itself.
 */
import { BlockList, isIP } from 'node:net';
import type { SourceRange } from '../types';
import type { DovecotNode, SectionNode, SettingNode } from './document';

export interface Assignment {
  name: string;
  /** As `doveconf -n` prints it (`<path` kept, self-references expanded). */
  value: string;
  /**
   * With every reference to another setting replaced by its value at that point, as
   * `doveconf -x` does (2.3 `$name`, 2.4 `$SET:name`); `<file` contents and `$ENV:` are not read.
   */
  expanded: string;
  node: SettingNode;
  range: SourceRange;
  file: string;
}

export interface EffectiveSection {
  type: string;
  name: string;
  /** Every declaration merged into this section, in source order. */
  decls: SectionNode[];
  settings: Map<string, Assignment>;
  sections: Map<string, EffectiveSection>;
}

export interface FilterCriteria {
  protocol?: string;
  local?: string;
  remote?: string;
  local_name?: string;
}

export interface FilterScope {
  criteria: FilterCriteria;
  decls: SectionNode[];
  root: EffectiveSection;
}

/** Where a lookup happens: a protocol, a service and its listener, the connection's addresses. */
export interface LookupContext {
  protocol?: string;
  service?: string;
  listener?: string;
  local?: string;
  remote?: string;
  localName?: string;
}

export const FILTER_TYPES = new Set(['protocol', 'local', 'remote', 'local_name']);
/** Unnamed sections of these types are separate list entries; other unnamed ones merge. */
const LIST_TYPES = new Set(['passdb', 'userdb', 'inet_listener', 'unix_listener', 'fifo_listener', 'map']);
/** Dovecot 2.4 prefixes settings inside these groups with the group name. */
const PREFIX_GROUPS_24 = new Set(['ssl_server', 'ssl_client']);

const newSection = (type: string, name: string): EffectiveSection => ({ type, name, decls: [], settings: new Map(), sections: new Map() });

export class EffectiveConfig {
  readonly global = newSection('', '');
  readonly filters: FilterScope[] = [];
  private listCounter = 0;

  constructor(children: DovecotNode[], private readonly version: '2.3' | '2.4') {
    this.walk(children, this.global, {}, '');
  }

  /**
   * The value in force for `name` (a plain name, or a doveconf path such as
   * `service/imap-login/inet_listener/imaps/port`) in `context`.
   */
  get(name: string, context: LookupContext = {}): Assignment | undefined {
    if (name.includes('/')) return this.byPath(this.global, name.split('/'));
    const service = context.service ? this.global.sections.get(`service ${context.service}`) : undefined;
    const listener = service && context.listener ? service.sections.get(`inet_listener ${context.listener}`) : undefined;
    const local = listener?.settings.get(name) ?? service?.settings.get(name);
    if (local) return local;
    let found = this.global.settings.get(name);
    const scopes = this.filters
      .filter((f) => matches(f.criteria, context))
      .sort((a, b) => Object.keys(a.criteria).length - Object.keys(b.criteria).length);
    for (const scope of scopes) found = scope.root.settings.get(name) ?? found;
    return found;
  }

  /** The `service` sections, merged across files. */
  services(): EffectiveSection[] {
    return [...this.global.sections.values()].filter((s) => s.type === 'service');
  }

  private byPath(section: EffectiveSection, parts: string[]): Assignment | undefined {
    let cur: EffectiveSection | undefined = section;
    let i = 0;
    while (cur && i < parts.length - 1) {
      const named: EffectiveSection | undefined = i + 1 < parts.length - 1 ? cur.sections.get(`${parts[i]} ${parts[i + 1]}`) : undefined;
      if (named) {
        cur = named;
        i += 2;
      } else {
        cur = cur.sections.get(parts[i]!);
        i += 1;
      }
    }
    return cur?.settings.get(parts[parts.length - 1]!);
  }

  private walk(nodes: DovecotNode[], target: EffectiveSection, criteria: FilterCriteria, prefix: string): void {
    for (const node of nodes) {
      if (node.kind === 'setting') this.assign(node, target, criteria, prefix);
      else if (node.kind === 'include') for (const f of node.files) this.walk(f.children, target, criteria, prefix);
      else if (FILTER_TYPES.has(node.type)) {
        const inner: FilterCriteria = { ...criteria, [node.type]: node.name };
        const scope = this.scope(inner);
        scope.decls.push(node);
        this.walk(node.children, scope.root, inner, '');
      } else if (this.version === '2.4' && node.name === '' && PREFIX_GROUPS_24.has(node.type)) {
        this.walk(node.children, target, criteria, `${node.type}_`);
      } else {
        const child = this.child(target, node);
        child.decls.push(node);
        this.walk(node.children, child, criteria, '');
      }
    }
  }

  private child(target: EffectiveSection, node: SectionNode): EffectiveSection {
    const key = node.name !== '' ? `${node.type} ${node.name}` : LIST_TYPES.has(node.type) ? `${node.type} #${this.listCounter++}` : node.type;
    let child = target.sections.get(key);
    if (!child) {
      child = newSection(node.type, node.name);
      target.sections.set(key, child);
    }
    return child;
  }

  private scope(criteria: FilterCriteria): FilterScope {
    const key = filterKey(criteria);
    let scope = this.filters.find((f) => filterKey(f.criteria) === key);
    if (!scope) {
      scope = { criteria, decls: [], root: newSection('', '') };
      this.filters.push(scope);
    }
    return scope;
  }

  private assign(node: SettingNode, target: EffectiveSection, criteria: FilterCriteria, prefix: string): void {
    const name = prefix && !node.name.startsWith(prefix) ? prefix + node.name : node.name;
    const inFilter = Object.keys(criteria).length > 0;
    const current = (n: string): Assignment | undefined => target.settings.get(n) ?? (inFilter ? this.global.settings.get(n) : undefined);
    let value = node.value;
    let expanded = node.value;
    if (node.valueKind === 'file') value = expanded = `<${node.value}`;
    else if (node.valueKind === 'variable') {
      value = expandSelfReference(node.value, name, current(name)?.value ?? '');
      expanded = this.version === '2.4'
        ? node.value.replace(/\$SET:([A-Za-z0-9_/]+)/g, (_, ref: string) => current(ref)?.expanded ?? '')
        : node.value
            .split(/[ \t]+/)
            .map((token) => (token.startsWith('$') && !token.startsWith('$ENV:') ? (current(token.slice(1))?.expanded ?? '') : token))
            .join(' ');
    }
    target.settings.set(name, { name, value, expanded, node, range: node.range, file: node.range.file });
  }
}

/** Dovecot 2.3 expands `$name` in `name = $name more` even for `doveconf -n`; other `$x` stay. */
export function expandSelfReference(value: string, name: string, previous: string): string {
  return value
    .split(/[ \t]+/)
    .map((token) => (token === `$${name}` ? previous : token))
    .join(' ');
}

export function filterKey(c: FilterCriteria): string {
  return `${c.local_name ?? ''}|${c.remote ?? ''}|${c.local ?? ''}|${c.protocol ?? ''}`;
}

function matches(criteria: FilterCriteria, context: LookupContext): boolean {
  if (criteria.protocol !== undefined) {
    const p = criteria.protocol;
    if (context.protocol === undefined) return false;
    if (p.startsWith('!') ? context.protocol === p.slice(1) : context.protocol !== p) return false;
  }
  if (criteria.local !== undefined && !addressMatches(criteria.local, context.local)) return false;
  if (criteria.remote !== undefined && !addressMatches(criteria.remote, context.remote)) return false;
  if (criteria.local_name !== undefined && criteria.local_name !== context.localName) return false;
  return true;
}

/** `local`/`remote` filters take an address or a network (`192.0.2.0/24`), as doveconf -f matches them. */
export function addressMatches(filter: string, address: string | undefined): boolean {
  if (address === undefined) return false;
  if (filter === address) return true;
  const ip = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(ip);
  const [net, bitsText] = filter.replace(/^\[(.*)\]$/, '$1').split('/');
  const netFamily = isIP(net ?? '');
  if (!family || family !== netFamily) return false;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const bits = bitsText === undefined ? (family === 6 ? 128 : 32) : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) return false;
  try {
    const list = new BlockList();
    list.addSubnet(net!, bits, type);
    return list.check(ip, type);
  } catch {
    return false;
  }
}
