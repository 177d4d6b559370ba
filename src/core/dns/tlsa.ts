/**
 * TLSA records (RFC 6698, RFC 7671) for SMTP DANE (RFC 7672): the record a certificate calls
 * for, its presentation text (`3 1 1 <hex>`), and matching a TLSA RRset against the chain a
 * server served. Only public data is touched: the certificate or its SubjectPublicKeyInfo.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';

/** 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE. */
export type TlsaUsage = 0 | 1 | 2 | 3;
/** 0 the full certificate, 1 its SubjectPublicKeyInfo. */
export type TlsaSelector = 0 | 1;
/** 0 the data itself, 1 SHA-256, 2 SHA-512. */
export type TlsaMatchingType = 0 | 1 | 2;

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  /** The certificate association data, lower-case hex. */
  data: string;
}

export const TLSA_USAGE_NAMES: Record<number, string> = { 0: 'PKIX-TA', 1: 'PKIX-EE', 2: 'DANE-TA', 3: 'DANE-EE' };

/** The bytes a selector picks from a certificate: the whole DER, or the DER SPKI. */
export function selectedBytes(cert: X509Certificate, selector: TlsaSelector): Buffer {
  return selector === 0 ? cert.raw : cert.publicKey.export({ type: 'spki', format: 'der' });
}

function matchingData(bytes: Buffer, matchingType: TlsaMatchingType): string {
  if (matchingType === 0) return bytes.toString('hex');
  return createHash(matchingType === 1 ? 'sha256' : 'sha512').update(bytes).digest('hex');
}

/** The TLSA record for `cert`; by default `3 1 1`, the one RFC 7671 recommends for a server's own key. */
export function tlsaForCertificate(
  cert: X509Certificate,
  usage: TlsaUsage = 3,
  selector: TlsaSelector = 1,
  matchingType: TlsaMatchingType = 1,
): TlsaRecord {
  return { usage, selector, matchingType, data: matchingData(selectedBytes(cert, selector), matchingType) };
}

/** Presentation form as it goes into a zone file: `3 1 1 0123...`. */
export function formatTlsa(record: TlsaRecord): string {
  return `${record.usage} ${record.selector} ${record.matchingType} ${record.data}`;
}

/** Reads `3 1 1 <hex>` (hex may be split by spaces or in parentheses, as in zone files); null when malformed. */
export function parseTlsa(text: string): TlsaRecord | null {
  const m = /^\s*\(?\s*(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})\s+([0-9a-fA-F\s()]+)$/.exec(text);
  if (!m) return null;
  const data = m[4]!.replace(/[\s()]/g, '').toLowerCase();
  const [usage, selector, matchingType] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (data.length === 0 || data.length % 2 !== 0 || usage > 255 || selector > 255 || matchingType > 255) return null;
  return { usage, selector, matchingType, data };
}

/** `_25._tcp.mx.example.org`: where the TLSA of a host's port lives. */
export function tlsaOwnerName(host: string, port = 25): string {
  return `_${port}._tcp.${host.replace(/\.$/, '').toLowerCase()}`;
}

const DIGEST_HEX_LENGTH: Record<number, number> = { 1: 64, 2: 128 };

/** Why SMTP may not use a record (RFC 7672 §3.1.3, RFC 7671 §4); null when usable. */
export function unusableReason(record: TlsaRecord): string | null {
  if (record.usage === 0 || record.usage === 1) {
    return `usage ${record.usage} (${TLSA_USAGE_NAMES[record.usage]}) is not for SMTP: DANE SMTP clients treat it as unusable (RFC 7672 §3.1.3)`;
  }
  if (record.usage !== 2 && record.usage !== 3) return `unknown usage ${record.usage}`;
  if (record.selector !== 0 && record.selector !== 1) return `unknown selector ${record.selector}`;
  if (record.matchingType !== 0 && record.matchingType !== 1 && record.matchingType !== 2) {
    return `unknown matching type ${record.matchingType}`;
  }
  const want = DIGEST_HEX_LENGTH[record.matchingType];
  if (want !== undefined && record.data.length !== want) {
    return `the data is ${record.data.length / 2} bytes, but a ${record.matchingType === 1 ? 'SHA-256' : 'SHA-512'} digest is ${want / 2}`;
  }
  return null;
}

export interface TlsaRecordCheck {
  record: TlsaRecord;
  /** Why SMTP cannot use this record; null when it is usable. */
  unusable: string | null;
  /** Index in the chain (0 = leaf) of the certificate the record matched; null when none. */
  matchedIndex: number | null;
  /**
   * For DANE-TA with selector 1 and matching type 0: the record is a bare public key that
   * signed the top certificate of the chain (the trust anchor itself was not sent).
   */
  matchedBareKey?: boolean;
}

export type DaneStatus =
  /** A usable record matched (and for DANE-TA the chain links up to it). */
  | 'match'
  /** Usable records, none matched: a DANE sender defers the mail. */
  | 'no-match'
  /** Records present but none usable: RFC 7672 §2.2 says encrypt, but do not authenticate. */
  | 'no-usable-records';

export interface DaneMatchResult {
  status: DaneStatus;
  checks: TlsaRecordCheck[];
  /**
   * DANE-TA matches only: the reference names the leaf does not cover (RFC 7672 §3.2.3:
   * with usage 2 the leaf must match the TLSA base domain or the MX name). Empty when covered.
   */
  nameMismatch?: string[];
}

/** `upper` issued `lower`: names chain and the signature checks out. */
function issued(upper: X509Certificate, lower: X509Certificate): boolean {
  try {
    return lower.checkIssued(upper) && lower.verify(upper.publicKey);
  } catch {
    return false;
  }
}

/** The chain links by signature from the leaf up to `index`. */
function linksUpTo(chain: X509Certificate[], index: number): boolean {
  for (let i = 0; i < index; i++) if (!issued(chain[i + 1]!, chain[i]!)) return false;
  return true;
}

function checkOne(record: TlsaRecord, chain: X509Certificate[]): TlsaRecordCheck {
  const unusable = unusableReason(record);
  const check: TlsaRecordCheck = { record, unusable, matchedIndex: null };
  if (unusable || chain.length === 0) return check;
  const selector = record.selector as TlsaSelector;
  const matchingType = record.matchingType as TlsaMatchingType;
  const matches = (cert: X509Certificate) => matchingData(selectedBytes(cert, selector), matchingType) === record.data;
  if (record.usage === 3) {
    // DANE-EE: the leaf only; names and validity dates are not checked (RFC 7672 §3.1.1).
    if (matches(chain[0]!)) check.matchedIndex = 0;
    return check;
  }
  // DANE-TA: any issuer in the chain (the trust anchor included), provided the chain links up to it.
  for (let i = 1; i < chain.length; i++) {
    if (matches(chain[i]!) && linksUpTo(chain, i)) {
      check.matchedIndex = i;
      return check;
    }
  }
  // RFC 7671 §5.2.2 allows a bare public key as the anchor when the record carries the full
  // SPKI (2 1 0): the server then need not send the anchor, whose key signed the chain's top.
  if (selector === 1 && matchingType === 0 && linksUpTo(chain, chain.length - 1)) {
    try {
      const key = createPublicKey({ key: Buffer.from(record.data, 'hex'), format: 'der', type: 'spki' });
      if (chain[chain.length - 1]!.verify(key)) {
        check.matchedIndex = chain.length - 1;
        check.matchedBareKey = true;
      }
    } catch {
      /* not a public key: no match */
    }
  }
  return check;
}

/**
 * Matches a TLSA RRset against a served chain (leaf first; intermediates and, if present,
 * the root after it) as an RFC 7672 SMTP client would. `referenceNames` are the names DANE-TA
 * checks the leaf against: the TLSA base domain and the MX host name.
 */
export function matchTlsa(records: TlsaRecord[], chain: X509Certificate[], referenceNames: string[] = []): DaneMatchResult {
  const checks = records.map((r) => checkOne(r, chain));
  const usable = checks.filter((c) => !c.unusable);
  if (usable.length === 0) return { status: 'no-usable-records', checks };
  const hits = usable.filter((c) => c.matchedIndex !== null);
  if (hits.length === 0) return { status: 'no-match', checks };
  // A DANE-EE hit needs no name; a DANE-TA-only authentication needs the leaf to cover a reference name.
  if (hits.some((c) => c.record.usage === 3) || referenceNames.length === 0) return { status: 'match', checks };
  const leaf = chain[0]!;
  const covered = referenceNames.some((name) => leaf.checkHost(name.replace(/\.$/, '')) !== undefined);
  if (covered) return { status: 'match', checks };
  return { status: 'no-match', checks, nameMismatch: referenceNames };
}

/** The CERTIFICATE blocks of a PEM text, in order, leaving every other block (keys) untouched. */
export function certificatesInPem(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      /* a damaged block: the certificate file checks report it */
    }
  }
  return out;
}
