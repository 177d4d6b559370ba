// Postfix defaults that changed between versions, and the version assumed when none is given.
// Kept by hand beside the generated defaults.ts.

/** Defaults that differ in older versions: [introduced in, value before that version]. */
export const VERSIONED_DEFAULTS: Readonly<Record<string, readonly [string, string]>> = {
  smtpd_tls_protocols: ['3.6', '!SSLv2, !SSLv3'],
  smtpd_tls_mandatory_protocols: ['3.6', '!SSLv2, !SSLv3'],
  smtp_tls_protocols: ['3.6', '!SSLv2, !SSLv3'],
  smtp_tls_mandatory_protocols: ['3.6', '!SSLv2, !SSLv3'],
  lmtp_tls_protocols: ['3.6', '$smtp_tls_protocols'],
  lmtp_tls_mandatory_protocols: ['3.6', '$smtp_tls_mandatory_protocols'],
};

/** The Postfix version whose defaults apply when the caller does not say (Debian 12). */
export const DEFAULT_POSTFIX_VERSION = '3.7';
