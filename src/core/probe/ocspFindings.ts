// OCSP stapling as seen on the main handshake, and its findings. Postfix and Dovecot cannot
// staple at all; Let's Encrypt stopped OCSP in 2025: a missing staple is information, and an
// error only where the certificate itself demands one (Must-Staple).
import type * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Finding } from '../findings';
import { mustStaple, readStaple } from '../tls/ocsp';
import { contextOf, finding } from './findings';
import type { OcspInfo, Protocol } from './types';

/** Slack for clocks when judging thisUpdate / nextUpdate. */
const CLOCK_SKEW_MS = 5 * 60_000;

export function ocspInfo(socket: tls.TLSSocket, staple: Buffer | null): OcspInfo | null {
  // Not getPeerX509Certificate(): on Node 20 it leaves getPeerCertificate(true) empty after it,
  // which the certificate analysis needs.
  const sent = socket.getPeerCertificate(true);
  if (!sent?.raw) return null;
  const leaf = new X509Certificate(sent.raw);
  let issuer: X509Certificate | null = null;
  for (let node = sent.issuerCertificate, seen = 0; node && seen < 10; node = node.issuerCertificate, seen++) {
    const candidate = new X509Certificate(node.raw);
    if (leaf.checkIssued(candidate)) {
      issuer = candidate;
      break;
    }
    if (node === node.issuerCertificate) break;
  }
  const base: OcspInfo = { stapled: staple !== null, mustStaple: mustStaple(leaf), responseStatus: null, certStatus: null, thisUpdate: null, nextUpdate: null, producedAt: null, verified: null, problem: null };
  return staple ? { ...base, ...readStaple(staple, leaf, issuer) } : base;
}

/**
 * `explainMissing`: add the information finding for a missing staple (the full TLS report, with
 * the cipher scan, says it; the everyday probe leaves it to the JSON's `ocsp.stapled`).
 */
export function ocspFindings(protocol: Protocol, ocsp: OcspInfo | null, explainMissing: boolean, now = Date.now()): Finding[] {
  if (!ocsp) return [];
  if (!ocsp.stapled) {
    if (ocsp.mustStaple) {
      return [finding('ocsp-must-staple-missing', 'error', 'Must-Staple certificate without a staple',
        'The certificate carries the TLS Feature extension (status_request, RFC 7633), so clients that honour it refuse the connection without a stapled OCSP response, and the server sent none. ' +
          'Postfix and Dovecot cannot staple: use a certificate without Must-Staple for them.')];
    }
    if (!explainMissing) return [];
    return [finding('ocsp-no-staple', 'info', 'No OCSP staple',
      `The server sent no OCSP response when asked (status_request). Postfix and Dovecot cannot staple at all, so this is no fault of the configuration; mail clients rarely check revocation${contextOf(protocol) === 'opportunistic' ? ', and senders to port 25 do not' : ''}. Exim can (tls_ocsp_file). Let's Encrypt ended OCSP in 2025.`)];
  }
  const out: Finding[] = [];
  if (ocsp.certStatus === 'revoked') out.push(finding('ocsp-revoked', 'error', 'The stapled OCSP response says: revoked', `The responder reports the certificate revoked (produced ${ocsp.producedAt}). Replace the certificate.`));
  const stale = (ocsp.nextUpdate && Date.parse(ocsp.nextUpdate) + CLOCK_SKEW_MS < now) || (ocsp.thisUpdate && Date.parse(ocsp.thisUpdate) - CLOCK_SKEW_MS > now);
  if (stale) out.push(finding('ocsp-staple-stale', 'warning', 'Stale OCSP staple', `The stapled response is valid from ${ocsp.thisUpdate} to ${ocsp.nextUpdate ?? '(no nextUpdate)'}, which does not include now. The server's staple refresh has stopped (Exim: the job that rewrites tls_ocsp_file).`));
  if (!ocsp.verified || ocsp.certStatus === null || ocsp.responseStatus !== 'successful') {
    out.push(finding('ocsp-staple-unverifiable', 'warning', 'Unverifiable OCSP staple', `The stapled response (${ocsp.responseStatus}, status ${ocsp.certStatus ?? 'none'}) cannot be relied on: ${ocsp.problem ?? 'it does not verify'}. Clients that check it will treat it as missing or fail.`));
  }
  return out;
}
