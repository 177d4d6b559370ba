/** Every finding id the config core can report, for suppressions to recognise (and a typo to stand out). */
import { POSTFIX_RULES } from './postfix/rules';

const DOVECOT_IDS = [
  'dovecot-24-cert-file-lt',
  'dovecot-24-old-variable',
  'dovecot-24-renamed-setting',
  'dovecot-24-section-syntax',
  'dovecot-24-setting-in-23',
  'dovecot-ambiguous-comment',
  'dovecot-cert-not-file',
  'dovecot-config-version-not-first',
  'dovecot-continuation-dropped',
  'dovecot-include-cycle',
  'dovecot-include-missing',
  'dovecot-include-not-here',
  'dovecot-internal-error',
  'dovecot-invalid-value',
  'dovecot-missing-config-version',
  'dovecot-missing-storage-version',
  'dovecot-mixed-generations',
  'dovecot-obsolete-ssl-protocols',
  'dovecot-plaintext-auth',
  'dovecot-plaintext-listener',
  'dovecot-prefer-server-ciphers',
  'dovecot-ssl-cert-missing',
  'dovecot-ssl-disabled',
  'dovecot-ssl-listener-disabled',
  'dovecot-syntax-error',
  'dovecot-trusted-networks-all',
  'dovecot-unknown-setting',
  'dovecot-weak-ciphers',
  'dovecot-weak-min-protocol',
];

/** Ids the shared certificate-file checks make, after the server's prefix. */
const CERT_SUFFIXES = ['cert-file-unreadable', 'cert-file-not-here', 'cert-file-invalid', 'cert-key-missing', 'cert-key-invalid', 'cert-key-encrypted', 'cert-key-mismatch', 'cert-expired', 'cert-expiring', 'cert-not-yet-valid', 'cert-hostname-mismatch', 'cert-chain-incomplete', 'cert-untrusted'];

const KNOWN = new Set<string>([
  ...Object.keys(POSTFIX_RULES),
  ...DOVECOT_IDS,
  ...CERT_SUFFIXES.flatMap((s) => [`postfix-${s}`, `dovecot-${s}`]),
  'postfix-template',
  'dovecot-template',
]);

export function isKnownRuleId(id: string): boolean {
  return KNOWN.has(id);
}
