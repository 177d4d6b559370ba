/** Test helpers: write a Dovecot config tree to a temporary directory and analyse it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeDovecot, type AnalyzeOptions, type DovecotAnalysis } from '../../src/core/config/dovecot/index';
import type { SourceRange } from '../../src/core/config/types';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (relative path -> text) under a new directory (removed at exit); returns its path. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dovecot-test-'));
  created.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

/** Analyses `dovecot.conf` with the given text (and more files); certificate files are not read. */
export function analyzeText(text: string, more: Record<string, string> = {}, options: AnalyzeOptions = {}): DovecotAnalysis {
  const dir = writeTree({ 'dovecot.conf': text, ...more });
  return analyzeDovecot(join(dir, 'dovecot.conf'), { checkCertificateFiles: false, ...options });
}

/** The text a range covers (ranges may span lines). */
export function textAt(text: string, range: SourceRange): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const parts = [(lines[range.start.line] ?? '').slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l] ?? '');
  parts.push((lines[range.end.line] ?? '').slice(0, range.end.character));
  return parts.join('\n');
}

export function ids(a: DovecotAnalysis): string[] {
  return a.findings.map((f) => f.id);
}
