/**
 * The shapes of a domain check (`checkDomain`). A DomainResult serialises to JSON as-is (the
 * CLI's `--json` output, the editor's domain nodes), so it holds only plain data.
 */
import type { DnssecStatus } from '../dns/dnssec';
import type { Finding } from '../findings';
import type { PhaseTimeouts, ProbeResult } from '../probe/types';

export interface DomainCheckOptions {
  /** Resolvers as `IP[:PORT]`; default: the system's. Should validate DNSSEC. */
  resolvers?: readonly string[];
  /** Milliseconds per DNS attempt. Default 2000. */
  dnsTimeout?: number;
  /** Probe the MX and SRV hosts (default true). False: DNS and MTA-STS only, no SMTP/IMAP/POP3 connection. */
  probe?: boolean;
  /** Fetch the MTA-STS policy over HTTPS when the TXT record is there (default true). */
  fetchMtaSts?: boolean;
  /** Extra trusted CA certificates (PEM file or text), for the probes and the MTA-STS fetch. */
  caFile?: string;
  caPem?: string;
  ehloName?: string;
  timeouts?: Partial<PhaseTimeouts>;
  enumerateVersions?: boolean;
  checkInjection?: boolean;
  expiryWarningDays?: number;
  /** Connections open to one address at once. Default 2. */
  perHostConnections?: number;
  /** Most addresses probed at once for one domain. Default 8. */
  concurrency?: number;
}

/** Findings about a domain carry what they are about: the domain, an MX host, an address, a service. */
export interface DomainFinding extends Finding {
  subject: string;
}

/** One DNS question's outcome, as the report shows it. */
export interface LookupSummary {
  name: string;
  type: string;
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, ..., or `TIMEOUT` when no resolver answered. */
  rcode: string;
  dnssec: DnssecStatus;
}

export interface TlsaRecordData {
  usage: number;
  selector: number;
  matchingType: number;
  /** Lowercase hex. */
  data: string;
}

/** DANE for one MX host (RFC 7672): its TLSA records and how each address's chain fared. */
export interface DaneInfo {
  /** `_25._tcp.<mx>`, or `_25._tcp.<cnameTarget>` when the records were found there. */
  name: string;
  /**
   * The MX host's CNAME target, when the host's address answer followed a DNSSEC-secure CNAME
   * chain and TLSA records (or a failed lookup) were found at that name, which RFC 7672 §2.2.2
   * asks first. A DANE-TA match may then name either host.
   */
  cnameTarget?: string;
  lookup: LookupSummary;
  records: TlsaRecordData[];
  /**
   * `none`: no TLSA records; `usable`: secure TLSA of usage 2 or 3 (DANE applies);
   * `not-secure`: TLSA present but not DNSSEC-secure (ignored by senders); `bogus`; `unknown`
   * (the resolver does not validate, or the lookup failed).
   */
  state: 'none' | 'usable' | 'not-secure' | 'bogus' | 'unknown';
}

export interface AddressCheck {
  address: string;
  family: 4 | 6;
  /** Null when probing was off. */
  probe: ProbeResult | null;
  /** Whether some usable TLSA record matched the chain this address served; null when not judged. */
  daneMatch: boolean | null;
  /** The records (as `u s m`, data prefix) that matched. */
  daneMatched: string[];
}

export interface MxHostCheck {
  preference: number;
  host: string;
  /** The host's A and AAAA lookups. */
  lookups: LookupSummary[];
  addresses: AddressCheck[];
  dane: DaneInfo;
  /** Whether the MTA-STS policy's mx patterns cover this host; null without a policy. */
  mtaStsCovered: boolean | null;
}

/**
 * `none`: the domain has no MX and no address (or does not exist); `unreadable`: the MX lookup
 * (or, with no MX, the domain's address lookup) failed or was bogus, so it cannot be told.
 */
export type MxKind = 'mx' | 'null-mx' | 'implicit' | 'none' | 'unreadable';

export interface SrvTargetCheck {
  priority: number;
  weight: number;
  port: number;
  target: string;
  addresses: AddressCheck[];
}

export type SrvServiceName = '_submissions' | '_submission' | '_imaps' | '_imap' | '_pop3s' | '_pop3' | '_sieve';

export interface SrvCheck {
  service: SrvServiceName;
  /** `_imaps._tcp.<domain>`. */
  name: string;
  lookup: LookupSummary;
  /** Target `.`: the service is explicitly not offered (RFC 6186 §3.4). */
  notOffered: boolean;
  targets: SrvTargetCheck[];
}

export interface MtaStsPolicy {
  version: string | null;
  mode: 'enforce' | 'testing' | 'none' | null;
  mx: string[];
  maxAge: number | null;
}

export interface MtaStsCheck {
  /** `_mta-sts.<domain>` TXT. */
  lookup: LookupSummary;
  /** The `v=STSv1` records found (normally exactly one). */
  records: string[];
  id: string | null;
  /** `https://mta-sts.<domain>/.well-known/mta-sts.txt`, when fetched. */
  policyUrl: string | null;
  /** HTTP status, or null when the fetch failed before a response. */
  httpStatus: number | null;
  /** Why the fetch failed (TLS error, timeout, redirect, too large), if it did. */
  fetchError: string | null;
  policy: MtaStsPolicy | null;
}

export interface TlsRptCheck {
  lookup: LookupSummary;
  records: string[];
  /** The `rua` targets of the one valid record. */
  rua: string[];
}

export interface DomainResult {
  domain: string;
  /** ISO time the check started. */
  startedAt: string;
  resolver: {
    servers: string[];
    /** True once the resolver showed an authenticated answer; false when it showed none. */
    validates: boolean;
  };
  /** DNSSEC state of the domain's MX answer (the domain's own zone). */
  dnssec: DnssecStatus;
  mxKind: MxKind;
  mxLookup: LookupSummary;
  mx: MxHostCheck[];
  srv: SrvCheck[];
  mtaSts: MtaStsCheck;
  tlsRpt: TlsRptCheck;
  /** The domain's own findings (DNS, DANE, MTA-STS, TLS-RPT); each probe keeps its findings in its ProbeResult. */
  findings: DomainFinding[];
  stats: {
    dnsQueries: number;
    /** TCP connections opened: probe connections plus the MTA-STS fetch. */
    connections: number;
    /** Wall time of the whole check, in milliseconds. */
    ms: number;
  };
}
