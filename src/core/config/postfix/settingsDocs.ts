/**
 * What the editor's hover shows for Postfix parameters: a short description of the TLS, SASL
 * and listener parameters, the built-in default (any parameter `postconf -d` knows), what
 * current guidance recommends, and the postconf(5) link.
 */
import { defaultValue } from './effective';
import { paramDoc } from './rules';

export interface PostfixSettingDoc {
  name: string;
  description: string;
  default: string;
  recommended?: string;
  docUrl: string;
  /** The parameter that replaces this deprecated one. */
  replacedBy?: string;
}

type Entry = [description: string, recommended?: string, replacedBy?: string];

const DOCS: Record<string, Entry> = {
  smtpd_tls_security_level: ['TLS for the SMTP server: `none`, `may` (offer STARTTLS) or `encrypt` (require TLS before mail or AUTH). A public MX (port 25) must use `may` (RFC 3207); submission uses `-o smtpd_tls_security_level=encrypt`.', 'may (port 25), encrypt (submission)'],
  smtpd_tls_wrappermode: ['Implicit TLS: the TLS handshake starts at connect, as on port 465 (submissions/smtps). Set per service with `-o`.', 'yes on the 465 service only'],
  smtpd_tls_auth_only: ['Offer SASL AUTH only after STARTTLS, so passwords never cross the network in plaintext.', 'yes'],
  smtpd_tls_chain_files: ['Private key followed by its certificate chain (leaf first), in one or more PEM files; loaded atomically. Postfix 3.4+.', '/etc/ssl/private/mail.key, /etc/ssl/certs/mail-fullchain.pem'],
  smtpd_tls_cert_file: ['PEM certificate of the SMTP server (leaf first, intermediates after). Prefer smtpd_tls_chain_files on Postfix 3.4+.'],
  smtpd_tls_key_file: ['PEM private key for smtpd_tls_cert_file; defaults to the certificate file itself.'],
  smtpd_tls_eccert_file: ['ECDSA certificate of the SMTP server (with smtpd_tls_eckey_file). Prefer smtpd_tls_chain_files on 3.4+.'],
  smtpd_tls_eckey_file: ['Private key for smtpd_tls_eccert_file.'],
  smtpd_tls_protocols: ['TLS versions the SMTP server accepts with opportunistic TLS (`may`). `>=TLSv1.2` needs Postfix 3.6+; older versions use `!SSLv2, !SSLv3, !TLSv1, !TLSv1.1`.', '>=TLSv1.2'],
  smtpd_tls_mandatory_protocols: ['TLS versions the SMTP server accepts where TLS is mandatory (`encrypt`).', '>=TLSv1.2'],
  smtpd_tls_ciphers: ['Minimum cipher grade with opportunistic TLS: `export`, `low`, `medium`, `high` or `null`.', 'medium'],
  smtpd_tls_mandatory_ciphers: ['Minimum cipher grade where TLS is mandatory.', 'medium or high'],
  smtpd_tls_exclude_ciphers: ['Cipher suites to exclude from every grade; `aNULL` drops anonymous suites.', 'aNULL on services that require TLS'],
  smtpd_tls_mandatory_exclude_ciphers: ['Cipher suites to exclude where TLS is mandatory.'],
  smtpd_tls_loglevel: ['How much the SMTP server logs about TLS: 0 none, 1 a summary per session.', '1'],
  smtpd_tls_received_header: ['Record the TLS protocol and cipher in the Received: header.', 'yes'],
  smtpd_tls_dh1024_param_file: ['DH parameters for DHE suites. Deprecated: Postfix 3.9 warns; its built-in groups are used instead.', undefined, '(remove it)'],
  smtpd_tls_eecdh_grade: ['ECDHE curve grade. Deprecated: Postfix 3.9 warns; use tls_eecdh_auto_curves.', undefined, 'tls_eecdh_auto_curves'],
  smtpd_tls_ask_ccert: ['Ask clients for a certificate (for certificate-based relay permission).'],
  smtpd_tls_req_ccert: ['Require a client certificate; only for `encrypt` services.'],
  smtpd_tls_CAfile: ['CA certificates used to verify client certificates.'],
  smtpd_tls_session_cache_database: ['Server-side TLS session cache (tickets make it mostly unnecessary).'],
  smtpd_use_tls: ['Deprecated yes/no switch for STARTTLS; smtpd_tls_security_level = may replaces it.', undefined, 'smtpd_tls_security_level'],
  smtpd_enforce_tls: ['Deprecated yes/no switch for mandatory TLS; smtpd_tls_security_level = encrypt replaces it.', undefined, 'smtpd_tls_security_level'],
  smtpd_sasl_auth_enable: ['Enable SASL authentication in the SMTP server; only on submission services (587, 465), never on port 25.', 'no (main.cf), yes via -o on submission'],
  smtpd_sasl_security_options: ['SASL mechanisms allowed before TLS; `noanonymous` forbids anonymous logins.', 'noanonymous, noplaintext'],
  smtpd_sasl_tls_security_options: ['SASL mechanisms allowed over TLS.', 'noanonymous'],
  smtpd_sasl_type: ['SASL implementation: `cyrus` or `dovecot`.'],
  smtpd_sasl_path: ['Where the SASL implementation listens (for Dovecot, its auth socket).'],
  smtp_tls_security_level: ['TLS for outgoing mail: `none`, `may` (try STARTTLS), `encrypt`, `dane` (with DNSSEC), `verify`, `secure`.', 'may, or dane with smtp_dns_support_level = dnssec'],
  smtp_tls_protocols: ['TLS versions the SMTP client uses with opportunistic TLS.', '>=TLSv1.2 where every peer supports it'],
  smtp_tls_mandatory_protocols: ['TLS versions the SMTP client uses where TLS is mandatory.', '>=TLSv1.2'],
  smtp_tls_servername: ['SNI name the SMTP client sends (`hostname` sends the MX name). Postfix 3.4+.', 'hostname'],
  smtp_dns_support_level: ['DNS features of the SMTP client; `dnssec` is required for DANE.', 'dnssec (with dane)'],
  smtp_tls_CApath: ['Directory of CA certificates the SMTP client trusts.'],
  smtp_tls_CAfile: ['File of CA certificates the SMTP client trusts.'],
  smtp_tls_loglevel: ['How much the SMTP client logs about TLS.', '1'],
  smtp_tls_policy_maps: ['Per-destination TLS policy for outgoing mail.'],
  smtp_tls_per_site: ['Deprecated per-destination TLS switches; smtp_tls_policy_maps replaces them.', undefined, 'smtp_tls_policy_maps'],
  smtp_use_tls: ['Deprecated; smtp_tls_security_level = may replaces it.', undefined, 'smtp_tls_security_level'],
  smtp_enforce_tls: ['Deprecated; smtp_tls_security_level = encrypt replaces it.', undefined, 'smtp_tls_security_level'],
  tls_preempt_cipherlist: ["Use the server's cipher order instead of the client's. Current Mozilla guidance: `no`, since every offered suite is strong.", 'no'],
  tls_eecdh_auto_curves: ['Key-exchange groups offered, in order of preference.', 'X25519MLKEM768 X25519 prime256v1 secp384r1 (with OpenSSL 3.5+)'],
  tls_high_cipherlist: ['The OpenSSL cipher list behind the `high` grade.'],
  tls_medium_cipherlist: ['The OpenSSL cipher list behind the `medium` grade.'],
  tls_ssl_options: ['OpenSSL options, e.g. `NO_RENEGOTIATION`, `NO_COMPRESSION`.'],
  inet_interfaces: ['Addresses the network listeners bind to: `all`, `loopback-only`, or a list of addresses.'],
  inet_protocols: ['IP versions used: `all`, `ipv4`, `ipv6`.'],
  myhostname: ['The host name of this mail system; the certificate should cover it.'],
  compatibility_level: ['Which defaults apply: older configs keep old, weaker defaults until this is raised.', '3.6 or later'],
  postscreen_tls_security_level: ['TLS offered by postscreen (through tlsproxy) on port 25; defaults to smtpd_tls_security_level.'],
  master_service_disable: ['master.cf services to switch off, by `name.type` or by type.'],
};

/** Documentation for a Postfix parameter, or undefined for a name Postfix does not know. */
export function postfixSettingDoc(name: string, version?: string): PostfixSettingDoc | undefined {
  const fallback = defaultValue(name, version);
  const entry = Object.hasOwn(DOCS, name) ? DOCS[name] : undefined;
  if (fallback === undefined && !entry) return undefined;
  const doc: PostfixSettingDoc = {
    name,
    description: entry?.[0] ?? 'Postfix parameter; see postconf(5).',
    default: fallback ?? '',
    docUrl: paramDoc(name),
  };
  if (entry?.[1] !== undefined) doc.recommended = entry[1];
  if (entry?.[2] !== undefined) doc.replacedBy = entry[2];
  return doc;
}
