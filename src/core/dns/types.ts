/** The DNS answers the domain checks read, as plain data (they serialise to JSON as-is). */

export type RecordTypeName = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'SRV' | 'TXT' | 'TLSA' | 'DNSKEY' | 'DS' | 'SOA' | 'NS';

/** Records whose data is one name or address. */
type SimpleRecord = { [K in 'A' | 'AAAA' | 'CNAME' | 'NS']: { type: K; name: string; ttl: number; data: string } }['A' | 'AAAA' | 'CNAME' | 'NS'];

export type DnsRecord =
  | SimpleRecord
  | { type: 'MX'; name: string; ttl: number; preference: number; exchange: string }
  | { type: 'SRV'; name: string; ttl: number; priority: number; weight: number; port: number; target: string }
  /** The character-strings of one TXT record joined without separator (RFC 7489 and 8461 read it so). */
  | { type: 'TXT'; name: string; ttl: number; text: string }
  /** `data` in lowercase hex. */
  | { type: 'TLSA'; name: string; ttl: number; usage: number; selector: number; matchingType: number; data: string }
  | { type: 'OTHER'; name: string; ttl: number; rrtype: string };

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | string;

/** One response from the resolver, for one question. */
export interface DnsResponse {
  /** The question's name, lowercase, without the trailing dot. */
  name: string;
  type: RecordTypeName;
  rcode: Rcode;
  /** The resolver vouches that it validated the answer with DNSSEC (RFC 4035 §3.2.3). */
  authenticated: boolean;
  /** RRSIG records came with the answer: the data is signed, whoever checked it. */
  signed: boolean;
  /** Records of the asked type at the end of any CNAME chain (CNAMEs themselves excluded). */
  records: DnsRecord[];
  /** CNAME targets followed inside the answer, in order. */
  cnames: string[];
  /** `IP:port` of the resolver that answered, and whether TCP was needed (truncated UDP). */
  server: string;
  tcp: boolean;
}
