/**
 * Hostile input for the Dovecot parser: random and mutated configs, binary data, a 1 MB line,
 * include cycles and 10,000-deep nesting. It must never throw, never hang, and every range it
 * returns must lie inside the document it names.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeDovecot, type DovecotAnalysis, type DovecotNode } from '../../../src/core/config/dovecot/index';
import type { SourceRange } from '../../../src/core/config/types';
import { fixture } from '../../support/paths';

const SYNTHETIC = fixture('dovecot23', 'synthetic');

/** Small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
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

const TOKENS = ['ssl', 'ssl_cert', '=', '<', '"', "'", '\\', '#', '{', '}', '$ssl', '$SET:x', '%{user}', '%u', 'service', 'imap-login', 'inet_listener', 'imaps', 'port', '993', 'protocol', 'imap', 'local', '127.0.0.1', '!include', '!include_try', '*.conf', '[a-', '?', 'dovecot_config_version', '2.4.0', ' ', '  ', '\t', '\n', '\r\n', 'ssl_min_protocol', 'TLSv1', 'listen', '::', 'protocols', 'imap pop3 sieve', 'ssl = yes', 'port = 0'];

function randomConfig(r: () => number): string {
  const n = Math.floor(r() * 400);
  let out = '';
  for (let i = 0; i < n; i++) out += TOKENS[Math.floor(r() * TOKENS.length)]!;
  return out;
}

function mutate(text: string, r: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(r() * 20);
  const inserts = ['{', '}', '"', '\\', '#', '<', '$', '\n', '=', '\u0000', '\uFFFD', '!include x\n'];
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (chars.length + 1));
    const op = r();
    if (op < 0.4) chars.splice(at, 1);
    else if (op < 0.8) chars.splice(at, 0, inserts[Math.floor(r() * inserts.length)]!);
    else chars.splice(at, 0, ...chars.slice(Math.floor(r() * chars.length), Math.floor(r() * chars.length)));
  }
  return chars.join('');
}

/** Analyses in-memory files; includes resolve among them (and the disk). */
function analyzeVirtual(files: Record<string, string>, root = '/virtual/dovecot.conf'): { a: DovecotAnalysis; texts: Map<string, string> } {
  const texts = new Map(Object.entries(files));
  const a = analyzeDovecot(root, { checkCertificateFiles: false, readText: (p) => texts.get(p) });
  return { a, texts };
}

function assertRangesInside(a: DovecotAnalysis, texts: Map<string, string>): void {
  const lineCache = new Map<string, string[]>();
  const linesOf = (file: string): string[] => {
    let lines = lineCache.get(file);
    if (!lines) {
      let text = texts.get(file);
      if (text === undefined) {
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          text = '';
        }
      }
      lines = text.split('\n');
      lineCache.set(file, lines);
    }
    return lines;
  };
  const check = (r: SourceRange, what: string) => {
    assert.ok(r.file === a.root || a.files.includes(r.file), `${what}: unknown file ${r.file}`);
    const lines = linesOf(r.file);
    for (const p of [r.start, r.end]) {
      assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines.length, `${what}: line ${p.line} outside ${lines.length} lines`);
      const len = lines[p.line]!.length;
      assert.ok(Number.isInteger(p.character) && p.character >= 0 && p.character <= len, `${what}: character ${p.character} outside line of ${len}`);
    }
    assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: start after end`);
  };
  for (const f of a.findings) {
    check(f.range, `finding ${f.id}`);
    if (f.fix) check(f.fix.range, `fix of ${f.id}`);
  }
  for (const e of a.endpoints) check(e.range, `endpoint ${e.target}`);
  for (const l of a.listeners) check(l.range, `listener ${l.service}/${l.name}`);
  const stack: DovecotNode[] = [...a.document.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    check(node.range, `node ${node.kind}`);
    if (node.kind === 'setting') {
      check(node.nameRange, 'setting name');
      check(node.valueRange, 'setting value');
    } else if (node.kind === 'section') {
      check(node.typeRange, 'section type');
      if (node.nameRange) check(node.nameRange, 'section name');
      stack.push(...node.children);
    } else {
      check(node.patternRange, 'include pattern');
      for (const f of node.files) stack.push(...f.children);
    }
  }
}

function fuzzOne(files: Record<string, string>, label: string): void {
  try {
    const { a, texts } = analyzeVirtual(files);
    assertRangesInside(a, texts);
  } catch (err) {
    (err as Error).message = `${label}: ${(err as Error).message}`;
    throw err;
  }
}

describe('Dovecot parser fuzzing', { timeout: 120_000 }, () => {
  test('random token soup', () => {
    for (let seed = 1; seed <= 400; seed++) fuzzOne({ '/virtual/dovecot.conf': randomConfig(rng(seed)) }, `seed ${seed}`);
  });

  test('mutations of real configs (Debian tree and the synthetic fixture)', () => {
    const sources = [join(SYNTHETIC, 'dovecot.conf'), ...readdirSync(join(SYNTHETIC, 'conf.d')).map((f) => join(SYNTHETIC, 'conf.d', f))];
    try {
      sources.push(...readdirSync('/etc/dovecot/conf.d').map((f) => join('/etc/dovecot/conf.d', f)));
    } catch {
      // Without Dovecot installed the fixture alone is mutated.
    }
    let seed = 1000;
    for (const src of sources) {
      const text = readFileSync(src, 'utf8');
      for (let i = 0; i < 20; i++) fuzzOne({ '/virtual/dovecot.conf': mutate(text, rng(++seed)) }, `${src} seed ${seed}`);
    }
  });

  test('binary data', () => {
    const r = rng(7);
    for (let i = 0; i < 50; i++) {
      const bytes = Buffer.from(Array.from({ length: 2000 }, () => Math.floor(r() * 256)));
      fuzzOne({ '/virtual/dovecot.conf': bytes.toString('latin1') }, `binary ${i}`);
      fuzzOne({ '/virtual/dovecot.conf': bytes.toString('utf8') }, `binary utf8 ${i}`);
    }
  });

  test('a 1 MB line', () => {
    const big = 'x'.repeat(1024 * 1024);
    fuzzOne({ '/virtual/dovecot.conf': `login_greeting = ${big}\nssl = required\n` }, '1 MB value');
    fuzzOne({ '/virtual/dovecot.conf': `"${big}` }, '1 MB unterminated quote');
    fuzzOne({ '/virtual/dovecot.conf': `${'a \\\n'.repeat(100_000)}b = c\n` }, '100k continuations');
    const { a } = analyzeVirtual({ '/virtual/dovecot.conf': `login_greeting = ${big}\nssl = required\n` });
    assert.equal(a.effective('login_greeting')?.value.length, big.length);
    assert.equal(a.effective('ssl')?.value, 'required');
  });

  test('include cycles: self, mutual, and through a glob', () => {
    fuzzOne({ '/virtual/dovecot.conf': '!include dovecot.conf\n' }, 'self');
    const { a } = analyzeVirtual({ '/virtual/dovecot.conf': '!include a.conf\n', '/virtual/a.conf': '!include b.conf\nssl = yes\n', '/virtual/b.conf': '!include a.conf\n!include /virtual/dovecot.conf\n' });
    assert.equal(a.findings.filter((f) => f.id === 'dovecot-include-cycle').length, 2);
    assert.equal(a.effective('ssl')?.value, 'yes');
    // On disk, `*.conf` matches the including file itself.
    const a2 = analyzeDovecot(join(SYNTHETIC, '..', 'glob-cycle', 'dovecot.conf'), { checkCertificateFiles: false });
    assert.ok(a2.findings.some((f) => f.id === 'dovecot-include-cycle'));
  });

  test('10,000-deep nesting, closed and unclosed', () => {
    const depth = 10_000;
    const closed = `${'a {\n'.repeat(depth)}ssl = no\n${'}\n'.repeat(depth)}ssl_min_protocol = TLSv1.3\n`;
    const { a, texts } = analyzeVirtual({ '/virtual/dovecot.conf': closed });
    assertRangesInside(a, texts);
    assert.equal(a.effective('ssl_min_protocol')?.value, 'TLSv1.3', 'the parser finds its way out of the deep sections');
    assert.ok(a.findings.some((f) => f.id === 'dovecot-syntax-error'));
    fuzzOne({ '/virtual/dovecot.conf': 'a {\n'.repeat(depth) }, 'unclosed');
    fuzzOne({ '/virtual/dovecot.conf': '}\n'.repeat(depth) }, 'only closers');
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`/virtual/${i === 0 ? 'dovecot' : i}.conf`] = `x${i} {\n!include ${i + 1}.conf\n}\n`;
    fuzzOne(files, 'deep include chain');
  });
});
