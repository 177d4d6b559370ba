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

const CLEAN_EXPANSION: EffectiveValue['expansion'] = Object.freeze({ undefinedNames: Object.freeze([]) as unknown as string[], loop: false, truncated: false });

/** An effective value whose range is computed once, when first asked for. */
class Effective implements EffectiveValue {
  readonly expanded: string;
  readonly expansion: EffectiveValue['expansion'];
  /** The names the expansion looked up: a service can share this value unless it overrides one. */
  readonly referenced: readonly string[];
  private rangeCache: SourceRange | undefined | null = null;
  private wordCache: string | undefined;

  constructor(
    readonly value: string,
    x: ExpandResult,
    readonly source: ValueSource,
    private readonly origin: { valueRange: SourceRange } | undefined,
  ) {
    this.expanded = x.value;
    this.referenced = x.referenced;
    const clean = !x.loop && !x.truncated && x.undefinedNames.length === 0;
    this.expansion = clean ? CLEAN_EXPANSION : { undefinedNames: x.undefinedNames, loop: x.loop, truncated: x.truncated };
  }

  get range(): SourceRange | undefined {
    if (this.rangeCache === null) this.rangeCache = this.origin?.valueRange;
    return this.rangeCache;
  }

  get word(): string {
    this.wordCache ??= this.expanded.trim().toLowerCase();
    return this.wordCache;
  }
}

export class ParamScope {
  // Kept lean: a big master.cf has thousands of services, each with its own scope.
  private readonly overrides: Map<string, MasterOption> | undefined;
  private cache: Map<string, EffectiveValue> | undefined;

  constructor(
    readonly main: MainCfDocument | undefined,
    options: readonly MasterOption[] = [],
    readonly version: string = DEFAULT_POSTFIX_VERSION,
    /** What a Postfix daemon knows about itself: `service_name`, `process_name`. */
    private readonly service?: { name: string; command: string },
    /** The main.cf-only scope, whose results a service shares when its `-o` cannot change them. */
    private readonly parent?: ParamScope,
  ) {
    if (options.length > 0) {
      this.overrides = new Map();
      for (const o of options) this.overrides.set(o.name, o);
    }
  }

  private builtin(name: string): string | undefined {
    // Read-only: every Postfix process knows its own PID (debugger_command uses $process_id).
    if (name === 'process_id') return '0';
    if (!this.service) return undefined;
    if (name === 'service_name') return this.service.name;
    if (name === 'process_name') return this.service.command;
    return undefined;
  }

  /** The unexpanded value in effect, or undefined when nothing defines the name. */
  raw(name: string): string | undefined {
    const o = this.overrides?.get(name);
    if (o) return o.value;
    const m = this.main?.byName.get(name);
    if (m) return m.value;
    return this.builtin(name) ?? defaultValue(name, this.version);
  }

  /** Whether the name is set explicitly (main.cf or `-o`), not just defaulted. */
  isSet(name: string): boolean {
    return Boolean(this.overrides?.has(name) || this.main?.byName.has(name));
  }

  effective(name: string): EffectiveValue {
    const hit = this.cache?.get(name);
    if (hit) return hit;
    const o = this.overrides?.get(name);
    if (!o && this.parent && this.builtin(name) === undefined) {
      // The service's -o options change a main.cf or default value only through a name it expands.
      const inherited = this.parent.effective(name);
      if (!(inherited instanceof Effective) || !inherited.referenced.some((n) => this.overrides?.has(n) || this.builtin(n) !== undefined)) return inherited;
    }
    const m = o ? undefined : this.main?.byName.get(name);
    const value = o?.value ?? m?.value ?? this.builtin(name) ?? defaultValue(name, this.version) ?? '';
    const x = expandValue(value, (n) => this.raw(n));
    const result = new Effective(value, x, o ? '-o' : m ? 'main.cf' : 'default', o ?? m);
    (this.cache ??= new Map()).set(name, result);
    return result;
  }

  /** The expanded value, trimmed and lower-cased, for yes/no and keyword tests. */
  word(name: string): string {
    const ev = this.effective(name);
    return ev instanceof Effective ? ev.word : ev.expanded.trim().toLowerCase();
  }
}
