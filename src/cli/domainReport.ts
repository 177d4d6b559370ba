// The readable report `mail-tls domain` prints for one domain.
import { everyFinding } from '../core/domain/findings';
import type { AddressCheck, DomainResult } from '../core/domain/types';

function probeState(a: AddressCheck): string {
  const p = a.probe;
  if (!p) return 'not probed';
  if (!p.ok) return `FAILED (${p.findings.find((f) => f.severity === 'error')?.title ?? 'incomplete'})`;
  const cert = p.certificate;
  const trust = cert ? (cert.trusted && cert.hostnameMatches ? 'valid certificate' : cert.trusted ? 'certificate for another name' : `untrusted certificate (${cert.validationError ?? 'unknown'})`) : 'no certificate';
  return `${p.tls?.version ?? 'TLS'}, ${trust}`;
}

function dane(a: AddressCheck): string {
  return a.daneMatch === null ? '' : a.daneMatch ? `, DANE match (${a.daneMatched.map((m) => m.slice(0, 5)).join(', ')})` : ', DANE NO MATCH';
}

export function formatDomain(r: DomainResult): string {
  const findings = everyFinding(r);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  let out = `${r.domain}  ${errors ? 'ERRORS' : warnings ? 'WARNINGS' : 'OK'}\n`;
  out += `  resolver      ${r.resolver.servers.join(', ')}${r.resolver.validates ? ' (validates DNSSEC)' : ' (NOT validating DNSSEC)'}\n`;
  out += `  DNSSEC        ${r.dnssec}\n`;
  const kind = { mx: '', 'null-mx': 'null MX: the domain accepts no mail', implicit: 'no MX: the domain\'s own address', none: 'no MX and no address', unreadable: 'could not be read (see the findings)' }[r.mxKind];
  if (kind) out += `  MX            ${kind}\n`;
  for (const h of r.mx) {
    const sts = h.mtaStsCovered === null ? '' : h.mtaStsCovered ? ', in the MTA-STS policy' : ', NOT in the MTA-STS policy';
    out += `  MX ${String(h.preference).padEnd(10)} ${h.host}  TLSA: ${h.dane.state}${h.dane.records.length ? ` (${h.dane.records.length} record(s), ${h.dane.lookup.dnssec})` : ''}${sts}\n`;
    if (h.addresses.length === 0) out += '                (no address)\n';
    for (const a of h.addresses) out += `                ${a.address.padEnd(16)} ${probeState(a)}${dane(a)}\n`;
  }
  for (const s of r.srv) {
    if (s.notOffered) out += `  ${s.service.padEnd(13)} not offered (target .)\n`;
    for (const t of s.targets) {
      out += `  ${s.service.padEnd(13)} ${t.target}:${t.port}\n`;
      for (const a of t.addresses) out += `                ${a.address.padEnd(16)} ${probeState(a)}\n`;
    }
  }
  const m = r.mtaSts;
  const sts = m.records.length === 0 ? 'none' : m.policy ? `mode ${m.policy.mode ?? '?'}, max_age ${m.policy.maxAge ?? '?'}, mx ${m.policy.mx.join(' ') || '(none)'} (id ${m.id ?? '?'})` : `record present, policy not read${m.fetchError ? `: ${m.fetchError}` : ''}`;
  out += `  MTA-STS       ${sts}\n`;
  out += `  TLS-RPT       ${r.tlsRpt.rua.length ? r.tlsRpt.rua.join(', ') : r.tlsRpt.records.length ? 'record present, no valid rua' : 'none'}\n`;
  out += `  checked in    ${r.stats.ms} ms: ${r.stats.dnsQueries} DNS queries, ${r.stats.connections} connections\n`;
  for (const f of findings) out += `  ${f.severity.toUpperCase().padEnd(8)}${f.id} [${f.subject}] ${f.title}\n      ${f.detail}\n`;
  return out;
}
