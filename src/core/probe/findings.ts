// Turns what a probe saw into findings. Severity depends on where TLS is mandatory:
// - submission, smtps, imaps, pop3s: clients send passwords, TLS is required: weak TLS is an error.
// - imap, pop3, sieve (STARTTLS access ports): the same data, but the port may serve legacy
//   clients; legacy versions and missing TLS 1.3 are warnings, plaintext auth an error.
// - smtp (port 25) and lmtp: TLS is opportunistic (RFC 3207: a public MX must not require
//   it), a sender falls back to plaintext anyway: legacy TLS is information, AUTH before TLS
//   and certificate problems are warnings.
import type { Finding, Severity } from '../findings';
import { expiresSoon } from '../defaults';
import type { ChainFacts } from './certificate';
import type { Protocol, TlsVersionName } from './types';
import { LEGACY_TLS_VERSIONS } from './versions';

type Context = 'mandatory' | 'access' | 'opportunistic';

export function contextOf(protocol: Protocol): Context {
  switch (protocol) {
    case 'submission':
    case 'smtps':
    case 'imaps':
    case 'pop3s':
      return 'mandatory';
    case 'imap':
    case 'pop3':
    case 'sieve':
      return 'access';
    case 'smtp':
    case 'lmtp':
      return 'opportunistic';
  }
}

function pick(protocol: Protocol, mandatory: Severity, access: Severity, opportunistic: Severity): Severity {
  const c = contextOf(protocol);
  return c === 'mandatory' ? mandatory : c === 'access' ? access : opportunistic;
}

/** Control characters as `\xNN`: server text must never reach a terminal raw (escape sequences). */
export function neutralise(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function finding(id: string, severity: Severity, title: string, detail: string): Finding {
  return { id, severity, title: neutralise(title), detail: neutralise(detail) };
}

export function plaintextAuthFinding(protocol: Protocol, signals: string[]): Finding | null {
  if (signals.length === 0) return null;
  return finding(
    'plaintext-auth-before-tls',
    pick(protocol, 'error', 'error', 'warning'),
    'Password login is offered before TLS',
    `Before STARTTLS the server offers login in the clear: ${signals.join('; ')}. A client may send a password unencrypted. ` +
      '(Dovecot does this when it counts the connection as secure, e.g. from its own IP address.)',
  );
}

export function starttlsNotOfferedFinding(protocol: Protocol, command: string, capabilities: string[]): Finding {
  return finding(
    'starttls-not-offered',
    protocol === 'lmtp' ? 'warning' : 'error',
    `${command} is not offered`,
    `The capability list before TLS has no ${command}: ${capabilities.length ? capabilities.join(', ') : '(empty)'}. Clients cannot encrypt this connection.`,
  );
}

export function legacyVersionFinding(protocol: Protocol, versions: Record<TlsVersionName, boolean | null>): Finding | null {
  const legacy = LEGACY_TLS_VERSIONS.filter((v) => versions[v] === true);
  if (legacy.length === 0) return null;
  return finding(
    'tls-legacy-version',
    pick(protocol, 'error', 'warning', 'info'),
    'Deprecated TLS versions accepted',
    `The server completed a handshake with ${legacy.join(' and ')} (deprecated by RFC 8996). ` +
      (contextOf(protocol) === 'opportunistic'
        ? 'On an opportunistic port the alternative is plaintext, so this is informational; still, prefer TLS 1.2 and later.'
        : 'Allow only TLS 1.2 and 1.3 (Postfix: smtpd_tls_mandatory_protocols / smtpd_tls_protocols = >=TLSv1.2; Dovecot: ssl_min_protocol = TLSv1.2).'),
  );
}

export function tls13Finding(protocol: Protocol, versions: Record<TlsVersionName, boolean | null>): Finding | null {
  if (versions['TLSv1.3'] !== false) return null;
  return finding(
    'tls13-not-supported',
    pick(protocol, 'warning', 'warning', 'info'),
    'TLS 1.3 is not supported',
    'A handshake offering only TLS 1.3 failed. Update OpenSSL (1.1.1 or later) and the server so TLS 1.3 is available.',
  );
}

const WEAK_SIGNATURE = /(^|[^a-z])(md5|sha1)/i;

export function certificateFindings(protocol: Protocol, facts: ChainFacts, servername: string, expiryWarningDays: number, now = Date.now()): Finding[] {
  const out: Finding[] = [];
  const { report } = facts;
  const leaf = report.chain[0]!;
  const trustSeverity = pick(protocol, 'error', 'error', 'warning');
  const certName = (i: number) => (i === 0 ? 'the server certificate' : `chain certificate ${i} (${report.chain[i]!.subject})`);

  report.chain.forEach((info, i) => {
    if (Date.parse(info.notAfter) < now) {
      out.push(finding('cert-expired', 'error', 'Certificate expired', `${certName(i)} (${info.subject}) expired on ${info.notAfter}, ${Math.floor((now - Date.parse(info.notAfter)) / 86_400_000)} day(s) ago.`));
    } else if (Date.parse(info.notBefore) > now) {
      out.push(finding('cert-not-yet-valid', 'error', 'Certificate not yet valid', `${certName(i)} (${info.subject}) is valid only from ${info.notBefore}.`));
    }
  });
  if (expiresSoon(report.daysLeft, expiryWarningDays)) {
    out.push(finding('cert-expiring-soon', 'warning', 'Certificate expires soon', `The server certificate expires on ${leaf.notAfter}, in ${report.daysLeft} day(s). Renew it.`));
  }
  if (!report.hostnameMatches) {
    const names = leaf.subjectAltNames.length ? leaf.subjectAltNames.join(', ') : `no subjectAltName; subject ${leaf.subject}`;
    out.push(finding('cert-hostname-mismatch', trustSeverity, 'Certificate does not match the host name', `The certificate is for ${names}, not for '${servername}'.`));
  }
  if (facts.selfSignedLeaf && !facts.anchored) {
    out.push(finding('cert-self-signed', trustSeverity, 'Self-signed certificate', `The server certificate (${leaf.subject}) is its own issuer and is not in the trusted roots or the CA file. Use a certificate from a CA, or pass the certificate as the CA file if it is yours.`));
  } else if (facts.incomplete) {
    out.push(finding('cert-chain-incomplete', 'error', 'Certificate chain incomplete', `The server sent only its own certificate; its issuer '${leaf.issuer}' was neither sent nor is a known root (${report.validationError ?? 'no error code'}). Send the intermediate certificates (Postfix: smtpd_tls_chain_files; Dovecot: ssl_cert with the chain).`));
  } else if (!facts.anchored) {
    const top = report.chain[report.chain.length - 1]!;
    const why = top.selfSigned ? 'a root that is not among the trusted roots or in the CA file' : `'${top.issuer}', which is neither a trusted root nor sent (an unknown root, or a missing intermediate)`;
    out.push(finding('cert-untrusted', trustSeverity, 'Certificate not trusted', `The chain ends at '${top.subject}', issued by ${why} (${report.validationError ?? 'no error code'}).`));
  } else if (!report.trusted && report.validationError && !['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'].includes(report.validationError)) {
    out.push(finding('cert-untrusted', trustSeverity, 'Certificate not trusted', `Verification failed: ${report.validationError}.`));
  }
  report.chain.forEach((info, i) => {
    if (info.selfSigned && i > 0) return; // a root's own signature and key are the trust store's business
    const weakKey = info.keyBits !== null && ((['rsa', 'rsa-pss', 'dsa'].includes(info.keyType) && info.keyBits < 2048) || (info.keyType === 'ec' && info.keyBits < 256));
    if (weakKey) out.push(finding('cert-weak-key', 'error', 'Weak certificate key', `${certName(i)} has a ${info.keyBits}-bit ${info.keyType.toUpperCase()} key; use RSA 2048+ or EC P-256+.`));
    if (!info.selfSigned && WEAK_SIGNATURE.test(info.signatureAlgorithm)) {
      out.push(finding('cert-weak-signature', 'error', 'Weak certificate signature', `${certName(i)} is signed with ${info.signatureAlgorithm}; SHA-1 and MD5 signatures are broken. Reissue it with SHA-256 or better.`));
    }
  });
  return out;
}
