// The parts of a probe result that only a deeper scan fills in (suites per version, groups,
// OCSP, SSL 2/3): read in one place, so that the grade and the views show them when present
// and leave them out when the probe did not look.
import type { ProbeResult, SuiteResult, VersionSuites } from '../probe/types';
import { gradeSuite, suiteFacts, type SuiteGrade, type SuiteRow, type SuiteTable } from './suites';

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

/** OCSP stapling as the probe saw it; null when it did not ask. */
export function ocspOf(result: ProbeResult): OcspView | null {
  const o = result.ocsp;
  if (!o) return null;
  const parts = [
    o.mustStaple ? 'the certificate demands a staple (Must-Staple)' : null,
    o.thisUpdate ? `this update ${o.thisUpdate}` : null,
    o.nextUpdate ? `next update ${o.nextUpdate}` : null,
    o.verified === null ? null : o.verified ? 'signature verifies' : 'signature does not verify',
    o.problem,
  ].filter((p): p is string => Boolean(p));
  return { stapled: o.stapled, status: o.certStatus ?? o.responseStatus, detail: parts.length ? parts.join(', ') : null };
}
