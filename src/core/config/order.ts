import type { SourceRange } from './types';

/**
 * File order: by path, line, column. Paths compare by code unit, not by locale: the same on
 * every machine, and a 10,000-line master.cf sorts thousands of findings.
 */
export function compareByLocation(a: { range: SourceRange }, b: { range: SourceRange }): number {
  const fa = a.range.file;
  const fb = b.range.file;
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
