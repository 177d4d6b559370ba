// The pure readers of the domain check: MTA-STS TXT and policy, mx patterns, TLS-RPT, MX plans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planMx } from '../../../src/core/domain/discovery';
import type { Lookup } from '../../../src/core/domain/lookups';
import { mxPatternMatches, parsePolicy, parseStsTxt } from '../../../src/core/domain/mtaSts';
import { parseTlsRpt } from '../../../src/core/domain/tlsRpt';
import type { DnsRecord } from '../../../src/core/dns/types';

test('MTA-STS TXT: exactly one v=STSv1 record with an id', () => {
  assert.deepEqual(parseStsTxt(['v=STSv1; id=20260101T000000']), { records: ['v=STSv1; id=20260101T000000'], id: '20260101T000000', problems: [] });
  assert.equal(parseStsTxt(['v=spf1 -all', 'v=STSv1; id=a']).id, 'a', 'other TXT records are ignored');
  const two = parseStsTxt(['v=STSv1; id=a', 'v=STSv1; id=b']);
  assert.equal(two.records.length, 2);
  assert.equal(two.id, null);
  assert.deepEqual(parseStsTxt(['v=STSv1;']).problems, ['the id field is missing']);
  assert.match(parseStsTxt(['v=STSv1; id=has-dash']).problems[0]!, /letters or digits/);
  assert.equal(parseStsTxt(['v=STSv10; id=a']).records.length, 0, 'v=STSv10 is not v=STSv1');
});

test('MTA-STS policy: fields, CRLF, problems', () => {
  const { policy, problems } = parsePolicy('version: STSv1\r\nmode: enforce\r\nmx: mx1.example.org\r\nmx: *.example.net\r\nmax_age: 86400\r\n');
  assert.deepEqual(policy, { version: 'STSv1', mode: 'enforce', mx: ['mx1.example.org', '*.example.net'], maxAge: 86400 });
  assert.deepEqual(problems, []);
  const bad = parsePolicy('version: STSv2\nmode: strict\nmax_age: 99999999\n<html>');
  assert.deepEqual(bad.policy.mode, null);
  assert.ok(bad.problems.some((p) => p.includes("version 'STSv2'")));
  assert.ok(bad.problems.some((p) => p.includes("mode 'strict'")));
  assert.ok(bad.problems.some((p) => p.includes('above the limit')));
  assert.ok(bad.problems.some((p) => p.includes('not \'key: value\'')));
  assert.ok(bad.problems.some((p) => p.includes('no mx pattern')));
  assert.deepEqual(parsePolicy('version: STSv1\nmode: none\nmax_age: 1\n').problems, [], 'mode none needs no mx');
});

test('MTA-STS mx patterns: a wildcard covers exactly one label', () => {
  assert.ok(mxPatternMatches('mx1.example.org', 'MX1.example.org.'));
  assert.ok(mxPatternMatches('*.example.org', 'mx1.example.org'));
  assert.ok(!mxPatternMatches('*.example.org', 'a.b.example.org'));
  assert.ok(!mxPatternMatches('*.example.org', 'example.org'));
  assert.ok(!mxPatternMatches('mx1.example.org', 'mx2.example.org'));
});

test('TLS-RPT: rua targets, and what makes a record useless', () => {
  assert.deepEqual(parseTlsRpt(['v=TLSRPTv1; rua=mailto:tls@example.org,https://r.example.org/tls']).rua, ['mailto:tls@example.org', 'https://r.example.org/tls']);
  assert.deepEqual(parseTlsRpt(['v=TLSRPTv1; rua=mailto:tls@example.org']).problems, []);
  assert.match(parseTlsRpt(['v=TLSRPTv1;']).problems[0]!, /rua field is missing/);
  assert.match(parseTlsRpt(['v=TLSRPTv1; rua=ftp://x']).problems[0]!, /neither mailto/);
  assert.equal(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@b.c', 'v=TLSRPTv1; rua=mailto:d@e.f']).records.length, 2);
});

function lookup(rcode: string, records: DnsRecord[]): Lookup {
  return { name: 'example.org', type: 'MX', bogus: false, error: null, response: { name: 'example.org', type: 'MX', rcode, authenticated: false, signed: false, records, cnames: [], server: '127.0.0.1:53', tcp: false } };
}
const mx = (preference: number, exchange: string): DnsRecord => ({ type: 'MX', name: 'example.org', ttl: 60, preference, exchange });

test('MX plan: preference order, null MX, implicit MX, none', () => {
  assert.deepEqual(planMx('example.org', lookup('NOERROR', [mx(20, 'b.example.org'), mx(10, 'z.example.org'), mx(10, 'a.example.org'), mx(30, 'a.example.org')]), null), {
    kind: 'mx',
    hosts: [{ preference: 10, host: 'a.example.org' }, { preference: 10, host: 'z.example.org' }, { preference: 20, host: 'b.example.org' }],
  });
  assert.deepEqual(planMx('example.org', lookup('NOERROR', [mx(0, '')]), null), { kind: 'null-mx', hosts: [] });
  assert.deepEqual(planMx('example.org', lookup('NOERROR', []), true), { kind: 'implicit', hosts: [{ preference: 0, host: 'example.org' }] });
  assert.deepEqual(planMx('example.org', lookup('NOERROR', []), false), { kind: 'none', hosts: [] });
  assert.deepEqual(planMx('example.org', lookup('NXDOMAIN', []), null), { kind: 'none', hosts: [] });
});

test('MX plan: a null MX beside other MX records keeps those records for the report', () => {
  assert.deepEqual(planMx('example.org', lookup('NOERROR', [mx(10, 'mx.example.org'), mx(0, ''), mx(20, 'b.example.org')]), null), {
    kind: 'null-mx',
    hosts: [],
    besideNullMx: [{ preference: 10, host: 'mx.example.org' }, { preference: 20, host: 'b.example.org' }],
  });
});

test('MX plan: a failed or bogus MX lookup, or failed address lookups without MX, is unreadable, not "none"', () => {
  assert.deepEqual(planMx('example.org', lookup('SERVFAIL', []), null), { kind: 'unreadable', hosts: [] });
  assert.deepEqual(planMx('example.org', lookup('REFUSED', []), null), { kind: 'unreadable', hosts: [] });
  assert.deepEqual(planMx('example.org', { ...lookup('SERVFAIL', []), bogus: true }, null), { kind: 'unreadable', hosts: [] });
  assert.deepEqual(planMx('example.org', { ...lookup('NOERROR', []), response: null, error: 'timed out' }, null), { kind: 'unreadable', hosts: [] });
  const a = { ...lookup('SERVFAIL', []), type: 'A' as const };
  const aaaa = { ...lookup('NOERROR', []), type: 'AAAA' as const };
  assert.deepEqual(planMx('example.org', lookup('NOERROR', []), false, [a, aaaa]), { kind: 'unreadable', hosts: [] });
  assert.deepEqual(planMx('example.org', lookup('NOERROR', []), false, [{ ...a, response: aaaa.response }, aaaa]), { kind: 'none', hosts: [] });
});
