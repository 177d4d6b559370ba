// A stapled OCSP response (RFC 6960): status, times, and whether its signature verifies
// against the certificate's issuer (or a responder the issuer delegated to).
//
// Why our own reader and not pkijs: a BasicOCSPResponse is one fixed structure, and walking it
// takes the ~60 lines below on top of ../probe/der.ts, while pkijs brings asn1js, pvtsutils and
// pvutils (several hundred KB in the bundle) for the same answer. Node's crypto does the
// signature check itself (crypto.verify with the signer's X509Certificate public key).
import { X509Certificate, createHash, verify } from 'node:crypto';
import { decodeOid, readTlv, Tlv } from '../probe/der';

export interface StapleReport {
  /** OCSP responseStatus: `successful`, `tryLater`, ... */
  responseStatus: string;
  /** good, revoked or unknown; null when the response names no status for this certificate. */
  certStatus: 'good' | 'revoked' | 'unknown' | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  producedAt: string | null;
  /** The signature verifies against the issuer or a delegated responder the issuer signed. */
  verified: boolean;
  /** Why it does not verify or was not understood. */
  problem: string | null;
}

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(4)', 'sigRequired', 'unauthorized'];
const BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const HASH_OF_SIGNATURE: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
};

/** A TLV with the offset of its tag: `der.subarray(from, end)` is the whole encoding. */
type Node = Tlv & { from: number };

/** The TLV's children. */
function children(der: Uint8Array, t: Tlv): Node[] {
  const out: Node[] = [];
  for (let at = t.start; at < t.end; ) {
    const c = readTlv(der, at);
    out.push({ ...c, from: at });
    at = c.end;
  }
  return out;
}

function time(der: Uint8Array, t: Tlv): string {
  const s = Buffer.from(der.subarray(t.start, t.end)).toString('latin1'); // YYYYMMDDHHMMSSZ
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)/.exec(s);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : s;
}

const bytes = (der: Uint8Array, t: Tlv) => Buffer.from(der.subarray(t.start, t.end));
const whole = (der: Uint8Array, t: Node) => Buffer.from(der.subarray(t.from, t.end));

/** Parses and checks `der` for `leaf`, issued by `issuer` (null when the chain lacks it). */
export function readStaple(der: Uint8Array, leaf: X509Certificate, issuer: X509Certificate | null): StapleReport {
  const report: StapleReport = { responseStatus: 'unparsed', certStatus: null, thisUpdate: null, nextUpdate: null, producedAt: null, verified: false, problem: null };
  try {
    const top = readTlv(der, 0);
    const [status, responseBytes] = children(der, top);
    report.responseStatus = RESPONSE_STATUS[der[status!.start] ?? 9] ?? 'unknown';
    if (report.responseStatus !== 'successful' || !responseBytes) return { ...report, problem: `the responder said ${report.responseStatus}` };
    const [type, octets] = children(der, readTlv(der, responseBytes.start));
    if (decodeOid(der.subarray(type!.start, type!.end)) !== BASIC) return { ...report, problem: 'not a basic OCSP response' };
    const [tbs, sigAlg, signature, certs] = children(der, readTlv(der, octets!.start));
    const parts = children(der, tbs!);
    let i = parts[0]!.tag === 0xa0 ? 1 : 0; // explicit version
    i++; // responderID
    report.producedAt = time(der, parts[i++]!);
    const responses = children(der, parts[i]!);
    const serial = leaf.serialNumber.toUpperCase().replace(/^0+/, '');
    for (const single of responses) {
      const [certId, certStatus, thisUpdate, ...rest] = children(der, single);
      const idParts = children(der, certId!);
      const idSerial = bytes(der, idParts[3]!).toString('hex').toUpperCase().replace(/^0+/, '');
      if (idSerial !== serial) continue;
      report.certStatus = certStatus!.tag === 0x80 ? 'good' : certStatus!.tag === 0xa1 ? 'revoked' : 'unknown';
      report.thisUpdate = time(der, thisUpdate!);
      const next = rest.find((r) => r.tag === 0xa0);
      if (next) report.nextUpdate = time(der, readTlv(der, next.start));
    }
    if (report.certStatus === null) report.problem = `the response has no status for this certificate (serial ${leaf.serialNumber})`;
    const hash = HASH_OF_SIGNATURE[decodeOid(der.subarray(readTlv(der, sigAlg!.start).start, readTlv(der, sigAlg!.start).end))];
    if (!hash) return { ...report, problem: report.problem ?? 'an unsupported signature algorithm' };
    const sig = bytes(der, signature!).subarray(1); // BIT STRING: unused-bits byte first
    const signed = whole(der, tbs!);
    const candidates: X509Certificate[] = [];
    if (issuer) candidates.push(issuer);
    if (certs) for (const c of children(der, readTlv(der, certs.start))) candidates.push(new X509Certificate(whole(der, c)));
    for (const signer of candidates) {
      if (!verify(hash, signed, signer.publicKey, sig)) continue;
      // A delegated responder must be issued by the issuer for OCSP signing (RFC 6960 §4.2.2.2).
      const delegated = issuer && signer !== issuer;
      if (delegated && !(signer.checkIssued(issuer) && signer.verify(issuer.publicKey) && (signer.keyUsage ?? []).includes(OCSP_SIGNING))) continue;
      report.verified = issuer !== null;
      break;
    }
    if (!report.verified) report.problem = report.problem ?? (issuer ? 'the signature does not verify against the issuer or a responder it delegated to' : 'the issuer certificate was not sent, so the signature cannot be checked');
    return report;
  } catch (err) {
    return { ...report, problem: `not a readable OCSP response (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** The TLS Feature extension (RFC 7633) with status_request: the certificate demands a staple. */
export function mustStaple(cert: X509Certificate): boolean {
  const raw = cert.raw;
  const oid = Buffer.from('06082b06010505070118', 'hex'); // 1.3.6.1.5.5.7.1.24
  const at = raw.indexOf(oid);
  if (at < 0) return false;
  // extnValue (an OCTET STRING holding SEQUENCE OF INTEGER) follows within a few bytes: look for 5.
  const window = raw.subarray(at + oid.length, at + oid.length + 24);
  return window.includes(Buffer.from([0x02, 0x01, 0x05]));
}

/** SHA-1 of a DER blob, hex: for a readable identity of the staple in the transcript. */
export function stapleId(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').slice(0, 16);
}
