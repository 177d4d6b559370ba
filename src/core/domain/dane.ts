/**
 * DANE for SMTP (RFC 7672, RFC 7671): what the TLSA records of one MX host mean, given the
 * DNSSEC state of the MX and TLSA answers, and whether they match the chain each address
 * served. Pure: the lookups and probes are done by the caller.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { matchTlsa, TlsaRecord, unusableReason } from '../dns/tlsa';
import type { DnssecStatus } from '../dns/dnssec';
import { domainFinding } from './findings';
import type { AddressCheck, DaneInfo, DomainFinding, LookupSummary, TlsaRecordData } from './types';

export function daneState(lookup: LookupSummary, records: TlsaRecordData[]): DaneInfo['state'] {
  if (lookup.dnssec === 'bogus') return 'bogus';
  if (records.length === 0) return lookup.rcode === 'NOERROR' || lookup.rcode === 'NXDOMAIN' ? 'none' : 'unknown';
  if (lookup.dnssec === 'secure') return 'usable';
  if (lookup.dnssec === 'insecure') return 'not-secure';
  return 'unknown';
}

/** Base64 DER chain from the probe, leaf first; certificates that do not parse end it. */
export function chainFromDer(der: readonly string[] | undefined): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const b of der ?? []) {
    try {
      out.push(new X509Certificate(Buffer.from(b, 'base64')));
    } catch {
      break;
    }
  }
  return out;
}

/** Matches the usable TLSA records against one address's chain; fills `daneMatch`. */
export function judgeAddress(host: string, dane: DaneInfo, address: AddressCheck): DomainFinding[] {
  if (dane.state !== 'usable' || !address.probe?.certificate) return [];
  const chain = chainFromDer(address.probe.certificate.chainDer);
  if (chain.length === 0) return [];
  // Behind a secure CNAME, both the MX name and the expanded name are reference identifiers (RFC 7672 §3.2.3).
  const result = matchTlsa(dane.records as TlsaRecord[], chain, dane.cnameTarget ? [host, dane.cnameTarget] : [host]);
  const subject = `${host} (${address.address})`;
  address.daneMatched = result.checks.filter((c) => c.matchedIndex !== null).map((c) => short(c.record));
  if (result.status === 'no-usable-records') return [];
  address.daneMatch = result.status === 'match';
  if (result.status === 'match') return [];
  if (result.nameMismatch) {
    return [domainFinding('dane-name-mismatch', 'error', subject, 'DANE-TA matched, but the certificate does not name the MX host',
      `A 2 x x record matched the issuer in the chain, but the server certificate does not cover ${dane.cnameTarget ? `${host} or its CNAME target ${dane.cnameTarget}` : host} (its names: ${address.probe.certificate.chain[0]?.subjectAltNames.join(', ') || 'none'}). With DANE-TA, senders check the name from the MX record (RFC 7672 §3.2.3), so they defer mail. Add ${host} to the certificate, or publish a 3 1 1 record for the server's key.`)];
  }
  const leafRecord = `3 1 1 ${spkiSha256(chain[0]!)}`;
  return [domainFinding('dane-tlsa-mismatch', 'error', subject, 'No TLSA record matches the certificate',
    `The server at ${address.address} serves a certificate that none of the ${dane.records.length} TLSA record(s) at ${dane.name} matches. DANE senders (Postfix, Exim, and large providers) will defer mail to this host. This is what a certificate renewed with a new key, without a TLSA update, looks like. The served key's record is: ${leafRecord}. Publish it (keep the old one until caches expire), or serve the certificate the records name.`)];
}

function short(r: TlsaRecordData): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${r.data.slice(0, 16)}…`;
}

function spkiSha256(cert: X509Certificate): string {
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Findings about the records themselves and their DNSSEC state (not about a chain). */
export function daneRecordFindings(host: string, dane: DaneInfo, mxDnssec: DnssecStatus): DomainFinding[] {
  const out: DomainFinding[] = [];
  const n = dane.name;
  if (dane.state === 'bogus') {
    out.push(domainFinding('dane-tlsa-bogus', 'error', host, 'The TLSA answer fails DNSSEC validation',
      `The validating resolver answered SERVFAIL for ${n} TLSA, and gave data when asked without validation: the signatures are wrong or expired (bogus). DANE senders defer all mail to ${host}. Re-sign the zone and check its DS and keys (e.g. with dig +dnssec or a DNSSEC analyser).`));
    return out;
  }
  if (dane.records.length === 0) return out;
  if (dane.state === 'not-secure') {
    out.push(domainFinding('dane-tlsa-not-secure', 'warning', host, 'TLSA records without DNSSEC do not count',
      `${n} has ${dane.records.length} TLSA record(s), but the answer is not DNSSEC-secure (the zone of ${host} is unsigned, or its chain of trust is broken). Senders ignore TLSA records that are not secure (RFC 7672 §2.2). Sign the zone and publish its DS at the parent, or remove the records.`));
  }
  if (dane.state === 'usable' && mxDnssec !== 'secure') {
    out.push(domainFinding('dane-mx-not-secure', 'warning', host, 'The MX answer is not DNSSEC-secure, so senders do not look for TLSA',
      `The TLSA records at ${n} are secure, but the domain's MX answer is ${mxDnssec}. A DANE sender uses the TLSA only when the MX lookup was secure too (RFC 7672 §2.2.1). Sign the domain's zone.`));
  }
  const pkix = dane.records.filter((r) => r.usage === 0 || r.usage === 1);
  if (pkix.length > 0) {
    out.push(domainFinding('dane-pkix-usage', 'warning', host, 'TLSA usage 0 or 1 in SMTP',
      `${n} publishes ${pkix.map((r) => `${r.usage} ${r.selector} ${r.matchingType}`).join(', ')}. SMTP senders treat PKIX-TA (0) and PKIX-EE (1) as unusable (RFC 7672 §3.1.3). Use 3 1 1 (the server's key) or 2 1 1 (the issuing CA's key).`));
  }
  const broken = dane.records.map((r) => ({ r, why: unusableReason(r as TlsaRecord) })).filter((x) => x.why && x.r.usage !== 0 && x.r.usage !== 1);
  for (const { r, why } of broken) {
    out.push(domainFinding('dane-tlsa-unusable', 'warning', host, 'A TLSA record is unusable', `${n} ${short(r)}: ${why}.`));
  }
  const usable = dane.records.filter((r) => unusableReason(r as TlsaRecord) === null);
  if (usable.length === 1) {
    const r = usable[0]!;
    out.push(domainFinding('dane-no-rollover', 'warning', host, 'A single TLSA record: no room for a key rollover',
      `${n} has one usable record (${short(r)}). When the key changes, mail stops until the new record is published and cached. Keep a second record: the next key's 3 1 1, or a 2 1 1 for the issuing CA (RFC 7671 §8.1).`));
  }
  return out;
}
