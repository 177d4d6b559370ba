// The domain findings from a filled-in result: cases the live suite cannot stage cheaply
// (port 25 blocked on this side, MTA-STS certificate rules by mode, DANE record hygiene).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readFileSync, rmSync } from 'node:fs';
import { daneRecordFindings, daneState, judgeAddress } from '../../../src/core/domain/dane';
import { tlsaForCertificate } from '../../../src/core/dns/tlsa';
import { domainFindings, JudgeInputs } from '../../../src/core/domain/judge';
import { parsePolicy, parseStsTxt } from '../../../src/core/domain/mtaSts';
import { parseTlsRpt } from '../../../src/core/domain/tlsRpt';
import type { AddressCheck, DaneInfo, DomainResult, LookupSummary, MxHostCheck } from '../../../src/core/domain/types';
import { emptyResult } from '../../../src/core/probe/probe';
import { parseTarget } from '../../../src/core/probe/target';
import type { ProbeResult } from '../../../src/core/probe/types';
import { DANE_MX, makeDanePki } from '../../support/certs';

const secure = (name: string, type: string): LookupSummary => ({ name, type, rcode: 'NOERROR', dnssec: 'secure' });

function probeResult(url: string, shape: 'ok' | 'timeout' | 'untrusted'): ProbeResult {
  const r = emptyResult(parseTarget(url), new Date());
  if (shape === 'timeout') {
    r.findings.push({ id: 'timeout', severity: 'error', title: 'Timed out waiting for connect', detail: 'connect' });
    return r;
  }
  r.ok = true;
  r.timings.connect = 3;
  r.certificate = { chain: [], trusted: shape === 'ok', validationError: shape === 'ok' ? null : 'SELF_SIGNED_CERT_IN_CHAIN', hostnameMatches: true, daysLeft: 90 };
  return r;
}

function address(a: string, probe: ProbeResult | null): AddressCheck {
  return { address: a, family: 4, probe, daneMatch: null, daneMatched: [] };
}

function host(name: string, addresses: AddressCheck[], dane: Partial<DaneInfo> = {}): MxHostCheck {
  return {
    preference: 10, host: name, lookups: [], addresses, mtaStsCovered: null,
    dane: { name: `_25._tcp.${name}`, lookup: secure(`_25._tcp.${name}`, 'TLSA'), records: [], state: 'none', ...dane },
  };
}

function result(mx: MxHostCheck[], extra: Partial<DomainResult> = {}): DomainResult {
  return {
    domain: 'example.org', startedAt: '', resolver: { servers: ['127.0.0.1:53'], validates: true }, dnssec: 'secure', mxKind: 'mx',
    mxLookup: secure('example.org', 'MX'), mx, srv: [],
    mtaSts: { lookup: secure('_mta-sts.example.org', 'TXT'), records: [], id: null, policyUrl: null, httpStatus: null, fetchError: null, policy: null },
    tlsRpt: { lookup: secure('_smtp._tls.example.org', 'TXT'), records: [], rua: [] },
    findings: [], stats: { dnsQueries: 0, connections: 0, ms: 0 }, ...extra,
  };
}

const inputs = (over: Partial<JudgeInputs> = {}): JudgeInputs => ({ sts: parseStsTxt([]), policyProblems: [], rpt: parseTlsRpt([]), implicitAddresses: 0, mxError: null, ...over });
const ids = (r: DomainResult, i = inputs()) => domainFindings(r, i).map((f) => f.id);

test('port 25 blocked locally: every MX times out while a SRV port answered', () => {
  const mx = [host('mx1.example.org', [address('192.0.2.1', probeResult('smtp://192.0.2.1:25', 'timeout'))]), host('mx2.example.org', [address('192.0.2.2', probeResult('smtp://192.0.2.2:25', 'timeout'))])];
  const srv = [{ service: '_imaps' as const, name: '_imaps._tcp.example.org', lookup: secure('_imaps._tcp.example.org', 'SRV'), notOffered: false, targets: [{ priority: 0, weight: 1, port: 993, target: 'mail.example.org', addresses: [address('192.0.2.3', probeResult('imaps://192.0.2.3:993', 'ok'))] }] }];
  assert.ok(ids(result(mx, { srv })).includes('port25-blocked-locally'));
  // Nothing else answered: the MX hosts may really be down, so no such guess.
  assert.ok(!ids(result(mx)).includes('port25-blocked-locally'));
  // One MX answered: port 25 is not blocked here.
  const oneUp = [mx[0]!, host('mx2.example.org', [address('192.0.2.2', probeResult('smtp://192.0.2.2:25', 'ok'))])];
  assert.ok(!ids(result(oneUp, { srv })).includes('port25-blocked-locally'));
});

test('MTA-STS: an MX certificate not valid for its name is an error in enforce, a warning in testing', () => {
  for (const [mode, severity] of [['enforce', 'error'], ['testing', 'warning']] as const) {
    const mx = [host('mx1.example.org', [address('192.0.2.1', probeResult('smtp://192.0.2.1:25', 'untrusted'))])];
    const { policy } = parsePolicy(`version: STSv1\nmode: ${mode}\nmx: mx1.example.org\nmax_age: 604800\n`);
    const r = result(mx, { mtaSts: { lookup: secure('_mta-sts.example.org', 'TXT'), records: ['v=STSv1; id=1'], id: '1', policyUrl: 'https://mta-sts.example.org/.well-known/mta-sts.txt', httpStatus: 200, fetchError: null, policy } });
    const found = domainFindings(r, inputs({ sts: parseStsTxt(['v=STSv1; id=1']) }));
    assert.equal(found.find((f) => f.id === 'mta-sts-certificate-invalid')?.severity, severity, mode);
    assert.equal(r.mx[0]!.mtaStsCovered, true);
    assert.ok(!found.some((f) => f.id === 'mta-sts-mx-not-covered'));
  }
});

test('MTA-STS: several TXT records, and a policy that cannot be fetched', () => {
  assert.ok(ids(result([]), inputs({ sts: parseStsTxt(['v=STSv1; id=1', 'v=STSv1; id=2']) })).includes('mta-sts-txt-multiple'));
  const r = result([], { mtaSts: { lookup: secure('_mta-sts.example.org', 'TXT'), records: ['v=STSv1; id=1'], id: '1', policyUrl: 'https://mta-sts.example.org/.well-known/mta-sts.txt', httpStatus: 301, fetchError: 'HTTP 301 (a redirect to https://elsewhere/)', policy: null } });
  const f = domainFindings(r, inputs({ sts: parseStsTxt(['v=STSv1; id=1']) })).find((x) => x.id === 'mta-sts-fetch-failed');
  assert.match(f?.detail ?? '', /HTTP 301/);
});

test('DANE records: state from DNSSEC, usage 0/1, a single record, a secure TLSA behind an insecure MX', () => {
  const lookup = secure('_25._tcp.mx.example.org', 'TLSA');
  const one = [{ usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }];
  assert.equal(daneState(lookup, one), 'usable');
  assert.equal(daneState({ ...lookup, dnssec: 'insecure' }, one), 'not-secure');
  assert.equal(daneState({ ...lookup, dnssec: 'unvalidated' }, one), 'unknown');
  assert.equal(daneState({ ...lookup, dnssec: 'bogus', rcode: 'SERVFAIL' }, []), 'bogus');
  assert.equal(daneState({ ...lookup, rcode: 'NXDOMAIN' }, []), 'none');
  const dane: DaneInfo = { name: '_25._tcp.mx.example.org', lookup, records: one, state: 'usable' };
  assert.deepEqual(daneRecordFindings('mx.example.org', dane, 'secure').map((f) => f.id), ['dane-no-rollover']);
  assert.deepEqual(daneRecordFindings('mx.example.org', dane, 'insecure').map((f) => f.id), ['dane-mx-not-secure', 'dane-no-rollover']);
  const pkix = { ...dane, records: [...one, { usage: 1, selector: 1, matchingType: 1, data: 'cd'.repeat(32) }, { usage: 3, selector: 1, matchingType: 1, data: 'abcd' }] };
  assert.deepEqual(daneRecordFindings('mx.example.org', pkix, 'secure').map((f) => f.id), ['dane-pkix-usage', 'dane-tlsa-unusable', 'dane-no-rollover']);
  const rollover = { ...dane, records: [...one, { usage: 2, selector: 1, matchingType: 1, data: 'ef'.repeat(32) }] };
  assert.deepEqual(daneRecordFindings('mx.example.org', rollover, 'secure'), []);
});

test('MX kinds and the resolver: null, implicit, missing, not validating', () => {
  assert.ok(ids(result([], { mxKind: 'null-mx' })).includes('mx-null'));
  assert.ok(ids(result([], { mxKind: 'implicit' }), inputs({ implicitAddresses: 1 })).includes('mx-implicit'));
  assert.ok(ids(result([], { mxKind: 'none', mxLookup: { ...secure('example.org', 'MX'), rcode: 'NXDOMAIN' } })).includes('mx-missing'));
  const notValidating = result([], { resolver: { servers: ['127.0.0.1:53'], validates: false }, dnssec: 'unvalidated' });
  assert.ok(ids(notValidating).includes('dnssec-resolver-not-validating'));
  assert.ok(ids(result([host('mx.example.org', [])])).includes('mx-no-address'));
});

test('an MX host whose AAAA lookup failed while its A answered: a warning naming the failed lookup, the A still probed', () => {
  const a = secure('mx.example.org', 'A');
  const aaaa = { ...secure('mx.example.org', 'AAAA'), rcode: 'SERVFAIL' };
  const half = { ...host('mx.example.org', [address('192.0.2.1', null)]), lookups: [a, aaaa] };
  const found = domainFindings(result([half]), inputs());
  const f = found.find((x) => x.id === 'mx-address-lookup-failed');
  assert.ok(f, found.map((x) => x.id).join());
  assert.equal(f.severity, 'warning');
  assert.match(f.detail, /AAAA SERVFAIL/);
  assert.match(f.detail, /Only 192\.0\.2\.1 could be probed/);
  assert.ok(!found.some((x) => x.id === 'mx-no-address'));
  // Both answered: nothing to say.
  const whole = { ...half, lookups: [a, secure('mx.example.org', 'AAAA')] };
  assert.ok(!domainFindings(result([whole]), inputs()).some((x) => x.id === 'mx-address-lookup-failed'));
});

test('an unreadable MX: why it could not be read, never "no MX"', () => {
  const servfail = { ...secure('example.org', 'MX'), rcode: 'SERVFAIL' };
  const bogus = result([], { mxKind: 'unreadable', dnssec: 'bogus', mxLookup: { ...servfail, dnssec: 'bogus' } });
  const bogusIds = ids(bogus);
  assert.ok(bogusIds.includes('dnssec-bogus') && !bogusIds.includes('mx-missing') && !bogusIds.includes('mx-lookup-failed'), bogusIds.join());
  assert.match(domainFindings(bogus, inputs()).find((f) => f.id === 'dnssec-bogus')!.detail, /MX records cannot be read/);

  const failed = domainFindings(result([], { mxKind: 'unreadable', dnssec: 'unvalidated', mxLookup: { ...servfail, dnssec: 'unvalidated' } }), inputs());
  assert.deepEqual(failed.filter((f) => f.id.startsWith('mx-')).map((f) => [f.id, f.severity]), [['mx-lookup-failed', 'error']]);
  assert.match(failed[0]!.detail, /answered SERVFAIL for example\.org MX/);

  const timedOut = domainFindings(result([], { mxKind: 'unreadable', mxLookup: { ...servfail, rcode: 'TIMEOUT', dnssec: 'unvalidated' } }), inputs({ mxError: 'no answer from 127.0.0.1:53' }));
  assert.match(timedOut.find((f) => f.id === 'mx-lookup-failed')!.detail, /no answer from 127\.0\.0\.1:53/);

  const implicitLookups = [{ ...secure('example.org', 'A'), rcode: 'SERVFAIL', dnssec: 'bogus' as const }, secure('example.org', 'AAAA')];
  const noAddress = domainFindings(result([], { mxKind: 'unreadable', mxLookup: secure('example.org', 'MX') }), inputs({ implicitLookups }));
  const f = noAddress.find((x) => x.id === 'mx-lookup-failed');
  assert.ok(f && f.severity === 'error' && !noAddress.some((x) => x.id === 'mx-missing'), JSON.stringify(noAddress));
  assert.match(f.detail, /A SERVFAIL \(bogus\)/);
  assert.doesNotMatch(f.detail, /AAAA/, 'only the failed lookups are named');
});

test('a null MX beside other MX records: an error naming them, not the null MX notice', () => {
  const besideNullMx = [{ preference: 10, host: 'mx1.example.org' }, { preference: 20, host: 'mx2.example.org' }];
  const found = domainFindings(result([], { mxKind: 'null-mx' }), inputs({ besideNullMx }));
  const f = found.find((x) => x.id === 'mx-null-mixed');
  assert.equal(f?.severity, 'error');
  assert.match(f.detail, /MX 10 mx1\.example\.org, MX 20 mx2\.example\.org/);
  assert.ok(!found.some((x) => x.id === 'mx-null'));
  assert.ok(ids(result([], { mxKind: 'null-mx' })).includes('mx-null'), 'a lone null MX stays a notice');
});

test('DANE-TA behind a secure CNAME: the certificate may name the CNAME target instead of the MX name', () => {
  const pki = makeDanePki();
  after(() => rmSync(pki.dir, { recursive: true, force: true }));
  const der = (file: string) => readFileSync(pki.file(file), 'utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!.map((pem) => pem.replace(/-----[^-]+-----|\s/g, ''));
  const probe = probeResult('smtp://192.0.2.1:25', 'ok');
  probe.certificate = { ...probe.certificate!, chainDer: der('chain.pem') };
  const records = [tlsaForCertificate(pki.cert('int'), 2)];
  // The MX is alias.example.org, a CNAME for mx.dane.test, which the certificate names.
  const viaCname: DaneInfo = { name: `_25._tcp.${DANE_MX}`, cnameTarget: DANE_MX, lookup: secure(`_25._tcp.${DANE_MX}`, 'TLSA'), records, state: 'usable' };
  const a = address('192.0.2.1', probe);
  assert.deepEqual(judgeAddress('alias.example.org', viaCname, a), []);
  assert.equal(a.daneMatch, true);
  // Without the CNAME, the same chain does not name the MX host: a DANE-TA name mismatch.
  const b = address('192.0.2.1', probe);
  const direct: DaneInfo = { ...viaCname, name: '_25._tcp.alias.example.org', cnameTarget: undefined };
  assert.deepEqual(judgeAddress('alias.example.org', direct, b).map((f) => f.id), ['dane-name-mismatch']);
  assert.equal(b.daneMatch, false);
});

test('TLS-RPT: missing is a warning once MTA-STS or DANE protects delivery', () => {
  assert.equal(domainFindings(result([]), inputs()).find((f) => f.id === 'tlsrpt-none')?.severity, 'info');
  const withDane = result([host('mx.example.org', [], { state: 'usable' })]);
  assert.equal(domainFindings(withDane, inputs()).find((f) => f.id === 'tlsrpt-none')?.severity, 'warning');
  assert.ok(ids(result([]), inputs({ rpt: parseTlsRpt(['v=TLSRPTv1; rua=gopher://x']) })).includes('tlsrpt-invalid'));
});
