// What the server's certificate chain says: one CertificateInfo per certificate, trust as
// OpenSSL judged it, the hostname check, and the facts the certificate findings need.
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { signatureAlgorithm } from './der';
import type { CertificateInfo, CertificateReport } from './types';

export interface ChainFacts {
  report: CertificateReport;
  /** Parsed certificates, leaf first, as in `report.chain`. */
  certs: X509Certificate[];
  /** The leaf's issuer was neither sent nor is a known root (a missing intermediate). */
  incomplete: boolean;
  /** The leaf is its own issuer. */
  selfSignedLeaf: boolean;
  /** The chain ends in a root that the trust store (Node's roots + the CA file) holds. */
  anchored: boolean;
}

const EC_CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp224r1: 224, secp192r1: 192, secp256k1: 256 };

function keyOf(cert: X509Certificate): { type: string; bits: number | null } {
  const key = cert.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (details.modulusLength) return { type, bits: details.modulusLength };
  if (type === 'ec') return { type, bits: (details.namedCurve && EC_CURVE_BITS[details.namedCurve]) || null };
  if (type === 'ed25519' || type === 'x25519') return { type, bits: 256 };
  if (type === 'ed448' || type === 'x448') return { type, bits: 448 };
  return { type, bits: null };
}

export function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

export function describeCertificate(cert: X509Certificate): CertificateInfo {
  const key = keyOf(cert);
  return {
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    subjectAltNames: cert.subjectAltName ? cert.subjectAltName.split(/,\s*/) : [],
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    keyType: key.type,
    keyBits: key.bits,
    signatureAlgorithm: signatureAlgorithm(cert.raw),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    selfSigned: isSelfSigned(cert),
  };
}

/** The chain as Node reports it: the certificates the server sent, then any root from the store. */
function peerChain(socket: tls.TLSSocket): { certs: X509Certificate[]; leaf: tls.DetailedPeerCertificate | null } {
  const leaf = socket.getPeerCertificate(true);
  if (!leaf || !leaf.raw) return { certs: [], leaf: null };
  const certs: X509Certificate[] = [];
  const seen = new Set<string>();
  let node: tls.DetailedPeerCertificate | undefined = leaf;
  while (node && node.raw && !seen.has(node.fingerprint256)) {
    seen.add(node.fingerprint256);
    certs.push(new X509Certificate(node.raw));
    node = node.issuerCertificate;
  }
  return { certs, leaf };
}

let rootCache: Set<string> | null = null;

/** SHA-256 fingerprints of Node's roots plus the extra CA PEM; roots parsed once, on demand. */
function trustedFingerprints(extraCaPem: string | null): Set<string> {
  rootCache ??= new Set(tls.rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  const all = new Set(rootCache);
  for (const pem of extraCaPem?.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) {
    all.add(new X509Certificate(pem).fingerprint256);
  }
  return all;
}

const EXPIRY_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export function analyseChain(socket: tls.TLSSocket, servername: string, extraCaPem: string | null, now = Date.now()): ChainFacts | null {
  const { certs, leaf } = peerChain(socket);
  const top = certs[certs.length - 1];
  if (!leaf || !top) return null;
  const chain = certs.map(describeCertificate);
  const error = socket.authorizationError ? String((socket.authorizationError as unknown as { code?: string }).code ?? socket.authorizationError) : null;
  const topSelfSigned = chain[chain.length - 1]!.selfSigned;
  let anchored: boolean;
  if (!topSelfSigned) anchored = false;
  else if (error === null) anchored = true;
  else if (EXPIRY_ERRORS.has(error)) anchored = trustedFingerprints(extraCaPem).has(top.fingerprint256);
  else anchored = !['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'].includes(error) && trustedFingerprints(extraCaPem).has(top.fingerprint256);
  const leafInfo = chain[0]!;
  return {
    report: {
      chain,
      trusted: error === null,
      validationError: error,
      hostnameMatches: tls.checkServerIdentity(servername, leaf) === undefined,
      daysLeft: Math.floor((Date.parse(leafInfo.notAfter) - now) / 86_400_000),
    },
    certs,
    incomplete: certs.length === 1 && !topSelfSigned && error !== null,
    selfSignedLeaf: leafInfo.selfSigned,
    anchored,
  };
}
