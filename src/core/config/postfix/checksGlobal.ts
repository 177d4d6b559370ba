/** Checks on main.cf settings that are not tied to one smtpd service (outbound TLS, tuning). */
import type { ConfigFinding, SourceRange } from '../types';
import type { ParamScope } from './effective';
import { weakEnabled } from './protocols';
import { finding, origin, paramDoc } from './rules';

export function checkGlobal(scope: ParamScope, fallback: SourceRange | undefined): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const main = scope.main;
  if (!main) return out;

  const preempt = scope.effective('tls_preempt_cipherlist');
  if (preempt.range && preempt.expanded.trim().toLowerCase() === 'yes') {
    out.push(finding('postfix-preempt-cipherlist', 'info', "tls_preempt_cipherlist = yes makes the server choose the cipher; Mozilla's guidance is 'no' (let the client choose), as every offered suite is strong.", preempt.range, paramDoc('tls_preempt_cipherlist'), { title: 'Let the client choose (no)', range: preempt.range, newText: 'no' }));
  }

  const outbound = scope.effective('smtp_tls_security_level');
  const outLevel = outbound.expanded.trim().toLowerCase();
  const oldOutbound = scope.word('smtp_use_tls') === 'yes' || scope.word('smtp_enforce_tls') === 'yes';
  if ((outLevel === '' || outLevel === 'none') && !oldOutbound) {
    const range = outbound.range ?? fallback;
    const fix = outbound.range ? { title: 'Try TLS on outgoing mail (may)', range: outbound.range, newText: 'may' } : undefined;
    if (range) out.push(finding('postfix-outbound-no-tls', 'info', `Outgoing SMTP never tries TLS: ${origin('smtp_tls_security_level', outbound, undefined)} is '${outLevel || 'empty'}'; use 'may', or 'dane' with DNSSEC.`, range, paramDoc('smtp_tls_security_level'), fix));
  }
  const sni = scope.effective('smtp_tls_servername');
  if (outbound.range && outLevel !== '' && outLevel !== 'none' && !sni.expanded.trim()) {
    out.push(finding('postfix-outbound-no-sni', 'info', `Outgoing TLS sends no SNI; since Postfix 3.4, smtp_tls_servername = hostname sends the MX name (some receivers select their certificate by it).`, outbound.range, paramDoc('smtp_tls_servername')));
  }
  if (outLevel === 'dane' || outLevel === 'dane-only') {
    const dns = scope.effective('smtp_dns_support_level');
    if (dns.expanded.trim().toLowerCase() !== 'dnssec') {
      out.push(finding('postfix-dane-without-dnssec', 'warning', `smtp_tls_security_level = ${outLevel} needs smtp_dns_support_level = dnssec; without it DANE silently falls back to 'may'.`, dns.range ?? outbound.range ?? fallback ?? main.entries[0]!.range, paramDoc('smtp_dns_support_level')));
    }
  }
  for (const param of ['smtp_tls_protocols', 'smtp_tls_mandatory_protocols']) {
    const ev = scope.effective(param);
    const weak = weakEnabled(ev.expanded);
    if (ev.range && weak.length > 0) {
      out.push(finding('postfix-weak-protocols', param.includes('mandatory') ? 'warning' : 'info', `Outgoing SMTP allows ${weak.join(', ')} via ${origin(param, ev, undefined)} = '${ev.expanded}'.`, ev.range, paramDoc(param)));
    }
  }

  // Logging, once inbound TLS is set up in main.cf: without it nobody can tell which clients
  // still use TLS 1.0 before turning it off.
  const inbound = scope.effective('smtpd_tls_security_level');
  if (inbound.range && ['may', 'encrypt'].includes(scope.word('smtpd_tls_security_level'))) {
    const loglevel = scope.effective('smtpd_tls_loglevel');
    const level = scope.word('smtpd_tls_loglevel');
    if (level === '0' || level === '') {
      const range = loglevel.range ?? inbound.range;
      const fix = loglevel.range ? { title: 'Log a summary of each TLS session (1)', range: loglevel.range, newText: '1' } : undefined;
      out.push(finding('postfix-tls-no-logging', 'info', `${origin('smtpd_tls_loglevel', loglevel, undefined)} is 0: TLS sessions are not logged. With 1, each session's protocol, cipher and client certificate are logged, so you can see who would break before you drop an old protocol.`, range, paramDoc('smtpd_tls_loglevel'), fix));
    }
    const header = scope.effective('smtpd_tls_received_header');
    if (scope.word('smtpd_tls_received_header') !== 'yes') {
      const range = header.range ?? inbound.range;
      const fix = header.range ? { title: 'Record TLS in Received: headers (yes)', range: header.range, newText: 'yes' } : undefined;
      out.push(finding('postfix-tls-no-received-header', 'info', `${origin('smtpd_tls_received_header', header, undefined)} is not yes: the Received: header of a message does not say which protocol and cipher it arrived over.`, range, paramDoc('smtpd_tls_received_header'), fix));
    }
  }

  const cert = scope.effective('smtpd_tls_cert_file');
  if (cert.range && cert.expanded.trim() && !scope.effective('smtpd_tls_chain_files').expanded.trim()) {
    out.push(finding('postfix-cert-key-split', 'info', 'smtpd_tls_cert_file and smtpd_tls_key_file are set separately; since Postfix 3.4 smtpd_tls_chain_files (key, then certificate chain) loads them atomically and avoids a key/certificate mismatch during renewal.', cert.range, paramDoc('smtpd_tls_chain_files')));
  }
  return out;
}
