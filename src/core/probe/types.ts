/**
 * The probe engine's public shapes. A ProbeResult serialises to JSON as-is (the CLI's
 * `--json` output and the extension's export), so it holds only plain data.
 */
import type { Finding } from '../findings';
import type { TlsVersionName } from './versions';
import type { ReportedSuite } from '../tls/suites';

export type { TlsVersionName } from './versions';

export type Protocol =
  | 'smtp'
  | 'submission'
  | 'lmtp'
  | 'smtps'
  | 'imap'
  | 'imaps'
  | 'pop3'
  | 'pop3s'
  | 'sieve';

export type TlsMode = 'starttls' | 'implicit';

/** The dialog a protocol speaks once the connection is up (and again after TLS). */
export type Dialect = 'smtp' | 'lmtp' | 'imap' | 'pop3' | 'sieve';

export interface ProbeTarget {
  /** Canonical URL with the port always present, e.g. `smtp://mx.example.org:25`. */
  url: string;
  protocol: Protocol;
  tlsMode: TlsMode;
  dialect: Dialect;
  /** Host as written, without IPv6 brackets. */
  host: string;
  port: number;
}

export interface PhaseTimeouts {
  /** TCP connect. */
  connect: number;
  /** From connect to the complete greeting. */
  greeting: number;
  /** Each command's complete reply. */
  command: number;
  /** One TLS handshake. */
  handshake: number;
  /** The whole probe, version enumeration included. */
  total: number;
}

export interface ProbeOptions {
  /** Name for SNI and the hostname check; default: the target's host. */
  servername?: string;
  /**
   * SNI when it differs from the name the certificate is checked against: a DANE client sends
   * the TLSA base domain (RFC 7672 §8.1), the CNAME target of an MX host whose TLSA records live
   * there (§2.2.2), while MTA-STS still checks the MX name.
   */
  sni?: string;
  /** Extra trusted CA certificates (PEM file), added to Node's roots. */
  caFile?: string;
  /** The same as PEM text, read once by a caller that runs many probes; wins over `caFile`. */
  caPem?: string;
  /** Name sent in EHLO/LHLO; default: a real-looking FQDN. */
  ehloName?: string;
  timeouts?: Partial<PhaseTimeouts>;
  signal?: AbortSignal;
  /** Handshake once per TLS version to learn which the server accepts. Default true. */
  enumerateVersions?: boolean;
  /**
   * Enumerate every accepted cipher suite per version (SSLv2 to TLS 1.3), the groups, DH sizes,
   * TLS_FALLBACK_SCSV and secure renegotiation with hand-written ClientHellos: about one
   * connection per accepted suite. Default false.
   */
  ciphers?: boolean;
  /** Test for STARTTLS command injection (one extra connection). Default true. */
  checkInjection?: boolean;
  /** Days before expiry at which `cert-expiring-soon` is raised. Default 30. */
  expiryWarningDays?: number;
  /** Keep each certificate's DER in `certificate.chainDer` (DANE matching needs the bytes). Default false. */
  keepChain?: boolean;
  /** Most connections this probe opens at once. Default 2. Ignored when `limiter` is given. */
  maxConnections?: number;
  /**
   * A limiter shared by several probes of the same host, so that together they stay within
   * its limit (see `HostLimiter`).
   */
  limiter?: { run<T>(task: () => Promise<T>): Promise<T> };
}

export type Direction = 'client' | 'server' | 'info';

export interface TranscriptEntry {
  direction: Direction;
  text: string;
  /** Milliseconds since the probe started. */
  at: number;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  keyType: string;
  keyBits: number | null;
  signatureAlgorithm: string;
  fingerprint256: string;
  serialNumber: string;
  selfSigned: boolean;
}

export interface CertificateReport {
  /** As the server sent it, leaf first. */
  chain: CertificateInfo[];
  trusted: boolean;
  /** OpenSSL's reason when not trusted, e.g. `CERT_HAS_EXPIRED`. */
  validationError: string | null;
  hostnameMatches: boolean;
  daysLeft: number;
  /** Base64 DER of `chain`, leaf first; only with the `keepChain` option. */
  chainDer?: string[];
}

export interface TlsInfo {
  version: string;
  /** OpenSSL's name, as `openssl s_client` and Postfix logs print it. */
  cipher: string;
  /** The IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`. */
  cipherStandardName: string;
  group: string | null;
  alpn: string | null;
}


/** Milliseconds per phase of the main connection (null when not reached), and the whole probe. */
export interface Timings {
  /** TCP connect. */
  connect: number | null;
  /** From connected (implicit TLS: from the handshake's end) to the complete greeting. */
  greeting: number | null;
  /** The STARTTLS command's round trip; null for implicit TLS. */
  starttls: number | null;
  /** The TLS handshake of the main connection. */
  handshake: number | null;
  /** The whole probe, side connections included. */
  total: number;
}

export interface ProbeResult {
  target: string;
  protocol: Protocol;
  tlsMode: TlsMode;
  /** Whether the probe completed a TLS session and read the capabilities after it. */
  ok: boolean;
  /** The server's address that answered, when connected. */
  address: string | null;
  greeting: string | null;
  capabilities: { beforeTls: string[]; afterTls: string[] };
  tls: TlsInfo | null;
  certificate: CertificateReport | null;
  /** Which TLS versions the server accepts, each from its own handshake; null where unknown. */
  versions: Record<TlsVersionName, boolean | null>;
  /**
   * SMTP: the EHLO before TLS lacked PIPELINING, as when Postfix's postscreen answers instead
   * of smtpd: the capabilities before TLS are postscreen's, and the injection test (which
   * pipelines) was skipped so as not to be logged as a bot.
   */
  pipeliningGuard: { postscreen: boolean; reason: string } | null;
  /** OCSP stapling on the main handshake; null when no handshake completed. */
  ocsp: OcspInfo | null;
  /** The cipher scan (`ciphers` option); null when not run. */
  ciphers: CipherScan | null;
  /** TCP connections this probe opened, the main one included. */
  connections: number;
  findings: Finding[];
  transcript: TranscriptEntry[];
  timings: Timings;
  /** ISO time the probe started. */
  startedAt: string;
}

/** One accepted suite: its facts from the suite table (src/core/tls/suites.ts), and the key exchange the server used for it. */
export interface SuiteResult extends ReportedSuite {
  /** ECDHE: the group (e.g. `X25519`); DHE: `DH 2048`; null when not seen. */
  keyExchange: string | null;
  /** DHE: the size of the server's DH prime. */
  dhBits: number | null;
}

export type ScanVersionName = 'SSLv2' | 'SSLv3' | TlsVersionName;

export interface VersionSuites {
  version: ScanVersionName;
  /** Whether the server answered a hello of this version with this version; null when unknown. */
  accepted: boolean | null;
  /** Accepted suites; in the server's order when `serverOrder` is true. */
  suites: SuiteResult[];
  /** True: the server picks by its own order; false: by the client's; null: one suite or unknown. */
  serverOrder: boolean | null;
  /** False when the enumeration stopped early (timeout, rate limit, odd answer). */
  complete: boolean;
}

export interface CipherScan {
  versions: VersionSuites[];
  /** Groups the server accepted (X25519, P-256, ffdhe2048, ...), in the order it chose them. */
  groups: string[];
  /** Whether the group list is complete (null: nothing to test with). */
  groupsComplete: boolean;
  /** TLS_FALLBACK_SCSV honoured (RFC 7507); null when fewer than two versions to test with. */
  fallbackScsv: boolean | null;
  /** RFC 5746 renegotiation_info in a TLS ≤ 1.2 ServerHello; null when only TLS 1.3 was seen. */
  secureRenegotiation: boolean | null;
  /** Connections the scan opened. */
  connections: number;
  /** Why parts are missing, in words. */
  notes: string[];
}

export interface OcspInfo {
  /** The server stapled a response (requested with status_request on the main handshake). */
  stapled: boolean;
  /** The certificate carries the TLS Feature extension with status_request (RFC 7633). */
  mustStaple: boolean;
  /** The rest are null without a staple. */
  responseStatus: string | null;
  certStatus: 'good' | 'revoked' | 'unknown' | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  producedAt: string | null;
  /** The signature verifies against the issuer (or a responder it delegated to). */
  verified: boolean | null;
  problem: string | null;
}
