/**
 * The domain's findings, from a filled-in DomainResult: DNSSEC, MX, DANE per host and address,
 * MTA-STS, TLS-RPT, and the "port 25 blocked on this side" hint. Pure.
 */
import { daneRecordFindings, judgeAddress } from './dane';
import { domainFinding } from './findings';
import { mxPatternMatches, StsTxt } from './mtaSts';
import type { TlsRptTxt } from './tlsRpt';
import type { MxEntry } from './discovery';
import { summaryFailed } from './lookups';
import type { AddressCheck, DomainFinding, DomainResult, LookupSummary } from './types';

export interface JudgeInputs {
  sts: StsTxt;
  policyProblems: string[];
  rpt: TlsRptTxt;
  implicitAddresses: number;
  /** The domain's own A and AAAA lookups, asked when it has no MX. */
  implicitLookups?: LookupSummary[];
  mxError: string | null;
  /** Other MX records published beside a null MX. */
  besideNullMx?: MxEntry[];
}

const lookupText = (l: LookupSummary) => `${l.type} ${l.rcode}${l.dnssec === 'bogus' ? ' (bogus)' : ''}`;

/** What to do when one of these failed lookups failed DNSSEC validation; nothing otherwise. */
const bogusAdvice = (failed: readonly LookupSummary[]) => (failed.some((l) => l.dnssec === 'bogus') ? ' The answer fails DNSSEC validation: re-sign the zone and check the DS at the parent.' : '');

export function domainFindings(r: DomainResult, inputs: JudgeInputs): DomainFinding[] {
  const out: DomainFinding[] = [];
  const d = r.domain;
  const resolvers = r.resolver.servers.join(', ');

  // DNSSEC and the resolver.
  if (!r.resolver.validates) {
    out.push(domainFinding('dnssec-resolver-not-validating', 'warning', d, 'The resolver does not validate DNSSEC',
      `No answer from ${resolvers} carried the AD bit, not even the DNSKEY of ${d}'s parent zones: the resolver does not validate (or cannot reach the signed zones). DNSSEC and DANE cannot be judged; nothing here is reported as secure. Give a validating resolver with --resolver IP[:PORT] (or the mailTls.resolver setting).`));
  }
  if (r.mxLookup.dnssec === 'bogus') {
    out.push(domainFinding('dnssec-bogus', 'error', d, 'The domain\'s DNS answers fail DNSSEC validation',
      `The validating resolver answered SERVFAIL for ${d} MX but gave data without validation: the zone's signatures or keys are broken, so the MX records cannot be read and no MX host was probed. Validating senders cannot find the MX at all, so mail to ${d} stalls. Re-sign the zone and check the DS at the parent.`));
  } else if (r.mxLookup.dnssec === 'insecure') {
    out.push(domainFinding('dnssec-unsigned', 'info', d, 'The domain is not DNSSEC-signed',
      `The MX answer for ${d} is not signed (insecure). DANE cannot protect mail to ${d} until the zone is signed and its DS published; MTA-STS still can.`));
  }

  // MX.
  const beside = inputs.besideNullMx ?? [];
  if (r.mxKind === 'unreadable') {
    const failed = (inputs.implicitLookups ?? []).filter(summaryFailed);
    if (inputs.mxError) {
      out.push(domainFinding('mx-lookup-failed', 'error', d, 'The MX lookup failed', `${d} MX: ${inputs.mxError}. Whether ${d} has MX hosts cannot be told; nothing was probed.`));
    } else if (r.mxLookup.dnssec === 'bogus') {
      // dnssec-bogus above says it: the MX answer is there but fails validation.
    } else if (summaryFailed(r.mxLookup)) {
      out.push(domainFinding('mx-lookup-failed', 'error', d, 'The MX lookup failed',
        `The resolver answered ${r.mxLookup.rcode} for ${d} MX: whether ${d} has MX hosts cannot be told, and nothing was probed. Senders see the same failure and retry later; check ${d}'s name servers.`));
    } else {
      out.push(domainFinding('mx-lookup-failed', 'error', d, 'The domain\'s address lookup failed',
        `${d} has no MX records, and its own address could not be read (${failed.map(lookupText).join(', ')}): whether mail goes to ${d} itself (RFC 5321 §5.1) cannot be told, and nothing was probed.${bogusAdvice(failed)}`));
    }
  } else if (r.mxKind === 'null-mx' && beside.length > 0) {
    out.push(domainFinding('mx-null-mixed', 'error', d, 'A null MX beside other MX records',
      `${d} publishes the null MX 0 . together with ${beside.map((h) => `MX ${h.preference} ${h.host}`).join(', ')}. RFC 7505 §3 says a domain with a null MX must not have other MX records, and senders differ: some bounce mail to ${d} at once, others deliver to the listed host(s). These hosts were not probed. If ${d} receives mail, remove the null MX; if it does not, remove the other records.`));
  } else if (r.mxKind === 'null-mx') {
    out.push(domainFinding('mx-null', 'info', d, 'Null MX: the domain accepts no mail', `${d} publishes MX 0 . (RFC 7505): senders bounce mail to it at once. If ${d} should receive mail, replace it with real MX records.`));
  } else if (r.mxKind === 'implicit') {
    out.push(domainFinding('mx-implicit', 'warning', d, 'No MX records: mail goes to the domain\'s own address',
      `${d} has no MX but ${inputs.implicitAddresses} address record(s); senders deliver to ${d} itself (RFC 5321 §5.1). Publish an MX record (and a null MX where the domain takes no mail). DANE and MTA-STS both expect MX hosts.`));
  } else if (r.mxKind === 'none') {
    out.push(domainFinding('mx-missing', 'error', d, 'No MX and no address', `${d} ${r.mxLookup.rcode === 'NXDOMAIN' ? 'does not exist' : 'has neither MX nor A/AAAA records'} (${r.mxLookup.rcode}): no mail can be delivered to it.`));
  }
  for (const h of r.mx) {
    if (h.addresses.length === 0) {
      const unreadable = h.lookups.some(summaryFailed);
      out.push(domainFinding('mx-no-address', 'error', h.host, unreadable ? 'An MX host\'s address cannot be read' : 'An MX host has no address',
        `${h.host} (MX ${h.preference}) ${unreadable ? 'has no address that could be read' : 'has no A or AAAA record'} (${h.lookups.map(lookupText).join(', ')}): senders skip it.`));
    } else {
      // Addresses from one family, while the other's lookup failed: only half of the host was probed.
      const failed = h.lookups.filter(summaryFailed);
      if (failed.length > 0) {
        out.push(domainFinding('mx-address-lookup-failed', 'warning', h.host, 'An MX host\'s address lookup failed',
          `${h.host} (MX ${h.preference}): ${failed.map(lookupText).join(', ')}. Only ${h.addresses.map((a) => a.address).join(', ')} could be probed; senders that need the failed ${failed.map((l) => l.type).join(' and ')} answer defer mail or try another MX.${bogusAdvice(failed)}`));
      }
    }
    out.push(...daneRecordFindings(h.host, h.dane, r.mxLookup.dnssec));
    for (const a of h.addresses) out.push(...judgeAddress(h.host, h.dane, a));
  }

  // Port 25 blocked on this side: every MX address timed out on connect while something else answered.
  const mxAddresses = r.mx.flatMap((h) => h.addresses).filter((a) => a.probe);
  const others = r.srv.flatMap((s) => s.targets.flatMap((t) => t.addresses)).filter((a) => a.probe);
  if (mxAddresses.length > 0 && mxAddresses.every(connectTimedOut) && (others.some((a) => a.probe!.timings.connect !== null) || r.mtaSts.httpStatus !== null)) {
    out.push(domainFinding('port25-blocked-locally', 'warning', d, 'Port 25 is probably blocked on this side',
      `Every MX address (${mxAddresses.map((a) => a.address).join(', ')}) timed out on port 25, while other ports of this domain answered. Many home and office networks block outgoing port 25. Probe from the mail server itself (e.g. with VS Code Remote-SSH) before concluding the MX hosts are down.`));
  }

  out.push(...mtaStsFindings(r, inputs));
  out.push(...tlsRptFindings(r, inputs.rpt));
  return out;
}

function connectTimedOut(a: AddressCheck): boolean {
  return a.probe!.timings.connect === null && a.probe!.findings.some((f) => f.id === 'timeout');
}

function mtaStsFindings(r: DomainResult, inputs: JudgeInputs): DomainFinding[] {
  const out: DomainFinding[] = [];
  const d = r.domain;
  const s = r.mtaSts;
  const txtName = `_mta-sts.${d}`;
  if (inputs.sts.records.length === 0) {
    out.push(domainFinding('mta-sts-none', 'info', d, 'No MTA-STS policy', `${txtName} has no v=STSv1 TXT record. Senders without DANE fall back to unauthenticated TLS. Publish an MTA-STS policy (RFC 8461), in testing mode first.`));
    return out;
  }
  if (inputs.sts.records.length > 1) {
    out.push(domainFinding('mta-sts-txt-multiple', 'error', d, 'More than one MTA-STS TXT record', `${txtName} has ${inputs.sts.records.length} v=STSv1 records; RFC 8461 §3.1 says senders then treat the domain as having no policy. Keep exactly one.`));
    return out;
  }
  if (inputs.sts.problems.length > 0) {
    out.push(domainFinding('mta-sts-txt-invalid', 'error', d, 'The MTA-STS TXT record is malformed', `${txtName} "${inputs.sts.records[0]}": ${inputs.sts.problems.join('; ')}.`));
  }
  if (s.policyUrl === null) return out;
  if (s.fetchError !== null || !s.policy) {
    out.push(domainFinding('mta-sts-fetch-failed', 'error', d, 'The MTA-STS policy cannot be fetched',
      `${s.policyUrl}: ${s.fetchError ?? 'no policy'}. The TXT record announces a policy that senders cannot read; serve it over HTTPS with a certificate valid for mta-sts.${d}, with status 200 and no redirect.`));
    return out;
  }
  if (inputs.policyProblems.length > 0) {
    out.push(domainFinding('mta-sts-policy-invalid', 'error', d, 'The MTA-STS policy is malformed', `${s.policyUrl}: ${inputs.policyProblems.join('; ')}.`));
  }
  const policy = s.policy;
  if (policy.mode === 'none') {
    out.push(domainFinding('mta-sts-mode-none', 'info', d, 'MTA-STS mode is none', `The policy at ${s.policyUrl} withdraws MTA-STS (mode: none).`));
    return out;
  }
  const enforce = policy.mode === 'enforce';
  const severity = enforce ? 'error' : 'warning';
  const consequence = enforce ? 'senders that honour the policy will not deliver to it' : 'in enforce mode, senders would not deliver to it (testing mode only reports it)';
  for (const h of r.mx) {
    h.mtaStsCovered = policy.mx.some((p) => mxPatternMatches(p, h.host));
    if (!h.mtaStsCovered) {
      out.push(domainFinding('mta-sts-mx-not-covered', severity, h.host, 'An MX host is not covered by the MTA-STS policy',
        `${h.host} matches none of the policy's mx patterns (${policy.mx.join(', ') || 'none'}); ${consequence}. Add "mx: ${h.host}" (or a *.parent pattern) to the policy and change the id in ${txtName}.`));
    }
    for (const a of h.addresses) {
      const cert = a.probe?.certificate;
      if (!cert || (cert.trusted && cert.hostnameMatches)) continue;
      const why = !cert.trusted ? `it is not trusted (${cert.validationError ?? 'unknown issuer'})` : `it does not name ${h.host} (${cert.chain[0]?.subjectAltNames.join(', ') || 'no names'})`;
      out.push(domainFinding('mta-sts-certificate-invalid', severity, `${h.host} (${a.address})`, 'The MX certificate is not valid for MTA-STS',
        `MTA-STS (${policy.mode}) requires each MX to present a certificate valid for its name from a public CA; the one at ${a.address} is not: ${why}. ${enforce ? 'Senders that honour the policy will not deliver to it.' : 'In enforce mode this would stop mail.'}`));
    }
  }
  if (policy.mode === 'testing') {
    out.push(domainFinding('mta-sts-testing', 'info', d, 'MTA-STS is in testing mode', `The policy reports failures (with TLS-RPT) but does not protect delivery. Switch to mode: enforce once the reports are clean.`));
  }
  return out;
}

function tlsRptFindings(r: DomainResult, rpt: TlsRptTxt): DomainFinding[] {
  const d = r.domain;
  const name = `_smtp._tls.${d}`;
  if (rpt.records.length === 0) {
    const protectedBy = r.mtaSts.policy || r.mx.some((h) => h.dane.state === 'usable');
    return [domainFinding('tlsrpt-none', protectedBy ? 'warning' : 'info', d, 'No TLS-RPT record',
      `${name} has no v=TLSRPTv1 TXT record, so senders cannot report TLS failures to you${protectedBy ? ', and with MTA-STS or DANE on, those failures are lost mail' : ''}. Publish e.g. "v=TLSRPTv1; rua=mailto:tlsrpt@${d}" (RFC 8460).`)];
  }
  if (rpt.records.length > 1) {
    return [domainFinding('tlsrpt-multiple', 'warning', d, 'More than one TLS-RPT record', `${name} has ${rpt.records.length} v=TLSRPTv1 records; RFC 8460 §3 says senders then send no reports. Keep one.`)];
  }
  if (rpt.problems.length > 0) {
    return [domainFinding('tlsrpt-invalid', 'warning', d, 'The TLS-RPT record is malformed', `${name} "${rpt.records[0]}": ${rpt.problems.join('; ')}.`)];
  }
  return [];
}
