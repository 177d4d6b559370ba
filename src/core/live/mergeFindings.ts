// What each config file shows: its static findings, then the findings that join its endpoints'
// live results, without repeating what the static checks already say on that line. Pure.
import type { ConfigFinding } from '../config/types';

/**
 * `staticByFile` maps a file to its static findings; `live` are the joined findings of the
 * endpoints the configs declare. The lists handed in are not changed.
 */
export function mergeFindings(staticByFile: ReadonlyMap<string, readonly ConfigFinding[]>, live: readonly ConfigFinding[]): Map<string, ConfigFinding[]> {
  const byFile = new Map<string, ConfigFinding[]>();
  for (const [file, findings] of staticByFile) byFile.set(file, [...findings]);
  for (const finding of live) {
    const list = byFile.get(finding.range.file) ?? [];
    if (!list.some((d) => d.message === finding.message && d.range.start.line === finding.range.start.line)) list.push(finding);
    byFile.set(finding.range.file, list);
  }
  return byFile;
}

/** Everything a finding's diagnostic shows: equal keys, equal diagnostics. */
function keyOf(finding: ConfigFinding): string {
  const { start, end } = finding.range;
  return `${finding.id}|${finding.severity}|${start.line}:${start.character}-${end.line}:${end.character}|${finding.message}|${finding.docUrl}`;
}

/** Whether two lists show the same; an analysis that did not change hands out the same objects. */
export function sameFindings(a: readonly ConfigFinding[], b: readonly ConfigFinding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && keyOf(a[i]!) !== keyOf(b[i]!)) return false;
  return true;
}
