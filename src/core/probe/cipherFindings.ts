// Findings from the cipher scan, weighed by the port as the other probe findings are
// (./findings.ts): where TLS is mandatory (submission, 465, 993, 995) weak crypto is an error;
// on port 25, where a sender falls back to plaintext anyway, most of it is information.
import type { Finding, Severity } from '../findings';
import { contextOf, finding } from './findings';
import type { CipherScan, Protocol, SuiteResult, VersionSuites } from './types';

function pick(protocol: Protocol, mandatory: Severity, access: Severity, opportunistic: Severity): Severity {
  const c = contextOf(protocol);
  return c === 'mandatory' ? mandatory : c === 'access' ? access : opportunistic;
}

/** Each weak suite once, with the versions that accepted it: `RC4-SHA (TLSv1, TLSv1.2)`. */
function listSuites(versions: VersionSuites[], test: (s: SuiteResult) => boolean, limit = 8): { names: string[]; text: string } {
  const seen = new Map<string, string[]>();
  for (const v of versions) for (const s of v.suites) if (test(s)) seen.set(s.openssl, [...(seen.get(s.openssl) ?? []), v.version]);
  const names = [...seen.keys()];
  const shown = names.slice(0, limit).map((n) => `${n} (${seen.get(n)!.join(', ')})`);
  return { names, text: shown.join(', ') + (names.length > limit ? ` and ${names.length - limit} more` : '') };
}

const POSTFIX_EXCLUDE = (what: string) => `Postfix: smtpd_tls_exclude_ciphers = ${what} (and smtpd_tls_mandatory_exclude_ciphers); Dovecot: ssl_cipher_list = ... :!${what}`;

/** A class of weak suites: how to recognise it, how bad it is on this port, what excludes it. */
export interface WeakSuiteClass {
  /** The probe finding's id (`cipher-anonymous`, ...). */
  id: string;
  /** Short words for it in messages: `anonymous (aNULL)`. */
  label: string;
  test(s: SuiteResult): boolean;
  severity(protocol: Protocol): Severity;
  /** The OpenSSL cipher-string tokens that remove the class's suites (`aNULL`; `kRSA` per key exchange). */
  exclude(suites: readonly SuiteResult[]): string[];
}

const EXCLUDE_BY_KX: Record<string, string> = { RSA: 'kRSA', DH: 'kDH', ECDH: 'kECDH' };

export const WEAK_SUITE_CLASSES: readonly WeakSuiteClass[] = [
  { id: 'cipher-null', label: 'NULL encryption (eNULL)', test: (s) => s.cipher === 'NULL', severity: (p) => pick(p, 'error', 'error', 'warning'), exclude: () => ['eNULL'] },
  { id: 'cipher-anonymous', label: 'anonymous (aNULL)', test: (s) => s.auth === 'anon' && s.cipher !== 'NULL', severity: (p) => pick(p, 'error', 'error', 'info'), exclude: () => ['aNULL'] },
  { id: 'cipher-export', label: 'EXPORT', test: (s) => /EXPORT|EXP-/.test(`${s.iana} ${s.openssl}`), severity: (p) => pick(p, 'error', 'error', 'warning'), exclude: () => ['EXPORT'] },
  { id: 'cipher-rc4', label: 'RC4', test: (s) => s.cipher === 'RC4', severity: (p) => pick(p, 'error', 'error', 'warning'), exclude: () => ['RC4'] },
  {
    id: 'cipher-3des', label: '64-bit block (3DES, IDEA)', test: (s) => s.cipher === '3DES' || s.cipher === 'IDEA', severity: (p) => pick(p, 'warning', 'warning', 'info'),
    exclude: (suites) => [...new Set(suites.map((s) => (s.cipher === 'IDEA' ? 'IDEA' : '3DES')))],
  },
  {
    id: 'cipher-no-forward-secrecy', label: 'no forward secrecy', test: (s) => !s.forwardSecrecy && s.auth !== 'anon' && s.cipher !== 'NULL', severity: (p) => pick(p, 'warning', 'warning', 'info'),
    exclude: (suites) => [...new Set(suites.map((s) => EXCLUDE_BY_KX[s.kx] ?? `k${s.kx}`))],
  },
];

const byId = (id: string) => WEAK_SUITE_CLASSES.find((c) => c.id === id)!;

/** DH primes under 2048 bits: under 1024 as bad as the classes above, else one step milder. */
export function dhSeverity(protocol: Protocol, smallestBits: number): Severity {
  return smallestBits < 1024 ? pick(protocol, 'error', 'error', 'warning') : pick(protocol, 'warning', 'warning', 'info');
}

/** Weak suites a client may pick because the server follows the client's order. */
export function orderSeverity(protocol: Protocol): Severity {
  return pick(protocol, 'warning', 'warning', 'info');
}

/** The weak suites of a version whose server follows the client's order and also has good ones. */
export function weakWithoutOrder(v: VersionSuites): SuiteResult[] {
  if (v.serverOrder !== false || !v.suites.some((s) => s.grade === 'recommended' || s.grade === 'acceptable')) return [];
  return v.suites.filter((s) => s.grade === 'weak' || s.grade === 'insecure');
}

export function cipherFindings(protocol: Protocol, scan: CipherScan): Finding[] {
  const out: Finding[] = [];
  const versions = scan.versions.filter((v) => v.accepted);
  const add = (id: string, title: string, why: string, fix: string) => {
    const cls = byId(id);
    const { names, text } = listSuites(versions, cls.test);
    if (names.length) out.push(finding(id, cls.severity(protocol), title, `The server accepted ${names.length} such suite(s): ${text}. ${why} ${fix}`));
  };
  const opportunistic = contextOf(protocol) === 'opportunistic';

  for (const legacy of ['SSLv2', 'SSLv3'] as const) {
    const v = scan.versions.find((x) => x.version === legacy);
    if (v?.accepted) {
      out.push(finding(`${legacy.toLowerCase()}-accepted`, pick(protocol, 'error', 'error', 'warning'), `${legacy} accepted`,
        `The server answered an ${legacy} hello with ${legacy}${v.suites[0] ? ` (${v.suites[0].openssl})` : ''}. ${legacy === 'SSLv3' ? 'POODLE (CVE-2014-3566) breaks it; RFC 7568 forbids it.' : 'DROWN (CVE-2016-0800) breaks it; RFC 6176 forbids it.'} ` +
        'Postfix: smtpd_tls_protocols = >=TLSv1 (better >=TLSv1.2); Dovecot: ssl_min_protocol = TLSv1.2.'));
    }
  }
  add('cipher-null', 'NULL encryption accepted',
    'These suites authenticate but do not encrypt: the mail crosses the network in the clear.', `Remove them: ${POSTFIX_EXCLUDE('eNULL')}.`);
  add('cipher-anonymous', 'Anonymous key exchange accepted',
    opportunistic
      ? 'Without a certificate an active attacker can sit in the middle; but on port 25 TLS is opportunistic and unauthenticated anyway (senders rarely verify), and against a passive eavesdropper these suites still encrypt. Postfix accepts them on port 25 by default; most senders never offer them.'
      : 'Without a certificate an active attacker can sit in the middle and read the passwords and mail this port carries.',
    opportunistic ? `Nothing to do on a public MX; to drop them anyway: ${POSTFIX_EXCLUDE('aNULL')}.` : `Remove them: ${POSTFIX_EXCLUDE('aNULL')}.`);
  add('cipher-export', 'EXPORT suites accepted',
    'EXPORT suites use 40- to 56-bit keys broken in minutes (FREAK, Logjam).', `Remove them: ${POSTFIX_EXCLUDE('EXPORT')}; update the TLS library.`);
  add('cipher-rc4', 'RC4 accepted',
    'RC4 has exploitable biases; RFC 7465 forbids it.', `Remove it: ${POSTFIX_EXCLUDE('RC4')}.`);
  add('cipher-3des', '3DES accepted (SWEET32)',
    'Ciphers with 64-bit blocks leak plaintext on long connections (SWEET32, CVE-2016-2183).', `Remove them: ${POSTFIX_EXCLUDE('3DES')}.`);
  add('cipher-no-forward-secrecy', 'Suites without forward secrecy accepted',
    'With RSA key transport, whoever obtains the server key later can decrypt every recorded session.', 'Prefer ECDHE/DHE suites and remove kRSA where clients allow it (Postfix: smtpd_tls_exclude_ciphers = kRSA; Dovecot: ssl_cipher_list = ...:!kRSA).');

  const dh = new Map<number, string[]>();
  for (const v of versions) for (const s of v.suites) if (s.dhBits !== null && s.dhBits < 2048) dh.set(s.dhBits, [...(dh.get(s.dhBits) ?? []), s.openssl]);
  if (dh.size) {
    const smallest = Math.min(...dh.keys());
    const seen = [...dh].map(([bits, names]) => `${bits} bits (${[...new Set(names)].slice(0, 4).join(', ')})`).join('; ');
    out.push(finding('dh-weak', dhSeverity(protocol, smallest), `DH parameters under 2048 bits`,
      `DHE suites used DH primes of ${seen}. Primes under 2048 bits are within reach of well-funded attackers (Logjam). ` +
        'Postfix: remove smtpd_tls_dh1024_param_file (its built-in 2048-bit group is used) or point it at 2048+-bit parameters; Dovecot: ssl_dh = </path/to/dh4096.pem.'));
  }

  for (const v of versions) {
    const weak = weakWithoutOrder(v);
    if (weak.length) {
      out.push(finding('cipher-order-not-enforced', orderSeverity(protocol), `${v.version}: the client picks among weak suites`,
        `The server follows the client's order and also accepts ${weak.length} weak suite(s) (${weak.slice(0, 4).map((s) => s.openssl).join(', ')}${weak.length > 4 ? ', ...' : ''}): a client that prefers them gets them. ` +
          'Remove the weak suites, or enforce the server\'s order (Postfix: tls_preempt_cipherlist = yes; Dovecot: ssl_prefer_server_ciphers = yes).'));
    }
  }
  if (scan.fallbackScsv === false) {
    out.push(finding('tls-fallback-scsv-missing', pick(protocol, 'warning', 'info', 'info'), 'TLS_FALLBACK_SCSV not honoured',
      'A hello below the server\'s best version carrying TLS_FALLBACK_SCSV (RFC 7507) was answered instead of refused: an attacker can push a client that retries to an older version. Update the TLS library (OpenSSL 1.0.1j and later honour it).'));
  }
  if (scan.secureRenegotiation === false) {
    out.push(finding('secure-renegotiation-missing', pick(protocol, 'warning', 'warning', 'info'), 'No secure renegotiation (RFC 5746)',
      'The server\'s TLS 1.2 and older ServerHellos carry no renegotiation_info extension: it is open to renegotiation injection (CVE-2009-3555). Update the TLS library.'));
  }
  if (scan.notes.length) {
    out.push(finding('cipher-scan-incomplete', 'info', 'The cipher scan is incomplete', `Parts of the scan could not finish: ${scan.notes.join('; ')}.`));
  }
  return out;
}
