/**
 * The DNS side of one domain check: every question asked once (answers shared by the checks
 * that need them), SERVFAIL told apart as bogus or broken, and each answer's DNSSEC state
 * decided at the end, once it is known whether the resolver validates at all.
 */
import { DnsClient, DnsError } from '../dns/client';
import { dnssecStatus, probeValidation } from '../dns/dnssec';
import type { DnsRecord, DnsResponse, RecordTypeName } from '../dns/types';
import type { LookupSummary } from './types';

export interface Lookup {
  name: string;
  type: RecordTypeName;
  response: DnsResponse | null;
  /** SERVFAIL that became an answer with Checking Disabled: a validation failure. */
  bogus: boolean;
  /** Why no answer came (timeout, network), when none did. */
  error: string | null;
}

export class DomainDns {
  private readonly cache = new Map<string, Promise<Lookup>>();
  private readonly done: Lookup[] = [];
  validates: boolean | null = null;

  constructor(
    readonly client: DnsClient,
    private readonly signal?: AbortSignal,
  ) {}

  lookup(name: string, type: RecordTypeName): Promise<Lookup> {
    const key = `${name.toLowerCase()} ${type}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.ask(name.toLowerCase().replace(/\.$/, ''), type);
      // Only a cancel rejects; a question no one awaits any more must not surface as unhandled.
      pending.catch(() => undefined);
      this.cache.set(key, pending);
    }
    return pending;
  }

  private async ask(name: string, type: RecordTypeName): Promise<Lookup> {
    const out: Lookup = { name, type, response: null, bogus: false, error: null };
    try {
      out.response = await this.client.query(name, type, this.signal);
      if (out.response.authenticated) this.validates = true;
      if (out.response.rcode === 'SERVFAIL') {
        // Asked again without validation: an answer now means the data failed validation.
        const unchecked = await this.client.query(name, type, this.signal, { checkingDisabled: true });
        if (unchecked.rcode === 'NOERROR' || unchecked.rcode === 'NXDOMAIN') {
          out.bogus = true;
          this.validates = true;
        }
      }
    } catch (err) {
      if (this.signal?.aborted || !(err instanceof DnsError)) throw err;
      out.error = err.message;
    }
    this.done.push(out);
    return out;
  }

  /** Once every question is in: proves the resolver validates when no answer showed it yet. */
  async settle(domain: string): Promise<void> {
    if (this.validates === null) this.validates = await probeValidation(this.client, domain, this.signal);
  }

  summary(l: Lookup): LookupSummary {
    return {
      name: l.name,
      type: l.type,
      rcode: l.response?.rcode ?? (l.error ? 'TIMEOUT' : 'NONE'),
      dnssec: dnssecStatus(l.response, l.bogus, this.validates),
    };
  }
}

/** The records of the asked type, typed by it. */
export function recordsOf<T extends DnsRecord['type']>(l: Lookup, type: T): Extract<DnsRecord, { type: T }>[] {
  return (l.response?.records ?? []).filter((r): r is Extract<DnsRecord, { type: T }> => r.type === type);
}

/** No usable answer: no response (timeout), a bogus one, or an rcode other than NOERROR and NXDOMAIN. */
export function lookupFailed(l: Lookup): boolean {
  return l.response === null || l.bogus || (l.response.rcode !== 'NOERROR' && l.response.rcode !== 'NXDOMAIN');
}

/** The same, from the report's summary of a lookup. */
export function summaryFailed(l: LookupSummary): boolean {
  return l.dnssec === 'bogus' || (l.rcode !== 'NOERROR' && l.rcode !== 'NXDOMAIN');
}

/** The name exists with no data, or does not exist: a definite "none" (as opposed to a failure). */
export function isEmptyAnswer(l: Lookup): boolean {
  return l.response !== null && (l.response.rcode === 'NXDOMAIN' || (l.response.rcode === 'NOERROR' && l.response.records.length === 0));
}
