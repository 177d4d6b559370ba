/**
 * checkDomain(): a domain's mail as senders and clients see it. DNS first (MX, SRV, TLSA,
 * MTA-STS, TLS-RPT, all at once), then every address probed with the probe engine within a
 * per-address connection cap, the MTA-STS policy fetched beside the probes, and at the end
 * the findings, once the resolver's ability to validate is known.
 */
import { readFile } from 'node:fs/promises';
import { DnsClient, formatResolver } from '../dns/client';
import { normalName } from '../dns/message';
import { fanOutSignal } from '../probe/abort';
import { DEFAULT_PER_HOST_CONNECTIONS, HostLimiter } from '../probe/hostLimiter';
import { probe } from '../probe/probe';
import { hostPort, SCHEMES } from '../probe/target';
import type { ProbeOptions, ProbeTarget, Protocol } from '../probe/types';
import { daneState } from './dane';
import { addressesOf, planMx, secureCnameTarget, SRV_SERVICES, srvName } from './discovery';
import { domainFindings } from './judge';
import { DomainDns, isEmptyAnswer, Lookup, recordsOf } from './lookups';
import { fetchPolicy, parsePolicy, parseStsTxt } from './mtaSts';
import { parseTlsRpt } from './tlsRpt';
import type { AddressCheck, DomainCheckOptions, DomainResult, MtaStsCheck, MxHostCheck, SrvCheck } from './types';

const DEFAULT_CONCURRENCY = 8;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lowercase, no trailing dot; throws when it is not a domain name. */
export function normalDomain(input: string): string {
  const d = normalName(input.trim());
  if (!DOMAIN.test(d)) throw new Error(`'${input}' is not a domain name`);
  return d;
}

function addressCheck(a: { address: string; family: 4 | 6 }): AddressCheck {
  return { ...a, probe: null, daneMatch: null, daneMatched: [] };
}

interface ProbeJob {
  target: ProbeTarget;
  servername: string;
  /** The TLSA base domain when it is not the MX name (a secure CNAME whose target holds the TLSA). */
  sni?: string;
  check: AddressCheck;
}

function targetFor(protocol: Protocol, address: string, port: number): ProbeTarget {
  const info = SCHEMES[protocol];
  return { url: `${protocol}://${hostPort(address, port)}`, protocol, tlsMode: info.tlsMode, dialect: info.dialect, host: address, port };
}

/**
 * Checks one domain. DNS and network trouble become findings; the promise rejects only for a
 * bad domain, resolver or CA file, or when `signal` aborts (after every socket is closed).
 */
export async function checkDomain(input: string, options: DomainCheckOptions = {}, signal?: AbortSignal): Promise<DomainResult> {
  const run = fanOutSignal(signal);
  try {
    return await checkWith(input, options, run.signal);
  } finally {
    run.dispose();
  }
}

async function checkWith(input: string, options: DomainCheckOptions, signal: AbortSignal): Promise<DomainResult> {
  const domain = normalDomain(input);
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const client = new DnsClient({ servers: options.resolvers, timeout: options.dnsTimeout });
  const caPem = options.caPem ?? (options.caFile ? await readFile(options.caFile, 'utf8') : null);
  const dns = new DomainDns(client, signal);
  let connections = 0;

  // Every question that does not depend on another, at once.
  const mxLookup = dns.lookup(domain, 'MX');
  const stsLookup = dns.lookup(`_mta-sts.${domain}`, 'TXT');
  const rptLookup = dns.lookup(`_smtp._tls.${domain}`, 'TXT');
  const srvLookups = SRV_SERVICES.map((s) => dns.lookup(srvName(s.service, domain), 'SRV'));

  // The lookups behind each host and service, summarised again once DNSSEC states are known.
  const behind = new Map<object, { own: Lookup; addresses: Lookup[] }>();

  // The MX branch (MX, then each host's addresses and TLSA) and the SRV branch run side by side.
  const mxBranch = async () => {
    const mxAnswer = await mxLookup;
    const implicit = recordsOf(mxAnswer, 'MX').length === 0 && mxAnswer.response?.rcode === 'NOERROR' ? await addressesOf(dns, domain) : null;
    const plan = planMx(domain, mxAnswer, implicit ? implicit.addresses.length > 0 : null, implicit?.lookups);
    const hosts = await Promise.all(
      plan.hosts.map(async (h) => {
        const [addrs, atHost] = await Promise.all([addressesOf(dns, h.host), dns.lookup(`_25._tcp.${h.host}`, 'TLSA')]);
        // RFC 7672 §2.2.2: behind a secure CNAME, TLSA at the expanded name first, else at the MX name.
        const target = secureCnameTarget(addrs);
        const atTarget = target ? await dns.lookup(`_25._tcp.${target}`, 'TLSA') : null;
        const tlsa = atTarget && !isEmptyAnswer(atTarget) ? atTarget : atHost;
        const tlsaName = `_25._tcp.${tlsa === atTarget ? target : h.host}`;
        const records = recordsOf(tlsa, 'TLSA').map(({ usage, selector, matchingType, data }) => ({ usage, selector, matchingType, data }));
        const check: MxHostCheck = {
          preference: h.preference,
          host: h.host,
          lookups: [],
          addresses: addrs.addresses.map(addressCheck),
          dane: { name: tlsaName, ...(tlsa === atTarget ? { cnameTarget: target! } : {}), lookup: dns.summary(tlsa), records, state: 'unknown' },
          mtaStsCovered: null,
        };
        behind.set(check, { own: tlsa, addresses: addrs.lookups });
        return check;
      }),
    );
    return { mxAnswer, implicit, plan, hosts };
  };

  const srvBranch = () => Promise.all(
    SRV_SERVICES.map(async (s, i) => {
      const lookup = await srvLookups[i]!;
      const records = recordsOf(lookup, 'SRV').sort((a, b) => a.priority - b.priority || b.weight - a.weight);
      const notOffered = records.length === 1 && records[0]!.target === '';
      const resolved = notOffered ? [] : await Promise.all(records.map(async (r) => ({ r, addrs: await addressesOf(dns, r.target) })));
      const check: SrvCheck = {
        service: s.service,
        name: srvName(s.service, domain),
        lookup: dns.summary(lookup),
        notOffered,
        targets: resolved.map(({ r, addrs }) => ({ priority: r.priority, weight: r.weight, port: r.port, target: r.target, addresses: addrs.addresses.map(addressCheck) })),
      };
      behind.set(check, { own: lookup, addresses: resolved.flatMap((x) => x.addrs.lookups) });
      return check;
    }),
  );

  const branches = Promise.all([mxBranch(), srvBranch()]);
  // Only a cancel rejects these; whichever is awaited first reports it.
  branches.catch(() => undefined);

  // MTA-STS: the policy host resolved through our resolver, fetched beside the probes.
  const stsAnswer = await stsLookup;
  const stsTxt = parseStsTxt(recordsOf(stsAnswer, 'TXT').map((r) => r.text));
  const mtaSts: MtaStsCheck = { lookup: dns.summary(stsAnswer), records: stsTxt.records, id: stsTxt.id, policyUrl: null, httpStatus: null, fetchError: null, policy: null };
  let policyProblems: string[] = [];
  const stsFetch = (async () => {
    // Several records mean no policy (RFC 8461 §3.1): nothing to fetch.
    if (stsTxt.records.length !== 1 || options.fetchMtaSts === false) return;
    const policyHost = `mta-sts.${domain}`;
    mtaSts.policyUrl = `https://${policyHost}/.well-known/mta-sts.txt`;
    const addrs = await addressesOf(dns, policyHost);
    const first = addrs.addresses[0];
    if (!first) {
      mtaSts.fetchError = `${policyHost} has no address`;
      return;
    }
    if (signal.aborted) return;
    connections++;
    const got = await fetchPolicy(domain, { address: first.address, caPem, timeout: options.timeouts?.total ?? 10_000, signal });
    mtaSts.httpStatus = got.status;
    mtaSts.fetchError = got.error;
    if (got.body !== null) {
      const parsed = parsePolicy(got.body);
      mtaSts.policy = parsed.policy;
      policyProblems = parsed.problems;
    }
  })();
  stsFetch.catch(() => undefined);
  const [{ mxAnswer, implicit, plan, hosts: mx }, srv] = await branches;

  const jobs: ProbeJob[] = [];
  if (options.probe !== false) {
    for (const host of mx) for (const a of host.addresses) jobs.push({ target: targetFor('smtp', a.address, 25), servername: host.host, sni: host.dane.cnameTarget, check: a });
    for (const s of srv) {
      const protocol = SRV_SERVICES.find((x) => x.service === s.service)!.protocol;
      for (const t of s.targets) for (const a of t.addresses) jobs.push({ target: targetFor(protocol, a.address, t.port), servername: t.target, check: a });
    }
  }
  const limiter = new HostLimiter(options.perHostConnections ?? DEFAULT_PER_HOST_CONNECTIONS);
  const probeOptions: ProbeOptions = {
    caPem: caPem ?? undefined,
    ehloName: options.ehloName,
    timeouts: options.timeouts,
    enumerateVersions: options.enumerateVersions,
    checkInjection: options.checkInjection,
    expiryWarningDays: options.expiryWarningDays,
    keepChain: true,
    signal,
  };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !signal.aborted) {
      const job = jobs[next++]!;
      const gate = limiter.forHost(job.target.host, signal);
      const counted = { run: <T>(task: () => Promise<T>) => gate.run(() => { connections++; return task(); }) };
      job.check.probe = await probe(job.target, { ...probeOptions, servername: job.servername, sni: job.sni, limiter: counted });
    }
  };
  // Settled, not raced: on a cancel every probe has closed its sockets before this returns.
  const settled = await Promise.allSettled([stsFetch, ...Array.from({ length: Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, jobs.length) }, worker)]);
  if (signal.aborted) throw signal.reason;
  const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed) throw failed.reason;

  // Every answer is in: decide whether the resolver validates, then each answer's state.
  await dns.settle(domain);
  const mxSummary = dns.summary(mxAnswer);
  for (const h of mx) {
    const l = behind.get(h)!;
    h.lookups = l.addresses.map((x) => dns.summary(x));
    h.dane.lookup = dns.summary(l.own);
    h.dane.state = daneState(h.dane.lookup, h.dane.records);
  }
  for (const s of srv) s.lookup = dns.summary(behind.get(s)!.own);
  mtaSts.lookup = dns.summary(stsAnswer);
  const rptAnswer = await rptLookup;
  const rpt = parseTlsRpt(recordsOf(rptAnswer, 'TXT').map((r) => r.text));

  const result: DomainResult = {
    domain,
    startedAt,
    resolver: { servers: client.servers.map(formatResolver), validates: dns.validates === true },
    dnssec: mxSummary.dnssec,
    mxKind: plan.kind,
    mxLookup: mxSummary,
    mx,
    srv,
    mtaSts,
    tlsRpt: { lookup: dns.summary(rptAnswer), records: rpt.records, rua: rpt.rua },
    findings: [],
    stats: { dnsQueries: 0, connections: 0, ms: 0 },
  };
  result.findings = domainFindings(result, {
    sts: stsTxt,
    policyProblems,
    rpt,
    implicitAddresses: implicit?.addresses.length ?? 0,
    implicitLookups: implicit?.lookups.map((l) => dns.summary(l)) ?? [],
    mxError: mxAnswer.error,
    besideNullMx: plan.besideNullMx ?? [],
  });
  // The chain bytes served DANE matching; the report keeps the described chain only.
  for (const a of [...mx.flatMap((h) => h.addresses), ...srv.flatMap((s) => s.targets.flatMap((t) => t.addresses))]) {
    if (a.probe?.certificate) delete a.probe.certificate.chainDer;
  }
  result.stats = { dnsQueries: client.queries, connections, ms: Date.now() - started };
  return result;
}
