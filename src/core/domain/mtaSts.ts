/**
 * MTA-STS (RFC 8461): the `_mta-sts` TXT record, the policy file and its `mx` patterns.
 * The parsers are pure; `fetchPolicy` makes one HTTPS request to an address our resolver gave,
 * with certificate validation, no redirects and a 64 KB cap.
 */
import * as https from 'node:https';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { MtaStsPolicy } from './types';

export const POLICY_MAX_BYTES = 64 * 1024;
/** RFC 8461 §3.2: max_age up to 31557600 (about a year). */
export const MAX_AGE_LIMIT = 31_557_600;

export interface StsTxt {
  /** Records starting with `v=STSv1` (RFC 8461 §3.1: others are ignored). */
  records: string[];
  id: string | null;
  /** What is wrong with the one record, when something is. */
  problems: string[];
}

/** Reads the TXT strings at `_mta-sts.<domain>`. */
export function parseStsTxt(texts: readonly string[]): StsTxt {
  const records = texts.filter((t) => /^v=STSv1(;|\s*$)/.test(t.trim()));
  const problems: string[] = [];
  if (records.length !== 1) return { records, id: null, problems };
  const fields = new Map<string, string>();
  for (const part of records[0]!.split(';')) {
    const m = /^\s*([A-Za-z0-9_.-]+)=([^\s;]*)\s*$/.exec(part);
    if (m) fields.set(m[1]!, m[2]!);
    else if (part.trim() !== '') problems.push(`'${part.trim()}' is not a key=value field`);
  }
  const id = fields.get('id') ?? null;
  if (id === null) problems.push('the id field is missing');
  else if (!/^[A-Za-z0-9]{1,32}$/.test(id)) problems.push(`id '${id}' must be 1 to 32 letters or digits`);
  return { records, id: id !== null && /^[A-Za-z0-9]{1,32}$/.test(id) ? id : null, problems };
}

export interface ParsedPolicy {
  policy: MtaStsPolicy;
  problems: string[];
}

/** Reads a policy file (`key: value` lines, CRLF or LF). */
export function parsePolicy(text: string): ParsedPolicy {
  const problems: string[] = [];
  const policy: MtaStsPolicy = { version: null, mode: null, mx: [], maxAge: null };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^([A-Za-z0-9_]+)\s*:\s*(.*)$/.exec(line);
    if (!m) {
      problems.push(`line '${line.slice(0, 80)}' is not 'key: value'`);
      continue;
    }
    const [key, value] = [m[1]!, m[2]!.trim()];
    if (key === 'version') policy.version = value;
    else if (key === 'mode') {
      if (value === 'enforce' || value === 'testing' || value === 'none') policy.mode = value;
      else problems.push(`mode '${value}' is not enforce, testing or none`);
    } else if (key === 'mx') policy.mx.push(value.toLowerCase());
    else if (key === 'max_age') {
      if (/^\d{1,10}$/.test(value)) policy.maxAge = Number(value);
      else problems.push(`max_age '${value}' is not a whole number of seconds`);
    }
  }
  if (policy.version !== 'STSv1') problems.push(policy.version === null ? 'the version field is missing' : `version '${policy.version}' is not STSv1`);
  if (policy.mode === null && !problems.some((p) => p.startsWith('mode'))) problems.push('the mode field is missing');
  if (policy.maxAge === null && !problems.some((p) => p.startsWith('max_age'))) problems.push('the max_age field is missing');
  if (policy.maxAge !== null && policy.maxAge > MAX_AGE_LIMIT) problems.push(`max_age ${policy.maxAge} is above the limit of ${MAX_AGE_LIMIT} seconds`);
  if (policy.mx.length === 0 && policy.mode !== 'none') problems.push('no mx pattern: no MX host can match');
  return { policy, problems };
}

/** RFC 8461 §4.1: `*.example.org` matches exactly one leftmost label; otherwise the name itself. */
export function mxPatternMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) {
    const dot = h.indexOf('.');
    return dot > 0 && h.slice(dot + 1) === p.slice(2);
  }
  return p === h;
}

export interface FetchOptions {
  /** The address our resolver gave for `mta-sts.<domain>`. */
  address: string;
  port?: number;
  /** Extra trusted CAs (PEM text), beside Node's roots. */
  caPem?: string | null;
  timeout: number;
  signal?: AbortSignal;
}

export interface FetchOutcome {
  status: number | null;
  body: string | null;
  error: string | null;
}

/**
 * GETs `https://mta-sts.<domain>/.well-known/mta-sts.txt` from `address`, checking the
 * certificate against the name (SNI and Host are the name, never the address).
 */
export function fetchPolicy(domain: string, options: FetchOptions): Promise<FetchOutcome> {
  const host = `mta-sts.${domain}`;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: FetchOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const req = https.request({
      host: options.address,
      family: isIP(options.address) || undefined,
      port: options.port ?? 443,
      path: '/.well-known/mta-sts.txt',
      method: 'GET',
      servername: host,
      headers: { host, 'user-agent': 'mail-tls-inspector' },
      // Node's roots plus the extra CA, as the probe trusts them.
      ca: options.caPem ? [...tls.rootCertificates, options.caPem] : undefined,
      rejectUnauthorized: true,
      checkServerIdentity: (_name: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(host, cert),
      signal: options.signal,
      agent: false,
    }, (res) => {
      const status = res.statusCode ?? null;
      if (status !== 200) {
        const where = res.headers.location ? ` (a redirect to ${String(res.headers.location).slice(0, 200)}, which RFC 8461 §3.3 forbids following)` : '';
        return finish({ status, body: null, error: `HTTP ${status}${where}` });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > POLICY_MAX_BYTES) return finish({ status, body: null, error: `the policy is larger than ${POLICY_MAX_BYTES / 1024} KB` });
        chunks.push(c);
      });
      res.on('end', () => finish({ status, body: Buffer.concat(chunks).toString('utf8'), error: null }));
      res.on('error', (e) => finish({ status, body: null, error: e.message }));
    });
    const timer = setTimeout(() => finish({ status: null, body: null, error: `no complete answer within ${options.timeout} ms` }), options.timeout);
    req.on('error', (e: NodeJS.ErrnoException) => finish({ status: null, body: null, error: e.code ? `${e.code}: ${e.message}` : e.message }));
    req.end();
  });
}
