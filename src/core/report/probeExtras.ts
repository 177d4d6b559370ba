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
  const name = str(o.standardName) ?? str(o.iana) ?? str(o.name) ?? str(o.openssl);
  if (!name) return null;
  const facts = suiteFacts(name);
  const given = str(o.grade)?.toLowerCase();
  const bits = typeof o.bits === 'number' ? o.bits : facts.bits;
  return {
    name,
    ...(str(o.openssl) ?? str(o.opensslName) ? { openssl: (str(o.openssl) ?? str(o.opensslName))! } : {}),
    grade: (given && GRADE_WORDS[given]) || gradeSuite({ ...facts, bits }),
    bits,
    forwardSecret: typeof o.forwardSecrecy === 'boolean' ? o.forwardSecrecy : typeof o.forwardSecret === 'boolean' ? o.forwardSecret : facts.forwardSecret,
    aead: typeof o.aead === 'boolean' ? o.aead : facts.aead,
    anonymous: typeof o.anonymous === 'boolean' ? o.anonymous : facts.anonymous,
  };
}

/** Accepted suites per version, most preferred first; null when the probe did not enumerate them. */
export function suiteTablesOf(result: ProbeResult): SuiteTable[] | null {
  const raw = field(result, 'cipherSuites', 'suites', 'ciphers');
  if (raw === undefined) return null;
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.filter(isObject).map((t) => [str(t.version) ?? '?', t])
    : isObject(raw) ? Object.entries(raw.versions && isObject(raw.versions) ? raw.versions : raw) : [];
  const tables: SuiteTable[] = [];
  for (const [version, value] of entries) {
    const v = isObject(value) ? value : { suites: value };
    const list = Array.isArray(v.suites) ? v.suites : Array.isArray(v.accepted) ? v.accepted : Array.isArray(value) ? value : null;
    if (!list) continue;
    const suites = list.map(row).filter((s): s is SuiteRow => s !== null);
    const order = v.serverOrder ?? v.serverPreference ?? v.enforcesOrder ?? v.serverEnforcesOrder;
    tables.push({ version, suites, serverOrder: typeof order === 'boolean' ? order : null });
  }
  return tables.length ? tables : null;
}

/** SSL 2 / SSL 3 when a raw-hello scan saw the server accept them. */
export function extraVersionsOf(result: ProbeResult): string[] {
  const raw = field(result, 'legacyVersions', 'sslVersions');
  if (!isObject(raw)) return [];
  return ['SSLv2', 'SSLv3'].filter((v) => raw[v] === true);
}

/** Key-exchange groups the server accepts, when probed. */
export function groupsOf(result: ProbeResult): string[] | null {
  const raw = field(result, 'groups', 'keyExchange');
  const list = isObject(raw) ? (raw.groups ?? raw.accepted) : raw;
  if (!Array.isArray(list)) return null;
  return list.map((g) => (isObject(g) ? str(g.name) ?? '?' : String(g)));
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
