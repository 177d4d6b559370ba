/** Per-service TLS checks on each smtpd service's effective settings. */
import type { ConfigFinding, SourceRange } from '../types';
import type { Severity } from '../../findings';
import { compareLevels } from './expand';
import { weakEnabled, parseProtocols } from './protocols';
import { blame, finding, origin, paramDoc } from './rules';
import { PostfixService, smtpdTlsLevel, tlsOffered, tlsRequired } from './services';

const WEAK_GRADES = new Set(['export', 'low', 'null']);

export function checkService(s: PostfixService, version: string): ConfigFinding[] {
  const modern = compareLevels(version, '3.6') >= 0;
  const out: ConfigFinding[] = [];
  const required = tlsRequired(s);
  const offered = tlsOffered(s);
  const level = smtpdTlsLevel(s.scope);
  const svc = `${s.name}/${s.type}`;
  const at = (param: string) => blame(s.effective(param), s) ?? s.range;
  const levelEv = s.effective('smtpd_tls_security_level');

  if (!offered && s.type === 'inet') {
    out.push(finding('postfix-tls-disabled', s.role === 'other' ? 'info' : 'warning', `Service ${svc} offers no TLS: ${origin('smtpd_tls_security_level', levelEv, s)} is '${levelEv.expanded || 'empty'}'.`, at('smtpd_tls_security_level'), paramDoc('smtpd_tls_security_level')));
  }
  if (offered && !hasCertificate(s)) {
    out.push(finding('postfix-no-certificate', required ? 'error' : 'warning', `Service ${svc} enables TLS but no certificate is configured (smtpd_tls_chain_files or smtpd_tls_cert_file); Postfix ${required ? 'cannot serve it' : 'falls back to plaintext'}.`, at('smtpd_tls_security_level'), paramDoc('smtpd_tls_chain_files')));
  }

  if (offered) out.push(...protocolFindings(s, level === 'encrypt', required, version, modern));
  if (offered) out.push(...cipherFindings(s, level === 'encrypt', required));

  // Submission roles.
  if (s.role === 'submission' && s.scope.word('smtpd_tls_wrappermode') !== 'yes' && level !== 'encrypt') {
    const severity: Severity = level === 'none' ? 'error' : 'warning';
    const fix = levelEv.source === '-o' && levelEv.range ? { title: 'Require TLS (encrypt)', range: levelEv.range, newText: 'encrypt' } : undefined;
    out.push(finding('postfix-submission-not-encrypted', severity, `Submission service ${svc} does not require TLS: ${origin('smtpd_tls_security_level', levelEv, s)} is '${levelEv.expanded || 'empty'}'; use -o smtpd_tls_security_level=encrypt.`, at('smtpd_tls_security_level'), paramDoc('smtpd_tls_security_level'), fix));
  }
  const wrapEv = s.effective('smtpd_tls_wrappermode');
  const wrapper = wrapEv.expanded.trim().toLowerCase() === 'yes';
  if (s.port === 465 && !wrapper) {
    const fix = wrapEv.source === '-o' && wrapEv.range
      ? { title: 'Use implicit TLS (wrappermode)', range: wrapEv.range, newText: 'yes' }
      : { title: 'Use implicit TLS (wrappermode)', range: endOf(s.entry.commandRange), newText: ' -o smtpd_tls_wrappermode=yes' };
    out.push(finding('postfix-smtps-without-wrappermode', 'error', `Service ${svc} listens on port 465, where clients start TLS at connect (RFC 8314), but smtpd_tls_wrappermode is not yes.`, blame(wrapEv, s) ?? s.range, paramDoc('smtpd_tls_wrappermode'), fix));
  }
  if (s.port === 25 && wrapper) {
    out.push(finding('postfix-mx-requires-tls', 'error', `Port 25 service ${svc} uses implicit TLS (smtpd_tls_wrappermode = yes): other mail servers speak plaintext SMTP with STARTTLS there and cannot deliver.`, blame(wrapEv, s) ?? s.range, paramDoc('smtpd_tls_wrappermode')));
  }
  if (s.role === 'mx' && level === 'encrypt') {
    // Only the service's own -o: changing main.cf would also relax the services that inherit it.
    const fix = levelEv.source === '-o' && levelEv.range ? { title: 'Offer TLS without requiring it (may)', range: levelEv.range, newText: 'may' } : undefined;
    out.push(finding('postfix-mx-requires-tls', 'warning', `Port 25 service ${svc} requires TLS (${origin('smtpd_tls_security_level', levelEv, s)} = encrypt); a public MX must accept mail without TLS (RFC 3207), use 'may'.`, at('smtpd_tls_security_level'), paramDoc('smtpd_tls_security_level'), fix));
  }

  // SASL.
  const saslEv = s.effective('smtpd_sasl_auth_enable');
  if (saslEv.expanded.trim().toLowerCase() === 'yes') {
    if (s.role === 'mx') {
      out.push(finding('postfix-sasl-on-port-25', 'warning', `SASL authentication is enabled on port 25 service ${svc} (${origin('smtpd_sasl_auth_enable', saslEv, s)}); enable it only on submission services.`, at('smtpd_sasl_auth_enable'), paramDoc('smtpd_sasl_auth_enable')));
    }
    const authOnly = s.effective('smtpd_tls_auth_only');
    if (!required && authOnly.expanded.trim().toLowerCase() !== 'yes') {
      const fix = authOnly.range ? { title: 'Offer AUTH only after STARTTLS', range: authOnly.range, newText: 'yes' } : undefined;
      out.push(finding('postfix-tls-auth-only', s.role === 'mx' ? 'warning' : 'error', `Service ${svc} offers AUTH before STARTTLS, so passwords can cross the network in plaintext: ${origin('smtpd_tls_auth_only', authOnly, s)} is '${authOnly.expanded}'.`, at('smtpd_tls_auth_only'), paramDoc('smtpd_tls_auth_only'), fix));
    }
    const opts = s.effective('smtpd_sasl_security_options');
    if (!/\bnoanonymous\b/i.test(opts.expanded)) {
      out.push(finding('postfix-sasl-anonymous', 'warning', `Service ${svc} allows anonymous SASL logins: ${origin('smtpd_sasl_security_options', opts, s)} lacks noanonymous.`, at('smtpd_sasl_security_options'), paramDoc('smtpd_sasl_security_options')));
    }
  }
  return out;
}

function endOf(r: SourceRange): SourceRange {
  return { file: r.file, start: r.end, end: r.end };
}

function hasCertificate(s: PostfixService): boolean {
  return ['smtpd_tls_chain_files', 'smtpd_tls_cert_file', 'smtpd_tls_eccert_file', 'smtpd_tls_dcert_file'].some((p) => s.effective(p).expanded.trim() !== '');
}

/** Postfix uses the mandatory list only when the level is `encrypt`. */
function protocolFindings(s: PostfixService, mandatory: boolean, required: boolean, version: string, modern: boolean): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const param = mandatory ? 'smtpd_tls_mandatory_protocols' : 'smtpd_tls_protocols';
  const ev = s.effective(param);
  const spec = parseProtocols(ev.expanded);
  const svc = `${s.name}/${s.type}`;
  if (spec.usesBounds && !modern && ev.range) {
    out.push(finding('postfix-protocols-syntax', 'error', `${param}: the '>=' form needs Postfix 3.6 or later (configured for ${version}).`, ev.range, paramDoc(param)));
  }
  const weak = weakEnabled(ev.expanded);
  if (weak.length === 0) return out;
  const severity: Severity = required ? 'error' : s.role === 'mx' ? 'info' : 'warning';
  const newText = modern ? '>=TLSv1.2' : '!SSLv2, !SSLv3, !TLSv1, !TLSv1.1';
  const fix = ev.range && (ev.source === '-o' || ev.source === 'main.cf') ? { title: `Allow only TLS 1.2 and later (${newText})`, range: ev.range, newText } : undefined;
  const why = required ? 'this service requires TLS' : s.role === 'mx' ? 'on port 25 the fallback is plaintext anyway' : 'these versions are deprecated (RFC 8996)';
  out.push(finding('postfix-weak-protocols', severity, `Service ${svc} allows ${weak.join(', ')} via ${origin(param, ev, s)} = '${ev.expanded}'; ${why}.`, blame(ev, s)!, paramDoc(param), fix));
  return out;
}

function cipherFindings(s: PostfixService, mandatory: boolean, required: boolean): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const svc = `${s.name}/${s.type}`;
  const param = mandatory ? 'smtpd_tls_mandatory_ciphers' : 'smtpd_tls_ciphers';
  const ev = s.effective(param);
  const grade = ev.expanded.trim().toLowerCase();
  if (WEAK_GRADES.has(grade)) {
    const severity: Severity = required ? 'error' : s.role === 'mx' ? 'info' : 'warning';
    const fix = ev.range && ev.source !== 'default' ? { title: "Use the 'medium' cipher grade", range: ev.range, newText: 'medium' } : undefined;
    out.push(finding('postfix-weak-ciphers', severity, `Service ${svc} uses cipher grade '${grade}' (${origin(param, ev, s)}); use medium or high.`, blame(ev, s)!, paramDoc(param), fix));
  }
  if (required) {
    const excl = `${s.effective('smtpd_tls_exclude_ciphers').expanded} ${mandatory ? s.effective('smtpd_tls_mandatory_exclude_ciphers').expanded : ''}`;
    if (!/\baNULL\b/.test(excl)) {
      out.push(finding('postfix-anonymous-ciphers', 'info', `Service ${svc} requires TLS but does not exclude anonymous (aNULL) suites; add -o smtpd_tls_exclude_ciphers=aNULL (or ${mandatory ? 'smtpd_tls_mandatory_exclude_ciphers' : 'smtpd_tls_exclude_ciphers'} = aNULL).`, s.range, paramDoc('smtpd_tls_exclude_ciphers')));
    }
  }
  return out;
}
