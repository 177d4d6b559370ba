// The parts of a probe result that only a deeper scan fills in (suites per version, groups,
// OCSP, SSL 2/3): read in one place, so that the grade and the views show them when present
// and leave them out when the probe did not look.
import type { ProbeResult, SuiteResult, VersionSuites } from '../probe/types';
import { gradeSuite, suiteFacts, type SuiteGrade, type SuiteRow, type SuiteTable } from './suites';

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const GRADES: Record<SuiteResult['grade'], SuiteGrade> = { recommended: 'good', acceptable: 'acceptable', weak: 'weak', insecure: 'insecure' };

function row(s: SuiteResult): SuiteRow {
  const facts = suiteFacts(s.iana);
  return {
    name: s.iana,
    openssl: s.openssl,
    ...(s.keyExchange ? { keyExchange: s.keyExchange } : {}),
    grade: GRADES[s.grade] ?? gradeSuite({ ...facts, bits: s.bits }),
    bits: s.bits,
    forwardSecret: s.forwardSecrecy,
    aead: s.mac === 'AEAD' || facts.aead,
    anonymous: s.auth === 'anon' || facts.anonymous,
  };
}

function accepted(result: ProbeResult): VersionSuites[] {
  return (result.ciphers?.versions ?? []).filter((v) => v.accepted !== false && v.suites.length > 0);
}

/** Accepted suites per version, most preferred first; null when the probe did not enumerate them. */
export function suiteTablesOf(result: ProbeResult): SuiteTable[] | null {
  if (!result.ciphers) return null;
  const tables = accepted(result).map((v) => ({ version: v.version, suites: v.suites.map(row), serverOrder: v.serverOrder }));
  return tables.length ? tables : null;
}

/** SSL 2 / SSL 3 when the raw-hello scan saw the server accept them. */
export function extraVersionsOf(result: ProbeResult): string[] {
  return (result.ciphers?.versions ?? []).filter((v) => (v.version === 'SSLv2' || v.version === 'SSLv3') && v.accepted === true).map((v) => v.version);
}

/** The smallest DH prime any accepted DHE suite used, when the scan saw one. */
export function smallestDhBits(result: ProbeResult): number | null {
  const bits = accepted(result).flatMap((v) => v.suites.map((s) => s.dhBits)).filter((b): b is number => b !== null);
  return bits.length ? Math.min(...bits) : null;
}

/** Key-exchange groups the server accepts, in the order it chose them, when scanned. */
export function groupsOf(result: ProbeResult): string[] | null {
  return result.ciphers ? result.ciphers.groups : null;
}

export interface ScanFlags {
  fallbackScsv: boolean | null;
  secureRenegotiation: boolean | null;
  notes: string[];
}

export function scanFlagsOf(result: ProbeResult): ScanFlags | null {
  const scan = result.ciphers;
  return scan ? { fallbackScsv: scan.fallbackScsv, secureRenegotiation: scan.secureRenegotiation, notes: scan.notes } : null;
}

export interface OcspView {
  stapled: boolean;
  status: string | null;
  detail: string | null;
}

/** OCSP stapling, read loosely until the probe result types it. */
export function ocspOf(result: ProbeResult): OcspView | null {
  const raw = (result as unknown as Loose).ocsp;
  if (!isObject(raw)) return null;
  const stapled = raw.stapled === true || raw.present === true;
  const parts = [str(raw.thisUpdate) && `this update ${str(raw.thisUpdate)}`, str(raw.nextUpdate) && `next update ${str(raw.nextUpdate)}`,
    typeof raw.signatureValid === 'boolean' ? `signature ${raw.signatureValid ? 'verifies' : 'does not verify'}` : undefined].filter(Boolean);
  return { stapled, status: str(raw.status) ?? str(raw.certStatus) ?? null, detail: parts.length ? parts.join(', ') : null };
}
