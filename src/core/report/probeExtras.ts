// The parts of a probe result that only a deeper scan fills in (suites per version, groups,
// OCSP, SSL 2/3): read in one place, so that the grade and the views show them when present
// and leave them out when the probe did not look.
import type { ProbeResult } from '../probe/types';
import { gradeSuite, suiteFacts, type SuiteGrade, type SuiteRow, type SuiteTable } from './suites';

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function field(result: ProbeResult, ...names: string[]): unknown {
  const r = result as unknown as Loose;
  for (const n of names) if (r[n] !== undefined && r[n] !== null) return r[n];
  return undefined;
}

const GRADE_WORDS: Record<string, SuiteGrade> = {
  good: 'good', strong: 'good', recommended: 'good', secure: 'good', a: 'good',
  acceptable: 'acceptable', ok: 'acceptable', legacy: 'acceptable', medium: 'acceptable', b: 'acceptable',
  weak: 'weak', deprecated: 'weak', c: 'weak',
  insecure: 'insecure', broken: 'insecure', bad: 'insecure', f: 'insecure',
};

function row(raw: unknown): SuiteRow | null {
  const o = isObject(raw) ? raw : { name: raw };
  const name = str(o.iana) ?? str(o.standardName) ?? str(o.name) ?? str(o.openssl);
  if (!name) return null;
  const facts = suiteFacts(name);
  const given = str(o.grade)?.toLowerCase();
  const bits = typeof o.bits === 'number' ? o.bits : facts.bits;
  return {
    name,
    ...(str(o.openssl) ? { openssl: str(o.openssl)! } : {}),
    ...(str(o.keyExchange) ? { keyExchange: str(o.keyExchange)! } : {}),
    grade: (given && GRADE_WORDS[given]) || gradeSuite({ ...facts, bits }),
    bits,
    forwardSecret: typeof o.forwardSecrecy === 'boolean' ? o.forwardSecrecy : facts.forwardSecret,
    aead: typeof o.mac === 'string' ? o.mac === 'AEAD' || facts.aead : facts.aead,
    anonymous: o.auth === 'anon' || facts.anonymous,
  };
}

/** The cipher scan's versions (`ciphers.versions`), or a plain list of `{ version, suites }`. */
function scanVersions(result: ProbeResult): Loose[] | null {
  const raw = field(result, 'ciphers', 'cipherSuites');
  const list = isObject(raw) ? raw.versions : raw;
  return Array.isArray(list) ? list.filter(isObject) : null;
}

/** Accepted suites per version, most preferred first; null when the probe did not enumerate them. */
export function suiteTablesOf(result: ProbeResult): SuiteTable[] | null {
  const versions = scanVersions(result);
  if (!versions) return null;
  const tables: SuiteTable[] = [];
  for (const v of versions) {
    const version = str(v.version) ?? '?';
    const list = Array.isArray(v.suites) ? v.suites : null;
    if (!list || list.length === 0 || v.accepted === false) continue;
    const suites = list.map(row).filter((s): s is SuiteRow => s !== null);
    const order = v.serverOrder;
    tables.push({ version, suites, serverOrder: typeof order === 'boolean' ? order : null });
  }
  return tables.length ? tables : null;
}

/** SSL 2 / SSL 3 when the raw-hello scan saw the server accept them. */
export function extraVersionsOf(result: ProbeResult): string[] {
  const versions = scanVersions(result) ?? [];
  return ['SSLv2', 'SSLv3'].filter((name) => versions.some((v) => v.version === name && v.accepted === true));
}

/** The smallest DH prime any accepted DHE suite used, when the scan saw one. */
export function smallestDhBits(result: ProbeResult): number | null {
  const bits = (scanVersions(result) ?? []).flatMap((v) => (Array.isArray(v.suites) && v.accepted !== false ? v.suites : []))
    .map((s) => (isObject(s) && typeof s.dhBits === 'number' ? s.dhBits : null)).filter((b): b is number => b !== null);
  return bits.length ? Math.min(...bits) : null;
}

/** Key-exchange groups the server accepts, when probed; with fallback SCSV and renegotiation. */
export function groupsOf(result: ProbeResult): string[] | null {
  const raw = field(result, 'ciphers');
  if (!isObject(raw) || !Array.isArray(raw.groups)) return null;
  return raw.groups.map((g) => String(g));
}

export interface ScanFlags {
  fallbackScsv: boolean | null;
  secureRenegotiation: boolean | null;
  notes: string[];
}

export function scanFlagsOf(result: ProbeResult): ScanFlags | null {
  const raw = field(result, 'ciphers');
  if (!isObject(raw)) return null;
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : null);
  return { fallbackScsv: flag(raw.fallbackScsv), secureRenegotiation: flag(raw.secureRenegotiation), notes: Array.isArray(raw.notes) ? raw.notes.map(String) : [] };
}

export interface OcspView {
  stapled: boolean;
  status: string | null;
  detail: string | null;
}

export function ocspOf(result: ProbeResult): OcspView | null {
  const raw = field(result, 'ocsp', 'ocspStapling', 'stapling');
  if (!isObject(raw)) return null;
  const stapled = raw.stapled === true || raw.present === true;
  const parts = [str(raw.thisUpdate) && `this update ${str(raw.thisUpdate)}`, str(raw.nextUpdate) && `next update ${str(raw.nextUpdate)}`,
    typeof raw.signatureValid === 'boolean' ? `signature ${raw.signatureValid ? 'verifies' : 'does not verify'}` : undefined].filter(Boolean);
  return { stapled, status: str(raw.status) ?? str(raw.certStatus) ?? null, detail: parts.length ? parts.join(', ') : null };
}
