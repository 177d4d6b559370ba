// The renewed-certificate warning: a checked domain's MX publishes TLSA records, and the
// certificate file the workspace config names for that MX no longer matches them (a renewal
// with a new key, not yet reloaded). Said at the certificate setting, before the reload turns
// it into an outage for DANE senders. Renewals that keep the key still match and stay quiet.
// Pure: no vscode, no I/O.
import { X509Certificate } from 'node:crypto';
import { formatTlsa, matchTlsa, tlsaForCertificate, type TlsaRecord } from '../dns/tlsa';
import type { JoinEndpoint } from './joinFindings';
import type { LiveFinding } from './types';

/** What the join needs of a domain check (a DomainResult has this shape). */
export interface DomainTlsaView {
  domain: string;
  mx: readonly {
    host: string;
    dane: { name: string; state: string; records: readonly TlsaRecord[] };
  }[];
}

const DANE_DOC = 'https://www.postfix.org/TLS_README.html#server_tlsa';

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

function portOf(target: string): number | undefined {
  const m = /^[a-z0-9]+:\/\/(?:\[[^\]]+\]|[^:/]+)(?::(\d+))?/i.exec(target);
  if (!m) return undefined;
  if (m[1]) return Number(m[1]);
  return /^smtp:/i.test(target) ? 25 : undefined;
}

function chainOf(der: readonly string[] | undefined): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const b64 of der ?? []) {
    try {
      out.push(new X509Certificate(Buffer.from(b64, 'base64')));
    } catch {
      return out;
    }
  }
  return out;
}

/**
 * Whether a config's port-25 listener is this MX: its `myhostname` is the MX name; or, when
 * `myhostname` names none of the checked MX hosts, its certificate is valid for the MX name
 * (a certificate often covers several hosts: the name the config gives wins).
 */
export function servesMx(endpoint: JoinEndpoint, leaf: X509Certificate | undefined, mxHost: string, namedMxExists: boolean): boolean {
  const host = bare(mxHost);
  if ((endpoint.serverNames ?? []).some((n) => bare(n) === host)) return true;
  return !namedMxExists && leaf !== undefined && leaf.checkHost(host) !== undefined;
}

export function joinTlsa(endpoint: JoinEndpoint, domains: readonly DomainTlsaView[]): LiveFinding[] {
  if (portOf(endpoint.target) !== 25 || !endpoint.certificates?.length) return [];
  const findings: LiveFinding[] = [];
  const seen = new Set<string>();
  const names = new Set((endpoint.serverNames ?? []).map(bare));
  const namedMxExists = domains.some((d) => d.mx.some((mx) => names.has(bare(mx.host))));
  for (const domain of domains) {
    for (const mx of domain.mx) {
      // Only records a DANE sender uses: DNSSEC-secure, usage 2 or 3.
      if (mx.dane.state !== 'usable' || mx.dane.records.length === 0) continue;
      for (const configured of endpoint.certificates) {
        const chain = chainOf(configured.chainDer);
        const leaf = chain[0];
        if (!leaf || !servesMx(endpoint, leaf, mx.host, namedMxExists)) continue;
        const verdict = matchTlsa([...mx.dane.records], chain, [bare(mx.host), bare(domain.domain)]);
        if (verdict.status !== 'no-match') continue;
        const key = `${mx.dane.name}|${configured.file}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const published = mx.dane.records.map(formatTlsa).map(shortRecord).join(', ');
        const fresh = formatTlsa(tlsaForCertificate(leaf, 3, 1, 1));
        findings.push({
          id: 'live-tlsa-mismatch-config',
          severity: 'warning',
          message: `The TLSA record at ${mx.dane.name} (${published}) does not match the key in ${configured.file}: publish ${fresh} before reloading, ` +
            `or mail from DANE senders to ${domain.domain} will be deferred once this certificate is served. Keep the old record until the new one has been out for a TTL or two.`,
          range: configured.range,
          docUrl: DANE_DOC,
          target: endpoint.target,
        });
      }
    }
  }
  return findings;
}

function shortRecord(text: string): string {
  return text.length > 22 ? `${text.slice(0, 20)}…` : text;
}
