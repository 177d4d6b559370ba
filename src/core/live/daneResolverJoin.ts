// Outbound DANE needs a validating resolver, which no config file can show. A domain check
// made with this machine's own resolvers can: when its resolver gave no authenticated answer,
// a Postfix config with `smtp_tls_security_level = dane` on this machine gets nothing from
// DANE (Postfix trusts the resolver's AD bit and does no validation of its own). Pure.
import type { ConfigFinding, SourceRange } from '../config/types';

export interface OutboundDane {
  /** `dane` or `dane-only`, and where main.cf sets it. */
  level: string;
  range: SourceRange;
}

export interface ResolverEvidence {
  domain: string;
  servers: readonly string[];
  validates: boolean;
  /** The check asked the system's resolvers (not a `mailTls.resolver` of its own). */
  systemResolvers: boolean;
}

const DOC = 'https://www.postfix.org/postconf.5.html#smtp_dns_support_level';

export function joinDaneResolver(dane: OutboundDane, checks: readonly ResolverEvidence[]): ConfigFinding[] {
  const evidence = checks.find((c) => c.systemResolvers && !c.validates);
  if (!evidence) return [];
  const mandatory = dane.level === 'dane-only';
  return [{
    id: 'dane-resolver-not-validating',
    severity: 'warning',
    message: `smtp_tls_security_level = ${dane.level} relies on a DNSSEC-validating resolver, but the resolver this machine uses (${evidence.servers.join(', ')}) ` +
      `gave no authenticated answer when ${evidence.domain} was checked. If Postfix runs here with it, ${mandatory ? 'mail to every destination is deferred' : 'no TLSA record is ever used and DANE quietly becomes opportunistic TLS'}. ` +
      "Run a local validating resolver (for example unbound on 127.0.0.1), name only it in /etc/resolv.conf, and with glibc 2.31 or later add 'options trust-ad' there.",
    range: dane.range,
    docUrl: DOC,
  }];
}
