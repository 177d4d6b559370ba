// Random, mutated and hostile Postfix configs: the parsers and checks never throw, never hang,
// and every range they return lies inside its document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { analyzePostfix, POSTFIX_RULES, type PostfixAnalysis } from '../../../src/core/config/postfix';
import { expandValue } from '../../../src/core/config/postfix/expand';
import type { SourceRange } from '../../../src/core/config/types';

const DIR = '/nonexistent/fuzz-postfix';
const MAIN = `${DIR}/main.cf`;
const MASTER = `${DIR}/master.cf`;

/** Small seeded PRNG (mulberry32) so failures can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function analyze(main: string, master: string): PostfixAnalysis {
  return analyzePostfix(DIR, { readText: (p) => (p === MAIN ? main : p === MASTER ? master : undefined) });
}

type Lines = Record<string, number[]>;

function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.length - 1 : l.length));
}

function assertInside(r: SourceRange, files: Lines, what: string): void {
  const lines = files[r.file];
  assert.ok(lines !== undefined, `${what}: unknown file ${r.file}`);
  for (const p of [r.start, r.end]) {
    assert.ok(p.line >= 0 && p.line < lines.length, `${what}: line ${p.line} outside ${lines.length} lines`);
    assert.ok(p.character >= 0 && p.character <= lines[p.line]!, `${what}: character ${p.character} outside line ${p.line}`);
  }
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: start after end`);
}

// How long these inputs take is measured by `npm run bench` (bench/configCases.ts), beside the
// README's figures; a test only asserts that the analysis ends and what it says.
function check(main: string, master: string, label: string): PostfixAnalysis {
  let a: PostfixAnalysis;
  try {
    a = analyze(main, master);
  } catch (err) {
    assert.fail(`${label}: threw ${(err as Error).stack}`);
  }
  const texts: Lines = { [MAIN]: lineLengths(main), [MASTER]: lineLengths(master) };
  assert.ok(!a.findings.some((f) => f.id === 'postfix-internal-error'), `${label}: a check threw: ${a.findings.find((f) => f.id === 'postfix-internal-error')?.message}`);
  for (const f of a.findings) {
    assert.ok(Object.hasOwn(POSTFIX_RULES, f.id), `${label}: undocumented rule id ${f.id}`);
    assertInside(f.range, texts, `${label} finding ${f.id}`);
    if (f.fix) assertInside(f.fix.range, texts, `${label} fix ${f.id}`);
  }
  for (const e of a.endpoints) assertInside(e.range, texts, `${label} endpoint`);
  for (const e of a.mainCf?.entries ?? []) for (const r of [e.range, e.nameRange, e.valueRange]) assertInside(r, texts, `${label} main.cf entry`);
  for (const s of a.services) {
    for (const r of [s.range, s.entry.serviceRange, s.entry.commandRange]) assertInside(r, texts, `${label} service`);
    for (const o of s.entry.options) for (const r of [o.range, o.nameRange, o.valueRange, o.assignmentRange]) assertInside(r, texts, `${label} -o`);
    for (const p of ['smtpd_tls_security_level', 'smtpd_tls_protocols', 'smtpd_banner']) s.effective(p);
  }
  return a;
}

const ALPHABET = ['$', '{', '}', '(', ')', '=', '#', '\n', '\n', '\n', '\t', ' ', ' ', ' ', '-o', ',', ':', '?', '[', ']', '\r', 'smtpd', 'inet', 'smtp', 'submission', '-', 'n', 'y', 'a', 'b', 'smtpd_tls_security_level', 'encrypt', 'yes', '${', '$(', '{{', '}}', '==', '<level', '\u0000', '\u00ff', '\\'];

function randomText(r: () => number, tokens: number): string {
  let s = '';
  for (let i = 0; i < tokens; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function mutate(r: () => number, text: string, edits: number): string {
  let s = text;
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const kind = r();
    if (kind < 0.4) s = s.slice(0, at) + ALPHABET[Math.floor(r() * ALPHABET.length)] + s.slice(at);
    else if (kind < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    else s = s.slice(0, at) + s.slice(Math.floor(r() * s.length), Math.floor(r() * s.length)) + s.slice(at);
  }
  return s;
}

test('random token soup (500 cases)', () => {
  const seed = 0x5eed;
  const r = rng(seed);
  for (let i = 0; i < 500; i++) check(randomText(r, 1 + Math.floor(r() * 300)), randomText(r, 1 + Math.floor(r() * 300)), `seed ${seed} case ${i}`);
});

test('random binary data', () => {
  const r = rng(7);
  for (let i = 0; i < 100; i++) {
    const bytes = Buffer.alloc(1 + Math.floor(r() * 4000));
    for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(r() * 256);
    const text = bytes.toString('latin1');
    check(text, text, `binary case ${i}`);
  }
});

test("mutations of Debian's main.cf and master.cf (300 cases)", { skip: existsSync('/usr/share/postfix/master.cf.dist') ? false : 'Debian postfix files not installed' }, () => {
  const main = readFileSync('/usr/share/postfix/main.cf.debian', 'utf8') + readFileSync('/usr/share/postfix/main.cf.tls', 'utf8');
  const master = readFileSync('/usr/share/postfix/master.cf.dist', 'utf8').replace(/^#(?=\S+\s+(inet|unix|pass)\s)/gm, '').replace(/^#(?=\s+-o )/gm, '');
  const r = rng(42);
  for (let i = 0; i < 300; i++) check(mutate(r, main, 1 + Math.floor(r() * 30)), mutate(r, master, 1 + Math.floor(r() * 30)), `mutation ${i}`);
});

test('a 1 MB line, in main.cf and master.cf', () => {
  const big = 'x'.repeat(1 << 20);
  check(`smtpd_banner = ${big}\nsmtpd_tls_protocols = ${'!SSLv2,'.repeat(150_000)}\n`, `smtp inet n - n - - smtpd -o a=${big}\n${'  -o b=c\n'.repeat(20_000)}`, '1 MB line');
  check(`${'$'.repeat(1 << 20)}\n`, `${'{'.repeat(1 << 20)}\n`, '1 MB of $ and {');
  check(`a = ${'${a'.repeat(100_000)}\n`, `smtp inet n - n - - smtpd -o { ${'{'.repeat(100_000)}\n`, 'unclosed nesting');
});

test('deep $ recursion, loops and exponential expansion stop', () => {
  const chain = Array.from({ length: 5000 }, (_, i) => `p${i} = $p${i + 1} x`).join('\n');
  check(`${chain}\nsmtpd_banner = $p0\n`, 'smtp inet n - n - - smtpd\n', 'long chain');
  const doubling = Array.from({ length: 60 }, (_, i) => `d${i} = $d${i + 1} $d${i + 1} \${d${i + 1}?{$d${i + 1}}}`).join('\n');
  check(`${doubling}\nd60 = boom\nsmtpd_banner = $d0\n`, 'smtp inet n - n - - smtpd -o smtpd_tls_security_level=$d0\n', 'exponential');
  const a = check('a = $b\nb = ${a?{$a}:{$a}}\nsmtpd_tls_security_level = $a\n', 'smtp inet n - n - - smtpd -o x=$x -o smtpd_banner=$x\n', 'loop');
  assert.ok(a.findings.some((f) => f.id === 'postfix-expansion-loop'));
  const nested = `${'${x?{'.repeat(10_000)}y${'}}'.repeat(10_000)}`;
  const x = expandValue(nested, (n) => (n === 'x' ? 'set' : undefined));
  assert.ok(x.loop, 'nesting past Postfix\'s limit is flagged');
});
