/**
 * What an answer's DNSSEC state honestly is. Only the AD bit of a validating resolver makes
 * an answer `secure`; no AD is `insecure` only once the resolver has shown that it validates
 * (an AD on some answer); otherwise it stays `unvalidated`. A SERVFAIL that turns into an
 * answer when asked again with Checking Disabled is a validation failure: `bogus`.
 */
import type { DnsClient } from './client';
import { normalName } from './message';
import type { DnsResponse } from './types';

export type DnssecStatus = 'secure' | 'insecure' | 'bogus' | 'unvalidated' | 'failed';

/** Whether the resolver validates: true once shown, false when a probe showed no AD anywhere, null before. */
export type ResolverValidation = boolean | null;

export function dnssecStatus(r: DnsResponse | null, bogus: boolean, validates: ResolverValidation): DnssecStatus {
  if (bogus) return 'bogus';
  if (!r || (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN')) return 'failed';
  if (r.authenticated) return 'secure';
  return validates === true ? 'insecure' : 'unvalidated';
}

/** The names from `name` up to the root: `a.b.c`, `b.c`, `c`, `.` (where the keys live). */
export function ancestors(name: string): string[] {
  const labels = normalName(name).split('.').filter(Boolean);
  const out = labels.map((_, i) => labels.slice(i).join('.'));
  out.push('.');
  return out;
}

/**
 * Asks for the DNSKEY of `name`'s ancestors, nearest first, until one comes back authenticated:
 * proof that the resolver validates. Real domains sit under a signed TLD (and the root is
 * signed), so a validating resolver shows AD within two or three questions. Returns false when
 * none did (the resolver does not validate, or cannot reach the signed zones).
 */
export async function probeValidation(client: DnsClient, name: string, signal?: AbortSignal, maxQuestions = 4): Promise<boolean> {
  for (const zone of ancestors(name).slice(0, maxQuestions)) {
    try {
      const r = await client.query(zone, 'DNSKEY', signal);
      if (r.authenticated) return true;
    } catch (err) {
      if (signal?.aborted) throw err;
    }
  }
  return false;
}
