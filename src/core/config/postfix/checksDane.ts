/**
 * What outbound DANE (`smtp_tls_security_level = dane` or `dane-only`) needs besides the level
 * itself, per SMTP client: DNSSEC lookups, DNS (not native) host lookups, and Postfix's DNSSEC
 * probe left on so that a resolver which stops validating is noticed. The level set in main.cf
 * is checked in checksGlobal; this covers master.cf's `-o` overrides and the other settings.
 */
import type { ConfigFinding, SourceRange } from '../types';
import type { ParamScope } from './effective';
import { finding, origin, paramDoc } from './rules';
import type { PostfixService } from './services';

const DANE_LEVELS = new Set(['dane', 'dane-only']);

/** SMTP client transports (`smtp unix ... smtp`, `relay unix ... smtp`). */
const isSmtpClient = (s: PostfixService) => s.type === 'unix' && s.command === 'smtp';

export function checkDane(global: ParamScope, services: PostfixService[], fallback: SourceRange | undefined): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const clients = services.filter(isSmtpClient);
  // Without master.cf, main.cf's level is what the default smtp transport uses.
  const scopes: { scope: ParamScope; service?: PostfixService }[] = clients.length > 0 ? clients.map((s) => ({ scope: s.scope, service: s })) : [{ scope: global }];
  const daneUsers = scopes.filter(({ scope }) => DANE_LEVELS.has(scope.word('smtp_tls_security_level')));
  if (daneUsers.length === 0) return out;

  for (const { scope, service } of daneUsers) {
    const level = scope.effective('smtp_tls_security_level');
    const dns = scope.effective('smtp_dns_support_level');
    // main.cf alone: checksGlobal already reports it there.
    if (!service || (level.source !== '-o' && dns.source !== '-o')) continue;
    if (scope.word('smtp_dns_support_level') !== 'dnssec') {
      out.push(finding('postfix-dane-without-dnssec', 'warning',
        `${origin('smtp_tls_security_level', level, service)} is ${scope.word('smtp_tls_security_level')}, but ${origin('smtp_dns_support_level', dns, service)} is '${dns.expanded.trim() || 'empty'}', not dnssec: this transport's DANE silently falls back to 'may'.`,
        (dns.source === '-o' ? dns.range : level.range) ?? service.range, paramDoc('smtp_dns_support_level')));
    }
  }

  const first = daneUsers[0]!;
  const where = (param: string) => first.scope.effective(param).range ?? first.scope.effective('smtp_tls_security_level').range ?? first.service?.range ?? fallback;
  const lookup = first.scope.effective('smtp_host_lookup');
  if (!/\bdns\b/i.test(lookup.expanded)) {
    const at = where('smtp_host_lookup');
    if (at) {
      out.push(finding('postfix-dane-native-lookup', 'warning',
        `${origin('smtp_host_lookup', lookup, first.service)} is '${lookup.expanded.trim()}': DANE does not apply to hosts found by native (system library) lookups, so no TLSA record is ever checked. Include 'dns'.`,
        at, paramDoc('smtp_host_lookup'), lookup.range ? { title: 'Look hosts up in DNS (dns)', range: lookup.range, newText: 'dns' } : undefined));
    }
  }
  const probe = first.scope.effective('dnssec_probe');
  if (probe.range && probe.expanded.trim() === '') {
    out.push(finding('postfix-dane-no-dnssec-probe', 'info',
      "dnssec_probe is empty: Postfix will not warn 'DNSSEC validation may be unavailable' when the resolver stops validating, and DANE would quietly stop protecting mail. Keep the default (ns:.) unless the root zone is unreachable.",
      probe.range, paramDoc('dnssec_probe'), { title: 'Probe DNSSEC validation (ns:.)', range: probe.range, newText: 'ns:.' }));
  }
  return out;
}
