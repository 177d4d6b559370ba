// What the hover on a cipher setting says about the live servers it governs: the suites each
// probed endpoint accepted through it (by version, weak ones named), the order, the groups or
// the DH sizes, depending on what the setting decides. Endpoints that saw the same share a
// line. On an endpoint's own line (the master.cf service, the Dovecot listener), where the
// settings left at their defaults take effect, it lists what those defaults let in. Pure.
import { GRADE_RANK } from '../tls/suites';
import type { ProbeResult, SuiteResult, VersionSuites } from '../probe/types';
import type { CipherRole, CipherSetting } from './cipherSettings';
import type { JoinEndpoint } from './joinFindings';

export interface CipherHoverLine {
  /** The endpoints that saw this, in the order given. */
  targets: string[];
  text: string;
}

/** Lines for the setting written at `file:line`, from the endpoints whose cipher scan is known. */
export function cipherHoverLines(endpoints: readonly JoinEndpoint[], resultOf: (target: string) => ProbeResult | undefined, file: string, line: number): CipherHoverLine[] {
  const byText = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    // The same config reached from several roots (main.cf, master.cf) declares an endpoint twice.
    if (seen.has(endpoint.target)) continue;
    const settings = endpoint.ciphers?.settings.filter((s) => s.explicit && onLine(s, file, line)) ?? [];
    if (settings.length === 0) continue;
    const scan = resultOf(endpoint.target)?.ciphers;
    if (!scan) continue;
    seen.add(endpoint.target);
    const roles = new Set(settings.map((s) => s.role));
    for (const role of roles) {
      const text = describe(role, scan.versions.filter((v) => v.accepted), scan.groups);
      if (text) byText.set(text, [...(byText.get(text) ?? []), endpoint.target]);
    }
  }
  return [...byText].map(([text, targets]) => ({ targets, text }));
}

/** What lets suites in: the list (or the grade that picks it) and the TLS 1.3 suites. */
const ADMITTING: ReadonlySet<CipherRole> = new Set(['list', 'grade', 'tls13']);

/**
 * Lines for the endpoint declared at `file:line`: per setting left at its default that lets suites
 * in, `smtpd_tls_ciphers = medium (Postfix's default): TLSv1, TLSv1.1: 16 suite(s): …`.
 */
export function endpointHoverLines(endpoints: readonly JoinEndpoint[], resultOf: (target: string) => ProbeResult | undefined, file: string, line: number): CipherHoverLine[] {
  const byText = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    if (seen.has(endpoint.target)) continue;
    const ciphers = endpoint.ciphers;
    const defaults = ciphers?.settings.filter((s) => !s.explicit && ADMITTING.has(s.role) && onLine(s, file, line)) ?? [];
    if (!ciphers || defaults.length === 0) continue;
    const scan = resultOf(endpoint.target)?.ciphers;
    if (!scan) continue;
    seen.add(endpoint.target);
    const accepted = scan.versions.filter((v) => v.accepted);
    for (const setting of defaults) {
      const suites = describe(setting.role === 'tls13' ? 'tls13' : 'list', accepted, scan.groups);
      if (!suites) continue;
      const owner = ciphers.server === 'postfix' ? 'Postfix' : 'Dovecot';
      const value = setting.value ? `${setting.name} = ${setting.value.length > 60 ? `${setting.value.slice(0, 57)}…` : setting.value}` : `${setting.name} unset`;
      const via = setting.via ? `; tlsproxy's ${setting.via} defaults to it` : '';
      const text = `${value} (${owner}'s default${via}): ${suites}`;
      byText.set(text, [...(byText.get(text) ?? []), endpoint.target]);
    }
  }
  return [...byText].map(([text, targets]) => ({ targets, text }));
}

/**
 * The hoverable name of an endpoint's declaration on a line: the service name of an `inet` line
 * in master.cf, or `inet_listener <name>` in Dovecot.
 */
export function endpointNameAt(languageId: string, lineText: string, character: number): { start: number; end: number } | undefined {
  const m = languageId === 'postfix-master'
    ? /^()([^\s#]+)\s+inet\s/.exec(lineText)
    : languageId === 'dovecot' ? /^(\s*)(inet_listener(?:\s+[A-Za-z0-9_.-]+)?)/.exec(lineText) : null;
  if (!m) return undefined;
  const start = m[1]!.length;
  const end = start + m[2]!.length;
  return character >= start && character <= end ? { start, end } : undefined;
}

function onLine(setting: CipherSetting, file: string, line: number): boolean {
  return setting.range.file === file && setting.range.start.line <= line && setting.range.end.line >= line;
}

function describe(role: CipherRole, versions: VersionSuites[], groups: string[]): string | undefined {
  const legacy = versions.filter((v) => v.version !== 'TLSv1.3');
  switch (role) {
    case 'list':
    case 'grade':
    case 'exclude':
      return suitesText(legacy);
    case 'tls13':
      return suitesText(versions.filter((v) => v.version === 'TLSv1.3'));
    case 'order': {
      const known = versions.filter((v) => v.serverOrder !== null);
      if (known.length === 0) return undefined;
      const server = known.filter((v) => v.serverOrder).map((v) => v.version);
      const client = known.filter((v) => !v.serverOrder).map((v) => v.version);
      return [server.length ? `server's order on ${server.join(', ')}` : '', client.length ? `client's order on ${client.join(', ')}` : ''].filter(Boolean).join('; ');
    }
    case 'curves':
      return groups.length ? `groups accepted: ${groups.join(', ')}` : undefined;
    case 'dh': {
      const sizes = new Map<number, string[]>();
      for (const v of versions) for (const s of v.suites) if (s.dhBits !== null) sizes.set(s.dhBits, [...new Set([...(sizes.get(s.dhBits) ?? []), s.openssl])]);
      if (sizes.size === 0) return 'no DHE suite accepted';
      return [...sizes].sort(([a], [b]) => a - b).map(([bits, names]) => `DH ${bits} bits (${names.length} suite(s)${bits < 2048 ? `: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}` : ''})`).join('; ');
    }
  }
}

/**
 * `TLSv1, TLSv1.1: 16 suites, 6 insecure (ADH-AES256-SHA, …), 4 weak (AES256-SHA, …)`: versions
 * with the same suites share a part; the worst grades are named, the good ones counted.
 */
function suitesText(versions: VersionSuites[]): string | undefined {
  const parts = new Map<string, string[]>();
  for (const v of versions) {
    if (v.suites.length === 0) continue;
    const text = gradeSummary(v.suites);
    parts.set(text, [...(parts.get(text) ?? []), v.version]);
  }
  if (parts.size === 0) return versions.length ? 'no suite accepted' : undefined;
  return [...parts].map(([text, names]) => `${names.join(', ')}: ${text}`).join(' · ');
}

function gradeSummary(suites: SuiteResult[]): string {
  const byGrade = new Map<SuiteResult['grade'], string[]>();
  for (const s of suites) byGrade.set(s.grade, [...(byGrade.get(s.grade) ?? []), s.openssl]);
  const grades = [...byGrade].sort(([a], [b]) => GRADE_RANK[b] - GRADE_RANK[a]);
  const text = grades.map(([grade, names]) => (GRADE_RANK[grade] >= GRADE_RANK.weak ? `${names.length} ${grade} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})` : `${names.length} ${grade}`));
  return `${suites.length} suite(s): ${text.join(', ')}`;
}
