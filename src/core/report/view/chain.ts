// The certificate chain as linked boxes, leaf first: names, key, validity and what failed.
// Validity is judged at the probe's own time, so an old report does not change its verdict.
import type { CertificateInfo, CertificateReport, ProbeResult } from '../../probe/types';
import { h, type VNode } from '../vnode';
import { day } from './common';

type Role = 'leaf' | 'intermediate' | 'root';

function cn(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1] ?? dn;
}

function role(info: CertificateInfo, i: number, count: number): Role {
  if (i === 0) return 'leaf';
  return info.selfSigned || i === count - 1 && info.subject === info.issuer ? 'root' : 'intermediate';
}

const ROLE_NAME: Record<Role, string> = { leaf: 'Server certificate', intermediate: 'Intermediate', root: 'Root' };

/** What is wrong with one certificate, in words; chain-wide verdicts go on the leaf. */
function problems(report: CertificateReport, info: CertificateInfo, i: number, at: number, result: ProbeResult): string[] {
  const out: string[] = [];
  if (Date.parse(info.notAfter) < at) out.push(`expired on ${day(info.notAfter)}`);
  else if (Date.parse(info.notBefore) > at) out.push(`not valid before ${day(info.notBefore)}`);
  const weakKey = info.keyBits !== null && ((['rsa', 'rsa-pss', 'dsa'].includes(info.keyType) && info.keyBits < 2048) || (info.keyType === 'ec' && info.keyBits < 256));
  if (weakKey && !(info.selfSigned && i > 0)) out.push(`weak key (${info.keyBits} bits)`);
  if (!info.selfSigned && /(^|[^a-z])(md5|sha1)/i.test(info.signatureAlgorithm)) out.push(`weak signature (${info.signatureAlgorithm})`);
  if (i === 0) {
    if (!report.hostnameMatches) out.push('does not match the host name');
    if (info.selfSigned && !report.trusted) out.push('self-signed and not trusted');
    const ids = new Set(result.findings.map((f) => f.id));
    if (ids.has('cert-chain-incomplete')) out.push('intermediate certificates not sent');
  }
  return out;
}

export function chainView(result: ProbeResult): VNode | null {
  const report = result.certificate;
  if (!report || report.chain.length === 0) return null;
  const at = Date.parse(result.startedAt);
  const boxes: VNode[] = report.chain.map((info, i) => {
    const r = role(info, i, report.chain.length);
    const issues = problems(report, info, i, at, result);
    const daysLeft = Math.floor((Date.parse(info.notAfter) - at) / 86_400_000);
    return h('li', { class: `cert cert-${r}${issues.length ? ' cert-bad' : ''}`, 'data-role': r, tabindex: 0, 'aria-label': `${ROLE_NAME[r]}: ${cn(info.subject)}${issues.length ? `; problems: ${issues.join('; ')}` : ''}` },
      h('div', { class: 'cert-role' }, ROLE_NAME[r], info.selfSigned && i > 0 ? ' (self-signed)' : ''),
      h('div', { class: 'cert-name' }, cn(info.subject)),
      h('div', { class: 'cert-dn', title: info.subject }, info.subject),
      i === 0 && info.subjectAltNames.length ? h('div', { class: 'cert-sans' }, 'Names: ', info.subjectAltNames.map((s) => s.replace(/^(DNS|IP Address):/, '')).join(', ')) : null,
      h('div', { class: 'cert-facts' },
        h('span', null, `${info.keyType.toUpperCase()} ${info.keyBits ?? '?'} bits`),
        h('span', null, info.signatureAlgorithm),
        h('span', null, `${day(info.notBefore)} → ${day(info.notAfter)}${daysLeft >= 0 ? ` (${daysLeft} days left)` : ''}`)),
      h('div', { class: 'cert-issuer' }, 'Issued by ', cn(info.issuer)),
      issues.length ? h('ul', { class: 'cert-problems' }, issues.map((p) => h('li', null, p))) : h('div', { class: 'cert-ok' }, 'No problem found'),
      h('details', { class: 'cert-more' }, h('summary', null, 'Fingerprint and serial'),
        h('div', null, h('code', null, `SHA-256 ${info.fingerprint256}`)), h('div', null, h('code', null, `serial ${info.serialNumber}`))),
    );
  });
  const top = report.chain[report.chain.length - 1]!;
  if (!top.selfSigned) {
    // The root is not sent (as it should be); say where trust came from.
    boxes.push(h('li', { class: `cert cert-root cert-absent${report.trusted ? '' : ' cert-bad'}`, 'data-role': 'root', tabindex: 0 },
      h('div', { class: 'cert-role' }, 'Root (not sent)'),
      h('div', { class: 'cert-name' }, cn(top.issuer)),
      h('div', { class: report.trusted ? 'cert-ok' : 'cert-problems' }, report.trusted ? 'Found in the trusted roots' : `Not a trusted root${report.validationError ? ` (${report.validationError})` : ''}`)));
  }
  const verdict = report.trusted ? 'Trusted' : `Not trusted${report.validationError ? `: ${report.validationError}` : ''}`;
  return h('section', { class: 'chain-section', 'data-part': 'chain' },
    h('h3', null, 'Certificate chain'),
    h('p', { class: report.trusted && report.hostnameMatches ? 'verdict ok' : 'verdict bad' },
      `${verdict} · host name ${report.hostnameMatches ? 'matches' : 'does not match'} · ${report.daysLeft} days left`),
    h('ol', { class: 'chain' }, boxes));
}
