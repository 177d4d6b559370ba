// A domain's grade is its weakest MX's; its DNS findings are listed beside it, not folded in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AddressCheck, DomainResult, MxHostCheck } from '../../../src/core/domain/types';
import type { ProbeResult } from '../../../src/core/probe/types';
import { domainReportInput, domainSection, renderReportHtml } from '../../../src/core/report';
import { finding, sample } from '../../support/sampleResults';

const lookup = { name: 'x', type: 'A', rcode: 'NOERROR', dnssec: 'secure' as const };

function address(probe: ProbeResult | null): AddressCheck {
  return { address: probe?.address ?? '192.0.2.9', family: 4, probe, daneMatch: null, daneMatched: [] };
}

function mx(preference: number, host: string, probes: (ProbeResult | null)[]): MxHostCheck {
  return { preference, host, lookups: [lookup], addresses: probes.map(address), dane: { name: `_25._tcp.${host}`, lookup, records: [], state: 'none' }, mtaStsCovered: null };
}

function domain(hosts: MxHostCheck[]): DomainResult {
  return {
    domain: 'example.org', startedAt: '2026-12-02T10:00:00.000Z', resolver: { servers: ['127.0.0.1'], validates: true }, dnssec: 'secure',
    mxKind: 'mx', mxLookup: lookup, mx: hosts, srv: [],
    mtaSts: { lookup, records: [], id: null, policyUrl: null, httpStatus: null, fetchError: null, policy: null },
    tlsRpt: { lookup, records: [], rua: [] },
    findings: [{ ...finding('dane-none', 'info', 'No DANE', 'No TLSA records.'), subject: 'mx1.example.org' }, { ...finding('mta-sts-missing', 'warning', 'No MTA-STS', 'No policy.'), subject: 'example.org' }],
    stats: { dnsQueries: 12, connections: 4, ms: 900 },
  };
}

describe('domain report', () => {
  const good = sample({ target: 'smtp://192.0.2.1:25' });
  const legacy = sample({ target: 'smtp://192.0.2.2:25', address: '192.0.2.2', versions: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true }, findings: [finding('tls-legacy-version', 'info')] });

  it('grades the domain as its weakest MX and lists the DNS findings apart', () => {
    const section = domainSection(domain([mx(10, 'mx1.example.org', [good]), mx(20, 'mx2.example.org', [legacy])]));
    assert.deepEqual(section.mx.map((m) => [m.host, m.letter]), [['mx1.example.org', 'A'], ['mx2.example.org', 'A-']]);
    assert.equal(section.letter, 'A-');
    assert.match(section.reasons[0]!, /weakest MX's grade: mx2\.example\.org \(A-\)/);
    assert.match(section.reasons.at(-1)!, /0 error\(s\), 1 warning\(s\)/);
    assert.deepEqual(section.findings.map((f) => f.id), ['dane-none', 'mta-sts-missing']);
    assert.equal(section.findings[0]!.detail, 'mx1.example.org: No TLSA records.');
  });

  it('an MX that could not be probed is named, not graded', () => {
    const section = domainSection(domain([mx(10, 'mx1.example.org', [good]), mx(20, 'mx2.example.org', [null])]));
    assert.equal(section.letter, 'A');
    assert.match(section.reasons.join('\n'), /not graded: mx2\.example\.org/);
  });

  it('the HTML file holds the domain card, the MX table and each endpoint', () => {
    const html = renderReportHtml(domainReportInput([domain([mx(10, 'mx1.example.org', [good]), mx(20, 'mx2.example.org', [legacy])])]));
    assert.match(html, /<title>Mail TLS report: example\.org<\/title>/);
    assert.match(html, /data-part="domain"/);
    assert.equal((html.match(/<article class="endpoint"/g) ?? []).length, 2);
    assert.equal((html.match(/class="card-letter"/g) ?? []).length, 3, 'the domain card and one per endpoint');
  });
});
