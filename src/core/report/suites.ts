// What a cipher suite's name says about it: bulk cipher strength, forward secrecy, AEAD,
// anonymous or export. Read from the IANA name (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) or
// OpenSSL's (ECDHE-RSA-AES256-GCM-SHA384); used where the probe gives only the names.

export interface SuiteFacts {
  /** Effective bulk cipher strength in bits (3DES counts 112, NULL 0). */
  bits: number;
  forwardSecret: boolean;
  aead: boolean;
  anonymous: boolean;
  export: boolean;
  rc4: boolean;
  tripleDes: boolean;
}

export function suiteFacts(name: string): SuiteFacts {
  const n = name.toUpperCase().replace(/-/g, '_');
  const tls13 = /^TLS_(AES|CHACHA20|SM4)_/.test(n);
  const anonymous = /(^|_)(DH_ANON|ECDH_ANON|ADH|AECDH)(_|$)/.test(n);
  const exportSuite = /EXPORT|EXP_/.test(n) || /^EXP/.test(n);
  const rc4 = /RC4/.test(n);
  const tripleDes = /3DES|DES_EDE3|DES_CBC3|DES192/.test(n);
  const nullCipher = /(^|_)NULL(_|$)|WITH_NULL/.test(n);
  let bits = 128;
  if (nullCipher) bits = 0;
  else if (exportSuite) bits = 40;
  else if (tripleDes) bits = 112;
  else if (/(^|_)DES(_|$)/.test(n) && !tripleDes) bits = 56;
  else if (/CHACHA20/.test(n)) bits = 256;
  else {
    // The bulk cipher's key size, not the MAC's (…_AES_128_GCM_SHA256).
    const sized = /(AES|CAMELLIA|ARIA|SM4)_?(\d{3})/.exec(n);
    if (sized) bits = Number(sized[2]);
  }
  const forwardSecret = tls13 || /(^|_)(ECDHE|DHE|EDH|EECDH|DH_ANON|ECDH_ANON|ADH|AECDH)(_|$)/.test(n);
  const aead = tls13 || /GCM|CCM|POLY1305/.test(n);
  return { bits, forwardSecret, aead, anonymous, export: exportSuite, rc4, tripleDes };
}

/** One accepted suite as the report shows it (filled from the probe's suite data when present). */
export interface SuiteRow {
  name: string;
  openssl?: string;
  /** The group or DH size the server used with it, e.g. `X25519` or `DH 2048`. */
  keyExchange?: string;
  /** Grade from the probe's own table when it gives one ('good', 'weak', 'insecure'...), else ours. */
  grade: SuiteGrade;
  bits: number;
  forwardSecret: boolean;
  aead: boolean;
  anonymous: boolean;
}

export type SuiteGrade = 'good' | 'acceptable' | 'weak' | 'insecure';

export interface SuiteTable {
  version: string;
  /** Most preferred first, as the server chose them (when it enforces an order). */
  suites: SuiteRow[];
  /** Whether the server enforces its own order; null when unknown. */
  serverOrder: boolean | null;
}

/** Our grade when the probe does not give one: insecure (no confidentiality), weak, acceptable, good. */
export function gradeSuite(facts: SuiteFacts): SuiteGrade {
  if (facts.bits < 112 || facts.anonymous || facts.export || facts.rc4) return 'insecure';
  if (facts.tripleDes) return 'weak';
  if (!facts.forwardSecret || !facts.aead) return 'acceptable';
  return 'good';
}
