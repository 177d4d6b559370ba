/**
 * Effective parameter values: a service's `-o` options over main.cf over Postfix's defaults,
 * with `$name` expansion in that same scope (an `-o` value may name a parameter that only
 * another `-o` or main.cf defines, and main.cf values see the service's `-o` overrides too).
 */
import { hostname } from 'node:os';
import type { SourceRange } from '../types';
import { compareLevels, expandValue, ExpandResult } from './expand';
import { DEFAULT_POSTFIX_VERSION, POSTFIX_DEFAULTS, VERSIONED_DEFAULTS } from './defaults';
import type { MainCfDocument } from './mainCf';
import type { MasterOption } from './masterCf';

export type ValueSource = 'default' | 'main.cf' | '-o';

export interface EffectiveValue {
  /** As written (or the default), before expansion. */
  value: string;
  expanded: string;
  source: ValueSource;
  /** The value's text in main.cf or master.cf; absent for a default. */
  range?: SourceRange;
  /** Undefined references, loops: what expansion ran into. */
  expansion: Pick<ExpandResult, 'undefinedNames' | 'loop' | 'truncated'>;
}

/** Host-dependent defaults, as Postfix derives them from the machine's name. */
function hostDefaults(): Record<string, string> {
  let name = hostname() || 'localhost';
  if (!name.includes('.')) name += '.localdomain';
  const dot = name.indexOf('.');
  return { myhostname: name, mydomain: name.slice(dot + 1) };
}

let cachedHostDefaults: Record<string, string> | undefined;

export function defaultValue(name: string, version: string = DEFAULT_POSTFIX_VERSION): string | undefined {
  const versioned = Object.hasOwn(VERSIONED_DEFAULTS, name) ? VERSIONED_DEFAULTS[name] : undefined;
  if (versioned && compareLevels(version, versioned[0]) < 0) return versioned[1];
  if (Object.hasOwn(POSTFIX_DEFAULTS, name)) return POSTFIX_DEFAULTS[name];
  cachedHostDefaults ??= hostDefaults();
  return Object.hasOwn(cachedHostDefaults, name) ? cachedHostDefaults[name] : undefined;
}

export class ParamScope {
  private readonly overrides = new Map<string, MasterOption>();
  private readonly cache = new Map<string, EffectiveValue>();
  /** What a Postfix daemon knows about itself: `service_name`, `process_name`. */
  private readonly builtins = new Map<string, string>();

  constructor(
    readonly main: MainCfDocument | undefined,
    options: readonly MasterOption[] = [],
    readonly version: string = DEFAULT_POSTFIX_VERSION,
    service?: { name: string; command: string },
  ) {
    for (const o of options) this.overrides.set(o.name, o);
    if (service) {
      this.builtins.set('service_name', service.name);
      this.builtins.set('process_name', service.command);
    }
  }

  /** The unexpanded value in effect, or undefined when nothing defines the name. */
  raw(name: string): string | undefined {
    const o = this.overrides.get(name);
    if (o) return o.value;
    const m = this.main?.byName.get(name);
    if (m) return m.value;
    return this.builtins.get(name) ?? defaultValue(name, this.version);
  }

  /** Whether the name is set explicitly (main.cf or `-o`), not just defaulted. */
  isSet(name: string): boolean {
    return this.overrides.has(name) || Boolean(this.main?.byName.has(name));
  }

  effective(name: string): EffectiveValue {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const o = this.overrides.get(name);
    const m = o ? undefined : this.main?.byName.get(name);
    const value = o?.value ?? m?.value ?? this.builtins.get(name) ?? defaultValue(name, this.version) ?? '';
    const x = expandValue(value, (n) => this.raw(n));
    const result: EffectiveValue = {
      value,
      expanded: x.value,
      source: o ? '-o' : m ? 'main.cf' : 'default',
      range: o?.valueRange ?? m?.valueRange,
      expansion: { undefinedNames: x.undefinedNames, loop: x.loop, truncated: x.truncated },
    };
    this.cache.set(name, result);
    return result;
  }

  /** The expanded value, trimmed and lower-cased, for yes/no and keyword tests. */
  word(name: string): string {
    return this.effective(name).expanded.trim().toLowerCase();
  }
}
