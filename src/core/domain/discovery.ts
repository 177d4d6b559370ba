/**
 * Who receives and serves a domain's mail, from DNS: the MX hosts in preference order (null MX
 * and implicit MX as RFC 7505 and RFC 5321 §5.1 say), every address of each, and the SRV
 * records of the mail client services (RFC 6186, RFC 8314, RFC 5804).
 */
import { isIP } from 'node:net';
import type { Protocol } from '../probe/types';
import { DomainDns, isEmptyAnswer, Lookup, lookupFailed, recordsOf } from './lookups';
import type { MxKind, SrvServiceName } from './types';

export const SRV_SERVICES: readonly { service: SrvServiceName; protocol: Protocol }[] = [
  { service: '_submissions', protocol: 'smtps' },
  { service: '_submission', protocol: 'submission' },
  { service: '_imaps', protocol: 'imaps' },
  { service: '_imap', protocol: 'imap' },
  { service: '_pop3s', protocol: 'pop3s' },
  { service: '_pop3', protocol: 'pop3' },
  { service: '_sieve', protocol: 'sieve' },
];

export interface MxEntry {
  preference: number;
  host: string;
}

export interface MxPlan {
  kind: MxKind;
  hosts: MxEntry[];
  /** The other MX records published beside a null MX (RFC 7505 §3 forbids them); only then. */
  besideNullMx?: MxEntry[];
}

/**
 * Reads the MX answer: lowest preference first (ties by name, for a stable report). A `0 .`
 * is a null MX; no MX at an existing name means the domain itself is the mail host. An MX
 * lookup that failed (or, with no MX, failed address lookups: `implicitLookups`) is
 * `unreadable`, never "no MX".
 */
export function planMx(domain: string, mx: Lookup, domainHasAddress: boolean | null, implicitLookups: readonly Lookup[] = []): MxPlan {
  if (lookupFailed(mx)) return { kind: 'unreadable', hosts: [] };
  const records = recordsOf(mx, 'MX');
  if (records.length > 0) {
    const seen = new Set<string>();
    const hosts = records
      .map((r) => ({ preference: r.preference, host: r.exchange }))
      .sort((a, b) => a.preference - b.preference || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
      .filter((h) => !seen.has(h.host) && seen.add(h.host));
    if (hosts.some((h) => h.host === '')) {
      const others = hosts.filter((h) => h.host !== '');
      return others.length > 0 ? { kind: 'null-mx', hosts: [], besideNullMx: others } : { kind: 'null-mx', hosts: [] };
    }
    return { kind: 'mx', hosts };
  }
  if (mx.response?.rcode === 'NOERROR' && domainHasAddress) return { kind: 'implicit', hosts: [{ preference: 0, host: domain }] };
  if (mx.response?.rcode === 'NOERROR' && implicitLookups.some(lookupFailed)) return { kind: 'unreadable', hosts: [] };
  return { kind: 'none', hosts: [] };
}

export interface HostAddresses {
  lookups: Lookup[];
  addresses: { address: string; family: 4 | 6 }[];
}

/** Every A and AAAA of `host` (an IP literal is its own address). */
export async function addressesOf(dns: DomainDns, host: string): Promise<HostAddresses> {
  const family = isIP(host);
  if (family) return { lookups: [], addresses: [{ address: host, family: family as 4 | 6 }] };
  const [a, aaaa] = await Promise.all([dns.lookup(host, 'A'), dns.lookup(host, 'AAAA')]);
  const addresses = [
    ...recordsOf(a, 'A').map((r) => ({ address: r.data, family: 4 as const })),
    ...recordsOf(aaaa, 'AAAA').map((r) => ({ address: r.data, family: 6 as const })),
  ];
  return { lookups: [a, aaaa], addresses };
}

/**
 * The fully CNAME-expanded name of a host whose A or AAAA answer followed a CNAME chain that
 * validated (AD bit), or null: the TLSA base domain RFC 7672 §2.2.2 tries first.
 */
export function secureCnameTarget(addresses: HostAddresses): string | null {
  for (const l of addresses.lookups) {
    const r = l.response;
    if (r && !l.bogus && r.rcode === 'NOERROR' && r.authenticated && r.cnames.length > 0) return r.cnames[r.cnames.length - 1]!;
  }
  return null;
}

export function srvName(service: SrvServiceName, domain: string): string {
  return `${service}._tcp.${domain}`;
}

export { isEmptyAnswer };
