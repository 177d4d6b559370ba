// Cipher suites as the scan reports them: names, key exchange, authentication, bulk cipher,
// MAC, forward secrecy and a grade, derived from the rows of ./suite-table.ts.
import { SUITE_ROWS } from './suite-table';

/**
 * How good a suite is, after RFC 9325 (BCP 195, 2022) §4.2, Mozilla's server-side TLS
 * guidance (5.7, "intermediate" and "old") and BSI TR-02102-2 (2025) §3.3.1:
 * - `recommended`: forward secret AEAD (and every TLS 1.3 suite but CCM_8), as RFC 9325 §4.2
 *   and Mozilla "intermediate" list them;
 * - `acceptable`: forward secret CBC or CCM_8: still allowed by BSI TR-02102-2, only in
 *   Mozilla "old";
 * - `weak`: no forward secrecy (RSA key transport, static DH), or 64-bit blocks (3DES, IDEA:
 *   SWEET32), SEED: RFC 9325 says SHOULD NOT;
 * - `insecure`: NULL encryption, anonymous (no authentication), EXPORT, RC4, DES, RC2, MD5:
 *   RFC 9325 §4.1 says MUST NOT.
 */
export type SuiteGrade = 'recommended' | 'acceptable' | 'weak' | 'insecure';

export interface CipherSuite {
  /** IANA code point, e.g. 0xC02F. */
  code: number;
  /** `0xC02F`, as sslscan and testssl print it. */
  hex: string;
  iana: string;
  /** OpenSSL's name; the IANA name where OpenSSL has none. */
  openssl: string;
  /** Key exchange: ECDHE, DHE, RSA, ECDH, DH, PSK, SRP, or `any` (TLS 1.3). */
  kx: string;
  /** Authentication: RSA, ECDSA, DSS, PSK, anon (none), or `any` (TLS 1.3). */
  auth: string;
  cipher: string;
  bits: number;
  /** `AEAD`, or the HMAC hash (SHA1, SHA256, SHA384, MD5), or `NULL`. */
  mac: string;
  forwardSecrecy: boolean;
  export: boolean;
  tls13: boolean;
  grade: SuiteGrade;
}

/** What a scan reports of each accepted suite: the table's facts without the code point number and flags. */
export type ReportedSuite = Omit<CipherSuite, 'code' | 'export' | 'tls13'>;

/** Keys in this order: the order of the JSON output. */
export function reportedSuite(s: CipherSuite): ReportedSuite {
  const { hex, iana, openssl, kx, auth, cipher, bits, mac, forwardSecrecy, grade } = s;
  return { hex, iana, openssl, kx, auth, cipher, bits, mac, forwardSecrecy, grade };
}

function splitKx(kxAuth: string): { kx: string; auth: string; exported: boolean } {
  if (kxAuth === 'any') return { kx: 'any', auth: 'any', exported: false };
  const exported = /EXPORT/.test(kxAuth);
  const parts = kxAuth.replace(/_EXPORT(1024)?/, '').split('_');
  const [first, second] = parts;
  if (parts.includes('anon')) return { kx: first === 'ECDH' ? 'ECDHE' : 'DHE', auth: 'anon', exported };
  if (first === 'RSA' && second === 'PSK') return { kx: 'RSA-PSK', auth: 'RSA', exported };
  if (first === 'SRP') return { kx: 'SRP', auth: second === 'SHA' ? (parts[2] ?? 'SRP') : 'SRP', exported };
  if (first === 'PSK') return { kx: 'PSK', auth: 'PSK', exported };
  if (second === 'PSK') return { kx: `${first}-PSK`, auth: 'PSK', exported };
  return { kx: first ?? kxAuth, auth: second ?? first ?? kxAuth, exported };
}

function gradeOf(s: Omit<CipherSuite, 'grade'>): SuiteGrade {
  if (s.cipher === 'NULL' || s.auth === 'anon' || s.export || /^(RC4|RC2|DES)$/.test(s.cipher) || s.mac === 'MD5' || s.bits < 112) return 'insecure';
  if (!s.forwardSecrecy || /^(3DES|IDEA|SEED)$/.test(s.cipher)) return 'weak';
  if (s.mac !== 'AEAD' || /CCM8/.test(s.cipher)) return 'acceptable';
  return 'recommended';
}

function build(row: (typeof SUITE_ROWS)[number]): CipherSuite {
  const [code, iana, openssl, kxAuth, cipher, bits, mac] = row;
  const { kx, auth, exported } = splitKx(kxAuth);
  const tls13 = kxAuth === 'any';
  const base = {
    code,
    hex: `0x${code.toString(16).toUpperCase().padStart(4, '0')}`,
    iana,
    openssl: openssl === '-' ? iana : openssl,
    kx,
    auth,
    cipher,
    bits,
    mac: mac === 'Null' ? 'NULL' : mac,
    forwardSecrecy: tls13 || /^(ECDHE|DHE)/.test(kx),
    export: exported,
    tls13,
  };
  return { ...base, grade: gradeOf(base) };
}

export const SUITES: readonly CipherSuite[] = SUITE_ROWS.map(build);

const byCode = new Map(SUITES.map((s) => [s.code, s]));

/** The suite with this code point; an unknown one is described by its number alone. */
export function suiteByCode(code: number): CipherSuite {
  const known = byCode.get(code);
  if (known) return known;
  const hex = `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return { code, hex, iana: `unknown ${hex}`, openssl: `unknown ${hex}`, kx: '?', auth: '?', cipher: '?', bits: 0, mac: '?', forwardSecrecy: false, export: false, tls13: false, grade: 'weak' };
}

/** Suites a server may pick with an ordinary RSA or ECDSA certificate (no PSK, SRP, static DH). */
function certificateSuite(s: CipherSuite): boolean {
  return !s.tls13 && /^(ECDHE|DHE|RSA)$/.test(s.kx) && /^(RSA|ECDSA|DSS|anon)$/.test(s.auth);
}

const CHACHA = /CHACHA20/;
const chachaLast = (list: CipherSuite[]) => [...list.filter((s) => !CHACHA.test(s.iana)), ...list.filter((s) => CHACHA.test(s.iana))];

/**
 * What the scan offers for TLS 1.0 to 1.2 and SSLv3, best first and ChaCha20 last: a server that
 * lets ChaCha20 win only when the client prefers it (OpenSSL's PRIORITIZE_CHACHA) then shows
 * its real order.
 */
export const LEGACY_OFFER: readonly CipherSuite[] = chachaLast(SUITES.filter(certificateSuite));

/** The five TLS 1.3 suites, ChaCha20 last. */
export const TLS13_OFFER: readonly CipherSuite[] = chachaLast(SUITES.filter((s) => s.tls13));

export const GRADE_RANK: Record<SuiteGrade, number> = { recommended: 0, acceptable: 1, weak: 2, insecure: 3 };
