// The readable report `mail-tls probe` prints for one endpoint.
import { SEVERITY_ORDER } from '../core/findings';
import type { CipherScan, ProbeResult, TlsVersionName } from '../core/probe/types';

const LABEL = 14;

function row(label: string, value: string): string {
  return `  ${label.padEnd(LABEL)}${value}\n`;
}

function continued(value: string): string {
  return `  ${''.padEnd(LABEL)}${value}\n`;
}

function wrapList(items: string[], width = 90): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (next.length > width && line) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.length ? lines : ['(none)'];
}

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

export function formatResult(r: ProbeResult): string {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const status = !r.ok ? 'INCOMPLETE' : errors ? 'ERRORS' : warnings ? 'WARNINGS' : 'OK';
  let out = `${r.target}  (${r.protocol}, ${r.tlsMode === 'starttls' ? 'STARTTLS' : 'implicit TLS'})  ${status}\n`;
  if (r.address) out += row('address', r.address);
  if (r.greeting) out += row('greeting', r.greeting.split('\n')[0]!);
  if (r.tls) out += row('TLS', `${r.tls.version}  ${r.tls.cipher}${r.tls.group ? `  group ${r.tls.group}` : ''}`);
  const versions = (Object.keys(r.versions) as TlsVersionName[]).map((v) => `${v} ${yesNo(r.versions[v])}`);
  if (Object.values(r.versions).some((v) => v !== null)) out += row('accepted', versions.join('  '));
  const cert = r.certificate;
  const leaf = cert?.chain[0];
  if (cert && leaf) {
    out += row('certificate', leaf.subject);
    if (leaf.subjectAltNames.length) out += continued(`names ${leaf.subjectAltNames.join(', ')}`);
    out += continued(`issuer ${leaf.issuer}`);
    out += continued(`valid ${leaf.notBefore.slice(0, 10)} to ${leaf.notAfter.slice(0, 10)} (${cert.daysLeft} days left), ${leaf.keyType.toUpperCase()} ${leaf.keyBits ?? '?'} bits, ${leaf.signatureAlgorithm}`);
    out += continued(`trusted ${yesNo(cert.trusted)}${cert.validationError ? ` (${cert.validationError})` : ''}, hostname matches ${yesNo(cert.hostnameMatches)}, chain of ${cert.chain.length}`);
    out += continued(`SHA-256 ${leaf.fingerprint256}`);
  }
  if (r.capabilities.beforeTls.length) {
    const [first, ...rest] = wrapList(r.capabilities.beforeTls);
    out += row('before TLS', first!);
    for (const l of rest) out += continued(l);
  }
  if (r.capabilities.afterTls.length) {
    const [first, ...rest] = wrapList(r.capabilities.afterTls);
    out += row('after TLS', first!);
    for (const l of rest) out += continued(l);
  }
  if (r.ciphers) out += formatCiphers(r.ciphers);
  const t = r.timings;
  const ms = (label: string, v: number | null) => (v === null ? [] : [`${label} ${v} ms`]);
  out += row('timings', [...ms('connect', t.connect), ...ms('greeting', t.greeting), ...ms('STARTTLS', t.starttls), ...ms('handshake', t.handshake), `total ${t.total} ms`].join(', '));
  const findings = [...r.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  if (findings.length === 0) out += row('findings', 'none');
  else {
    out += '  findings\n';
    for (const f of findings) {
      out += `    ${f.severity.toUpperCase().padEnd(8)}${f.id}: ${f.title}\n`;
      out += `    ${''.padEnd(8)}${f.detail}\n`;
    }
  }
  return out;
}

const GRADE_MARK = { recommended: '  ', acceptable: '  ', weak: '! ', insecure: '!!' } as const;

/** Suites per version in the server's order, as sslscan lists them, then groups and the rest. */
export function formatCiphers(scan: CipherScan): string {
  let out = '';
  for (const v of scan.versions) {
    if (v.accepted === false && (v.version === 'SSLv2' || v.version === 'SSLv3')) continue;
    const order = v.serverOrder === null ? '' : v.serverOrder ? ', server order' : ', client order';
    const head = v.accepted === null ? 'unknown' : v.accepted ? `${v.suites.length} suite(s)${order}${v.complete ? '' : ', incomplete'}` : 'not accepted';
    out += row(v.version, head);
    for (const s of v.suites) {
      out += continued(`${GRADE_MARK[s.grade]} ${s.hex}  ${s.openssl.padEnd(32)} ${(s.keyExchange ?? '').padEnd(9)} ${s.grade}`);
    }
  }
  out += row('groups', scan.groups.length ? scan.groups.join(' ') + (scan.groupsComplete ? '' : ' (incomplete)') : 'none seen');
  const yn = (v: boolean | null) => (v === null ? 'n/a' : v ? 'yes' : 'no');
  out += row('fallback', `TLS_FALLBACK_SCSV ${yn(scan.fallbackScsv)}, secure renegotiation ${yn(scan.secureRenegotiation)}, ${scan.connections} connection(s) for the scan`);
  return out;
}
