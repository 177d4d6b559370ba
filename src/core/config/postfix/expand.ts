/**
 * Postfix parameter expansion as `mac_expand` does it: `$name`, `${name}`, `$(name)`, `$$`,
 * `${name?value}`, `${name:value}`, `${name?{t1}:{t2}}`, and (3.6+) `${{a} op {b} ? {t1} : {t2}}`.
 * Values are expanded recursively; loops and runaway nesting stop with a flag, never a hang.
 */

export type Lookup = (name: string) => string | undefined;

export interface ExpandResult {
  value: string;
  /** Names referenced but defined nowhere (Postfix expands them to nothing). */
  undefinedNames: string[];
  /** A reference loop or nesting past Postfix's limit was cut. */
  loop: boolean;
  /** The result passed the size cap and was cut. */
  truncated: boolean;
  /** Every name looked up, at any depth (what the result depends on). */
  referenced: string[];
}

/** Postfix's own limit ("unreasonable macro call nesting"). */
const MAX_DEPTH = 100;
/** Bounds that real configs never reach, so hostile ones stay fast. */
const MAX_OUTPUT = 256 * 1024;
const MAX_STEPS = 20_000;

const NAME_CHAR = /[A-Za-z0-9_]/;

class Expander {
  undefinedNames = new Set<string>();
  referenced = new Set<string>();
  loop = false;
  truncated = false;
  steps = 0;
  private readonly stack: string[] = [];

  private readonly lookup: Lookup;

  constructor(lookup: Lookup) {
    this.lookup = (name) => {
      this.referenced.add(name);
      return lookup(name);
    };
  }

  expand(text: string, depth: number): string {
    if (this.truncated) return '';
    if (depth > MAX_DEPTH || ++this.steps > MAX_STEPS) {
      this.loop = true;
      return '';
    }
    if (!text.includes('$')) return text;
    let out = '';
    let i = 0;
    while (i < text.length) {
      const d = text.indexOf('$', i);
      if (d < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, d);
      const next = text[d + 1];
      if (next === '$') {
        out += '$';
        i = d + 2;
      } else if (next === '{' || next === '(') {
        const close = matching(text, d + 1);
        if (close < 0) {
          out += text.slice(d);
          break;
        }
        out += this.macro(text.slice(d + 2, close), depth);
        i = close + 1;
      } else if (next !== undefined && NAME_CHAR.test(next)) {
        let e = d + 1;
        while (e < text.length && NAME_CHAR.test(text[e]!)) e++;
        out += this.value(text.slice(d + 1, e), depth);
        i = e;
      } else {
        out += '$';
        i = d + 1;
      }
      if (out.length > MAX_OUTPUT) {
        this.truncated = true;
        return out.slice(0, MAX_OUTPUT);
      }
    }
    return out;
  }

  /** The expanded value of a parameter. */
  value(name: string, depth: number): string {
    const raw = this.lookup(name);
    if (raw === undefined) {
      this.undefinedNames.add(name);
      return '';
    }
    if (this.stack.includes(name)) {
      this.loop = true;
      return '';
    }
    this.stack.push(name);
    const v = this.expand(raw, depth + 1);
    this.stack.pop();
    return v;
  }

  /** The inside of `${...}` or `$(...)`. */
  private macro(body: string, depth: number): string {
    const b = body.trimStart();
    if (b.startsWith('{')) return this.relational(b, depth);
    let e = 0;
    while (e < b.length && NAME_CHAR.test(b[e]!)) e++;
    const name = b.slice(0, e);
    const rest = b.slice(e).trimStart();
    if (!name) return '';
    if (!rest) return this.value(name, depth);
    const op = rest[0];
    if (op !== '?' && op !== ':') return this.value(name, depth);
    const raw = this.lookup(name);
    if (raw === undefined) this.undefinedNames.add(name);
    const nonEmpty = raw !== undefined && raw !== '';
    const [whenSet, whenUnset] = op === '?' ? alternatives(rest.slice(1)) : [undefined, braced(rest.slice(1))];
    if (nonEmpty) return whenSet === undefined ? '' : this.expand(whenSet, depth + 1);
    return whenUnset === undefined ? '' : this.expand(whenUnset, depth + 1);
  }

  /** `{a} op {b} ? {t1} : {t2}` */
  private relational(body: string, depth: number): string {
    const m = groups(body);
    if (!m) return '';
    const left = this.expand(m.left, depth + 1);
    const right = this.expand(m.right, depth + 1);
    const chosen = compare(left, m.op, right) ? m.whenTrue : m.whenFalse;
    return chosen === undefined ? '' : this.expand(chosen, depth + 1);
  }
}

const NOTHING: string[] = [];

export function expandValue(text: string, lookup: Lookup): ExpandResult {
  if (!text.includes('$')) return { value: text, undefinedNames: NOTHING, loop: false, truncated: false, referenced: NOTHING };
  const x = new Expander(lookup);
  const value = x.expand(text, 0);
  return { value, undefinedNames: [...x.undefinedNames], loop: x.loop, truncated: x.truncated, referenced: [...x.referenced] };
}

/** Index of the bracket closing the one at `open`, or -1. */
function matching(text: string, open: number): number {
  const o = text[open];
  const c = o === '{' ? '}' : ')';
  let level = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === o) level++;
    else if (ch === c && --level === 0) return i;
  }
  return -1;
}

/** `{t}` -> t; bare text stays as it is. */
function braced(text: string): string {
  const t = text.trim();
  if (t.startsWith('{')) {
    const close = matching(t, 0);
    if (close > 0) return t.slice(1, close);
  }
  return text;
}

/** After `?`: `{t1}:{t2}`, `{t1}`, or bare text. */
function alternatives(text: string): [string | undefined, string | undefined] {
  const t = text.trim();
  if (!t.startsWith('{')) return [text, undefined];
  const close = matching(t, 0);
  if (close < 0) return [text, undefined];
  const first = t.slice(1, close);
  const rest = t.slice(close + 1).trim();
  if (rest.startsWith(':')) return [first, braced(rest.slice(1))];
  return [first, undefined];
}

interface Relational {
  left: string;
  op: string;
  right: string;
  whenTrue?: string;
  whenFalse?: string;
}

function groups(body: string): Relational | undefined {
  let t = body.trim();
  const take = (): string | undefined => {
    t = t.trimStart();
    if (!t.startsWith('{')) return undefined;
    const close = matching(t, 0);
    if (close < 0) return undefined;
    const inner = t.slice(1, close);
    t = t.slice(close + 1);
    return inner;
  };
  const left = take();
  if (left === undefined) return undefined;
  t = t.trimStart();
  const opMatch = /^(==|!=|<=level|>=level|<level|>level|<=|>=|<|>)/.exec(t);
  if (!opMatch) return undefined;
  t = t.slice(opMatch[0].length);
  const right = take();
  if (right === undefined) return undefined;
  t = t.trimStart();
  if (!t.startsWith('?')) return undefined;
  t = t.slice(1);
  const whenTrue = take();
  t = t.trimStart();
  let whenFalse: string | undefined;
  if (t.startsWith(':')) {
    t = t.slice(1);
    whenFalse = take();
  }
  return { left, op: opMatch[0], right, whenTrue, whenFalse };
}

function compare(a: string, op: string, b: string): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return Number(a) < Number(b);
    case '<=':
      return Number(a) <= Number(b);
    case '>':
      return Number(a) > Number(b);
    case '>=':
      return Number(a) >= Number(b);
    default: {
      const c = compareLevels(a, b);
      if (op === '<level') return c < 0;
      if (op === '<=level') return c <= 0;
      if (op === '>level') return c > 0;
      return c >= 0;
    }
  }
}

const levelMemo = new Map<string, number>();

/** Compares compatibility levels or versions like `3.6` and `3.10` field by field. */
export function compareLevels(a: string, b: string): number {
  const key = `${a}\u0000${b}`;
  const hit = levelMemo.get(key);
  if (hit !== undefined) return hit;
  const c = compareUncached(a, b);
  if (levelMemo.size > 1024) levelMemo.clear();
  levelMemo.set(key, c);
  return c;
}

function compareUncached(a: string, b: string): number {
  const pa = a.trim().split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.trim().split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
