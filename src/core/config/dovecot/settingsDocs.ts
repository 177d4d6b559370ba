/**
 * What the editor's hover shows for Dovecot settings, and the 2.3 to 2.4 renames the checks
 * use. Defaults are Dovecot 2.3.19's (`doveconf -d`) unless the entry is 2.4-only.
 */

export interface DovecotSettingDoc {
  name: string;
  description: string;
  default: string;
  recommended?: string;
  docUrl: string;
  /** The 2.4 name, for 2.3 settings that 2.4 renamed or replaced. */
  renamedIn24?: string;
  /** The version that knows this name; both when absent. */
  only?: '2.3' | '2.4';
}

/** Each 2.3 name 2.4 dropped: its successor, and how to rewrite `name = value` when that is safe. */
export interface Rename24 {
  from: string;
  to: string;
  /** Only the name changes: the fix replaces the name and keeps the value text. */
  pure?: boolean;
  /** New `name = value` text replacing the whole line, or undefined when the change needs a human. */
  rewrite?: (value: string, valueKind: string) => string | undefined;
}

export function docUrl23(name: string): string {
  return `https://doc.dovecot.org/2.3/settings/core/#core_setting-${name}`;
}
export function docUrl24(name: string): string {
  return `https://doc.dovecot.org/2.4.0/core/summaries/settings.html#${name}`;
}
export const SYNTAX_DOC_23 = 'https://doc.dovecot.org/2.3/configuration_manual/config_file/config_file_syntax/';
export const SYNTAX_DOC_24 = 'https://doc.dovecot.org/2.4.0/core/config/syntax.html';
export const UPGRADE_DOC_24 = 'https://doc.dovecot.org/2.4.0/installation/upgrade/2.3-to-2.4.html';
export const SERVICE_DOC_23 = 'https://doc.dovecot.org/2.3/configuration_manual/service_configuration/';
export const SERVICE_DOC_24 = 'https://doc.dovecot.org/2.4.0/core/config/service.html';

const fileValue = (to: string) => (value: string) => `${to} = ${value}`;

export const RENAMES_24: Rename24[] = [
  { from: 'ssl_cert', to: 'ssl_server_cert_file', rewrite: (v, k) => (k === 'file' ? fileValue('ssl_server_cert_file')(v) : undefined) },
  { from: 'ssl_key', to: 'ssl_server_key_file', rewrite: (v, k) => (k === 'file' ? fileValue('ssl_server_key_file')(v) : undefined) },
  { from: 'ssl_dh', to: 'ssl_server_dh_file', rewrite: (v, k) => (k === 'file' ? fileValue('ssl_server_dh_file')(v) : undefined) },
  { from: 'ssl_alt_cert', to: 'ssl_server_alt_cert_file', rewrite: (v, k) => (k === 'file' ? fileValue('ssl_server_alt_cert_file')(v) : undefined) },
  { from: 'ssl_alt_key', to: 'ssl_server_alt_key_file', rewrite: (v, k) => (k === 'file' ? fileValue('ssl_server_alt_key_file')(v) : undefined) },
  { from: 'ssl_client_cert', to: 'ssl_client_cert_file', rewrite: (v, k) => (k === 'file' ? fileValue('ssl_client_cert_file')(v) : undefined) },
  { from: 'ssl_client_key', to: 'ssl_client_key_file', rewrite: (v, k) => (k === 'file' ? fileValue('ssl_client_key_file')(v) : undefined) },
  { from: 'ssl_ca', to: 'ssl_server_ca_file (verifying client certificates) or ssl_client_ca_file' },
  { from: 'ssl_ca_file', to: 'ssl_client_ca_file', pure: true },
  { from: 'ssl_ca_dir', to: 'ssl_client_ca_dir', pure: true },
  { from: 'ssl_key_password', to: 'ssl_server_key_password', pure: true },
  { from: 'ssl_verify_client_cert', to: 'ssl_server_request_client_cert', pure: true },
  { from: 'ssl_require_crl', to: 'ssl_server_require_crl', pure: true },
  {
    from: 'ssl_prefer_server_ciphers',
    to: 'ssl_server_prefer_ciphers',
    rewrite: (v) => (v === 'yes' ? 'ssl_server_prefer_ciphers = server' : v === 'no' ? 'ssl_server_prefer_ciphers = client' : undefined),
  },
  {
    from: 'disable_plaintext_auth',
    to: 'auth_allow_cleartext',
    rewrite: (v) => (v === 'yes' ? 'auth_allow_cleartext = no' : v === 'no' ? 'auth_allow_cleartext = yes' : undefined),
  },
  { from: 'verbose_ssl', to: 'log_debug = category=ssl', rewrite: (v) => (v === 'yes' ? 'log_debug = category=ssl' : undefined) },
  { from: 'auth_debug', to: 'log_debug = category=auth', rewrite: (v) => (v === 'yes' ? 'log_debug = category=auth' : undefined) },
  { from: 'mail_debug', to: 'log_debug = category=mail', rewrite: (v) => (v === 'yes' ? 'log_debug = category=mail' : undefined) },
  { from: 'mail_location', to: 'mail_driver, mail_path (and mail_inbox_path)' },
  { from: 'ssl_protocols', to: 'ssl_min_protocol' },
];

export const RENAME_24_BY_NAME = new Map(RENAMES_24.map((r) => [r.from, r]));

/** 2.4-only names, with the 2.3 name to use instead on a 2.3 server. */
export const ONLY_24 = new Map<string, string | undefined>([
  ...RENAMES_24.filter((r) => /^[a-z_]+$/.test(r.to) && !['ssl_client_ca_file', 'ssl_client_ca_dir', 'ssl_min_protocol'].includes(r.to)).map((r) => [r.to, r.from] as [string, string]),
  ['dovecot_config_version', undefined],
  ['dovecot_storage_version', undefined],
  ['mail_driver', 'mail_location'],
  ['mail_path', 'mail_location'],
  ['ssl_server_ca_file', 'ssl_ca'],
]);

type Entry = Omit<DovecotSettingDoc, 'docUrl' | 'renamedIn24'>;

const ENTRIES: Entry[] = [
  { name: 'ssl', description: 'TLS support: `no`, `yes` (STARTTLS offered, implicit-TLS listeners work) or `required` (no authentication without TLS).', default: 'yes', recommended: 'required' },
  { name: 'ssl_cert', description: 'Server certificate (PEM, leaf then intermediates). Write `</path` to read the file; without `<` the value is the PEM text itself.', default: '', only: '2.3' },
  { name: 'ssl_key', description: 'Private key of the server certificate; `</path` reads the file.', default: '', only: '2.3' },
  { name: 'ssl_key_password', description: 'Password of an encrypted private key.', default: '', only: '2.3' },
  { name: 'ssl_alt_cert', description: 'Alternative certificate (e.g. ECDSA next to RSA), `</path`.', default: '', only: '2.3' },
  { name: 'ssl_alt_key', description: 'Private key of the alternative certificate, `</path`.', default: '', only: '2.3' },
  { name: 'ssl_ca', description: 'CA certificates for verifying client certificates, `</path`.', default: '', only: '2.3' },
  { name: 'ssl_dh', description: 'Diffie-Hellman parameters, `</path`; only needed for DHE cipher suites.', default: '', only: '2.3' },
  { name: 'ssl_min_protocol', description: 'Oldest TLS version accepted.', default: 'TLSv1.2', recommended: 'TLSv1.2' },
  { name: 'ssl_protocols', description: 'Obsolete since 2.3; replaced by `ssl_min_protocol`.', default: '', only: '2.3' },
  { name: 'ssl_cipher_list', description: 'OpenSSL cipher list for TLS 1.2 and older.', default: 'ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH' },
  { name: 'ssl_cipher_suites', description: 'TLS 1.3 cipher suites (OpenSSL syntax).', default: '' },
  { name: 'ssl_curve_list', description: 'Key-exchange groups, colon-separated.', default: '', recommended: 'X25519:prime256v1:secp384r1' },
  { name: 'ssl_prefer_server_ciphers', description: 'Use the server\'s cipher order instead of the client\'s.', default: 'no', recommended: 'no', only: '2.3' },
  { name: 'ssl_verify_client_cert', description: 'Ask clients for a certificate.', default: 'no', only: '2.3' },
  { name: 'ssl_require_crl', description: 'Require CRLs when verifying client certificates.', default: 'yes', only: '2.3' },
  { name: 'ssl_client_ca_dir', description: 'CA directory for verifying servers Dovecot connects to.', default: '' },
  { name: 'ssl_client_ca_file', description: 'CA file for verifying servers Dovecot connects to.', default: '' },
  { name: 'ssl_client_cert', description: 'Client certificate for outgoing TLS, `</path`.', default: '', only: '2.3' },
  { name: 'ssl_client_key', description: 'Key of the client certificate, `</path`.', default: '', only: '2.3' },
  { name: 'verbose_ssl', description: 'Log TLS protocol errors.', default: 'no', only: '2.3' },
  { name: 'disable_plaintext_auth', description: 'Refuse plaintext authentication without TLS (except from loopback).', default: 'yes', recommended: 'yes', only: '2.3' },
  { name: 'auth_allow_cleartext', description: 'Allow plaintext authentication without TLS (except from loopback). Inverse of 2.3 `disable_plaintext_auth`.', default: 'no', recommended: 'no', only: '2.4' },
  { name: 'auth_mechanisms', description: 'SASL mechanisms offered.', default: 'plain' },
  { name: 'protocols', description: 'Protocols served (`imap pop3 lmtp sieve submission`); a service whose protocol is missing does not listen.', default: '' },
  { name: 'listen', description: 'Addresses every inet listener binds unless it sets `address`; `*` all IPv4, `::` all IPv6.', default: '*, ::' },
  { name: 'hostname', description: 'Name used in greetings and the certificate name check (default: the system hostname).', default: '' },
  { name: 'login_trusted_networks', description: 'Networks whose connections may forward the client\'s address (proxies).', default: '' },
  { name: 'port', description: 'Port of an `inet_listener`; `0` disables it.', default: 'per listener (imap 143, imaps 993, pop3 110, pop3s 995, sieve 4190, submission 587)' },
  { name: 'address', description: 'Addresses of one `inet_listener`, overriding `listen`.', default: '' },
  { name: 'haproxy', description: 'The listener expects a HAProxy PROXY header first.', default: 'no' },
  { name: 'mail_location', description: 'Mailbox format and path.', default: '', only: '2.3' },
  { name: 'dovecot_config_version', description: 'Configuration syntax version; must be the first setting of a 2.4 dovecot.conf.', default: '(required)', only: '2.4' },
  { name: 'dovecot_storage_version', description: 'Storage format version Dovecot may write; required in 2.4.', default: '(required)', only: '2.4' },
  { name: 'ssl_server_cert_file', description: 'Server certificate file (a path; a leading `<` is an error in 2.4).', default: '', only: '2.4' },
  { name: 'ssl_server_key_file', description: 'Private key file of the server certificate (a path).', default: '', only: '2.4' },
  { name: 'ssl_server_key_password', description: 'Password of an encrypted private key.', default: '', only: '2.4' },
  { name: 'ssl_server_alt_cert_file', description: 'Alternative certificate file (a path).', default: '', only: '2.4' },
  { name: 'ssl_server_alt_key_file', description: 'Key of the alternative certificate (a path).', default: '', only: '2.4' },
  { name: 'ssl_server_ca_file', description: 'CA file for verifying client certificates (a path).', default: '', only: '2.4' },
  { name: 'ssl_server_dh_file', description: 'Diffie-Hellman parameters file (a path).', default: '', only: '2.4' },
  { name: 'ssl_server_prefer_ciphers', description: 'Whose cipher order wins: `client` or `server`.', default: 'client', recommended: 'client', only: '2.4' },
  { name: 'ssl_server_request_client_cert', description: 'Ask clients for a certificate.', default: 'no', only: '2.4' },
  { name: 'ssl_server_require_crl', description: 'Require CRLs when verifying client certificates.', default: 'yes', only: '2.4' },
  { name: 'ssl_client_cert_file', description: 'Client certificate file for outgoing TLS.', default: '', only: '2.4' },
  { name: 'ssl_client_key_file', description: 'Key of the client certificate.', default: '', only: '2.4' },
];

export const SETTING_DOCS: ReadonlyMap<string, DovecotSettingDoc> = new Map(
  ENTRIES.map((e) => {
    const doc: DovecotSettingDoc = { ...e, docUrl: e.only === '2.4' ? docUrl24(e.name) : docUrl23(e.name) };
    const renamed = RENAME_24_BY_NAME.get(e.name);
    if (renamed) doc.renamedIn24 = renamed.to;
    return [e.name, doc];
  }),
);

/** Hover data for `name` (a listener's `port`, `ssl`, ... included). */
export function settingDoc(name: string, version: '2.3' | '2.4' = '2.3'): DovecotSettingDoc | undefined {
  const doc = SETTING_DOCS.get(name);
  if (!doc || doc.only) return doc;
  return { ...doc, docUrl: version === '2.4' ? docUrl24(name) : docUrl23(name) };
}

export function settingDocUrl(name: string, version: '2.3' | '2.4'): string {
  return version === '2.4' ? docUrl24(name) : docUrl23(name);
}
