/** Postfix rule ids, what each means, and how findings are built (message, range, docs, fix). */
import type { ConfigFinding, SourceRange } from '../types';
import type { Severity } from '../../findings';
import type { EffectiveValue } from './effective';
import type { PostfixService } from './services';

export const POSTCONF_DOC = 'https://www.postfix.org/postconf.5.html';
export const MASTER_DOC = 'https://www.postfix.org/master.5.html';
export const TLS_README = 'https://www.postfix.org/TLS_README.html';

export function paramDoc(param: string): string {
  return `${POSTCONF_DOC}#${param}`;
}

/** Every rule id this core emits, for documentation and the editor's code links. */
export const POSTFIX_RULES: Readonly<Record<string, string>> = {
  'postfix-syntax': 'A line Postfix cannot read (missing `=`, too few master.cf columns, stray continuation).',
  'postfix-duplicate-parameter': 'A parameter is set twice in main.cf; the last one wins.',
  'postfix-undefined-parameter': 'A `$name` reference to a parameter defined nowhere (expands to nothing).',
  'postfix-expansion-loop': 'A `$name` reference loop; Postfix stops with a fatal error.',
  'postfix-invalid-value': 'A value Postfix rejects for a TLS/SASL parameter (a daemon would stop).',
  'postfix-deprecated-parameter': 'A parameter Postfix has replaced (`smtpd_use_tls`, `*_tls_per_site`, ...).',
  'postfix-unknown-service': 'An inet service whose name does not resolve to a port.',
  'postfix-tls-disabled': 'An smtpd listener that offers no TLS at all.',
  'postfix-no-certificate': 'TLS is enabled but no certificate is configured.',
  'postfix-weak-protocols': 'SSLv2/SSLv3/TLSv1/TLSv1.1 allowed (error where TLS is mandatory, info on port 25).',
  'postfix-protocols-syntax': 'The `>=TLSv1.2` syntax needs Postfix 3.6 or later.',
  'postfix-weak-ciphers': 'Cipher grade `export`, `low` or `null`.',
  'postfix-anonymous-ciphers': 'A TLS-only service that does not exclude anonymous (aNULL) suites.',
  'postfix-cert-key-split': '`smtpd_tls_cert_file`/`key_file` where `smtpd_tls_chain_files` (3.4+) is preferred.',
  'postfix-tls-auth-only': 'SASL AUTH offered before STARTTLS (`smtpd_tls_auth_only = no`).',
  'postfix-sasl-on-port-25': 'SASL authentication enabled on the public MX port.',
  'postfix-sasl-anonymous': '`smtpd_sasl_security_options` allows anonymous logins.',
  'postfix-mx-requires-tls': 'Port 25 requires TLS (`encrypt`, or implicit TLS); a public MX must accept plaintext (RFC 3207).',
  'postfix-submission-not-encrypted': 'A submission service that does not require TLS.',
  'postfix-smtps-without-wrappermode': 'A port 465 service without `smtpd_tls_wrappermode = yes` (clients expect implicit TLS).',
  'postfix-outbound-no-sni': 'Outgoing TLS without `smtp_tls_servername = hostname` (no SNI sent).',
  'postfix-preempt-cipherlist': '`tls_preempt_cipherlist = yes`, against current Mozilla guidance.',
  'postfix-outbound-no-tls': 'Outgoing SMTP never tries TLS (`smtp_tls_security_level` empty or `none`).',
  'postfix-tls-no-logging': 'Inbound TLS is on but `smtpd_tls_loglevel = 0`: TLS sessions are not logged.',
  'postfix-tls-no-received-header': 'Inbound TLS is on but `smtpd_tls_received_header` is not `yes`.',
  'postfix-dane-without-dnssec': '`smtp_tls_security_level = dane` without `smtp_dns_support_level = dnssec`.',
  'postfix-dane-native-lookup': 'DANE with `smtp_host_lookup` lacking `dns`: hosts found by native lookups get no TLSA check.',
  'postfix-dane-no-dnssec-probe': 'DANE with an empty `dnssec_probe`: no warning when the resolver stops validating.',
  'postfix-cert-file-unreadable': 'A configured certificate or key file is missing or unreadable.',
  'postfix-cert-file-invalid': 'A certificate file holds no parseable certificate.',
  'postfix-cert-key-missing': 'No private key where Postfix expects one.',
  'postfix-cert-key-invalid': 'The private key cannot be parsed.',
  'postfix-cert-key-encrypted': 'The private key is encrypted; the match cannot be checked.',
  'postfix-cert-key-mismatch': 'The private key does not belong to the certificate.',
  'postfix-cert-expired': 'The configured certificate has expired.',
  'postfix-cert-expiring': 'The configured certificate expires soon.',
  'postfix-cert-not-yet-valid': 'The configured certificate is not valid yet.',
  'postfix-cert-hostname-mismatch': 'The certificate does not cover `myhostname`.',
  'postfix-cert-chain-incomplete': "The leaf's issuer is missing from the file.",
  'postfix-latent-weak-protocols': 'main.cf allows old TLS versions for services that require TLS, and none does yet (information).',
  'postfix-latent-weak-ciphers': 'main.cf sets a weak mandatory cipher grade, and no service requires TLS yet (information).',
  'postfix-stock-master-cf': "No master.cf beside main.cf: Postfix's stock master.cf is assumed.",
  'postfix-template': 'The file is a template; placeholder lines and values are not checked.',
  'postfix-cert-file-not-here': 'A certificate or key file of a copied config is not on this machine (information).',
  'postfix-internal-error': 'A check failed on unexpected input (reported instead of crashing).',
};

export function finding(id: string, severity: Severity, message: string, range: SourceRange, docUrl: string, fix?: ConfigFinding['fix']): ConfigFinding {
  return fix ? { id, severity, message, range, docUrl, fix } : { id, severity, message, range, docUrl };
}

/** Where to blame an effective value: its own text, or the service line for a default. */
export function blame(ev: EffectiveValue, service: PostfixService | undefined): SourceRange | undefined {
  return ev.range ?? service?.range;
}

/** "in main.cf, used by service submission/inet" and the like, so the message says why here. */
export function origin(param: string, ev: EffectiveValue, service: PostfixService | undefined): string {
  const svc = service ? `service ${service.name}/${service.type}` : '';
  if (ev.source === '-o') return `${param} (-o on ${svc})`;
  if (ev.source === 'main.cf') return service ? `${param} (main.cf, in effect for ${svc})` : `${param} (main.cf)`;
  return service ? `${param} (Postfix's default, in effect for ${svc})` : `${param} (Postfix's default)`;
}
