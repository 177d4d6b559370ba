/**
 * DNS messages: a query with EDNS0 and the DO bit, and a response read into plain records.
 *
 * Node 20's `dns` module shows neither the AD bit nor TLSA records, so the wire format is
 * encoded here with `dns-packet` (5.x, about 45 KB of plain JavaScript and one tiny
 * dependency, no native code): it reads every type we need, TLSA included, and the header
 * flags, and has been the codec of the `multicast-dns` and `dns-socket` family for years.
 */
import * as packet from 'dns-packet';
import type { DnsRecord, DnsResponse, RecordTypeName } from './types';

/** What we advertise as the largest UDP answer we take (the DNS flag day 2020 value). */
export const EDNS_UDP_SIZE = 1232;

export interface QueryFlags {
  /** Checking Disabled: ask for the data even if validation fails (tells bogus from broken). */
  checkingDisabled?: boolean;
}

export function encodeQuery(id: number, name: string, type: RecordTypeName, flags: QueryFlags = {}): Buffer {
  return packet.encode({
    type: 'query',
    id,
    // RD, and AD in the query to ask for the AD bit in the answer (RFC 6840 §5.7).
    flags: packet.RECURSION_DESIRED | packet.AUTHENTIC_DATA | (flags.checkingDisabled ? packet.CHECKING_DISABLED : 0),
    questions: [{ type, name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, flags: packet.DNSSEC_OK, options: [] } as unknown as packet.Answer],
  });
}

/** Lowercase and without the trailing dot, as names are compared everywhere here. */
export function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export interface DecodedHeader {
  id: number;
  truncated: boolean;
  questionName: string | null;
  questionType: string | null;
}

/** Reads just enough to match a response to its query; null when it is not a DNS response. */
export function decodeHeader(buf: Buffer): DecodedHeader | null {
  try {
    const p = packet.decode(buf);
    if (p.type !== 'response') return null;
    const q = p.questions?.[0];
    return { id: p.id ?? -1, truncated: Boolean(p.flag_tc), questionName: q ? normalName(q.name) : null, questionType: q?.type ?? null };
  } catch {
    return null;
  }
}

function toRecord(a: packet.Answer): DnsRecord {
  const name = normalName(a.name);
  const ttl = 'ttl' in a ? (a.ttl ?? 0) : 0;
  switch (a.type) {
    case 'A':
    case 'AAAA':
    case 'NS':
      return { type: a.type, name, ttl, data: String(a.data) };
    case 'CNAME':
      return { type: 'CNAME', name, ttl, data: normalName(String(a.data)) };
    case 'MX':
      return { type: 'MX', name, ttl, preference: a.data.preference ?? 0, exchange: normalName(a.data.exchange) };
    case 'SRV':
      return { type: 'SRV', name, ttl, priority: a.data.priority ?? 0, weight: a.data.weight ?? 0, port: a.data.port, target: normalName(a.data.target) };
    case 'TXT': {
      const chunks = Array.isArray(a.data) ? a.data : [a.data];
      return { type: 'TXT', name, ttl, text: chunks.map((c) => (Buffer.isBuffer(c) ? c.toString('utf8') : String(c))).join('') };
    }
    case 'TLSA': {
      const d = a.data as unknown as { usage: number; selector: number; matchingType: number; certificate: Buffer };
      return { type: 'TLSA', name, ttl, usage: d.usage, selector: d.selector, matchingType: d.matchingType, data: d.certificate.toString('hex') };
    }
    default:
      return { type: 'OTHER', name, ttl, rrtype: a.type };
  }
}


/**
 * Reads a response: the rcode, the AD bit, whether RRSIGs came along, and the records of the
 * asked type reached by following CNAMEs from the question's name within the answer.
 * Throws on a message that does not decode.
 */
export function decodeResponse(buf: Buffer, name: string, type: RecordTypeName, server: string, tcp: boolean): DnsResponse {
  const p = packet.decode(buf);
  const rcode = String((p as { rcode?: string }).rcode ?? 'NOERROR').toUpperCase();
  const answers = (p.answers ?? []).filter((a) => (a as { class?: string }).class === undefined || (a as { class?: string }).class === 'IN');
  const all = answers.map(toRecord);
  const cnames: string[] = [];
  let owner = normalName(name);
  // Follow the chain in the answer section, at most 8 links (a loop ends it).
  for (let i = 0; i < 8; i++) {
    const link = all.find((r) => r.type === 'CNAME' && r.name === owner);
    if (!link || link.type !== 'CNAME' || type === 'CNAME') break;
    owner = link.data;
    if (cnames.includes(owner)) break;
    cnames.push(owner);
  }
  const records = all.filter((r) => r.type === type && r.name === owner);
  return {
    name: normalName(name),
    type,
    rcode,
    authenticated: Boolean(p.flag_ad),
    signed: answers.some((a) => a.type === 'RRSIG'),
    records,
    cnames,
    server,
    tcp,
  };
}
