// checkDomain's DNS side against a scripted resolver (no probes): every A and AAAA of an MX,
// the implicit MX, SRV "not offered", and SERVFAIL told apart as bogus with Checking Disabled.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as packet from 'dns-packet';
import { checkDomain } from '../../../src/core/domain';
import { fakeResolver, FakeResolver, response } from '../../support/fakeResolver';

const tlsa = (name: string, byte: number) => ({ type: 'TLSA', name, data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, byte) } }) as unknown as packet.Answer;
const cname = (name: string, target: string, address: string): packet.Answer[] => [{ type: 'CNAME', name, data: target }, { type: 'A', name: target, data: address }];

const ZONE: Record<string, packet.Answer[]> = {
  'example.test MX': [{ type: 'MX', name: 'example.test', data: { preference: 10, exchange: 'mx.example.test' } }],
  'mx.example.test A': [{ type: 'A', name: 'mx.example.test', data: '192.0.2.1' }],
  'mx.example.test AAAA': [{ type: 'AAAA', name: 'mx.example.test', data: '2001:db8::1' }, { type: 'AAAA', name: 'mx.example.test', data: '2001:db8::2' }],
  '_imap._tcp.example.test SRV': [{ type: 'SRV', name: '_imap._tcp.example.test', data: { priority: 0, weight: 0, port: 0, target: '.' } }],
  'implicit.test A': [{ type: 'A', name: 'implicit.test', data: '192.0.2.9' }],
  'mixednull.test MX': [
    { type: 'MX', name: 'mixednull.test', data: { preference: 0, exchange: '.' } },
    { type: 'MX', name: 'mixednull.test', data: { preference: 10, exchange: 'mx.mixednull.test' } },
  ],
  // MX hosts that are CNAMEs (RFC 7672 §2.2.2): TLSA at the target first, else at the MX name.
  'cname.test MX': [{ type: 'MX', name: 'cname.test', data: { preference: 10, exchange: 'mx.cname.test' } }],
  'mx.cname.test A': cname('mx.cname.test', 'host.provider.test', '192.0.2.5'),
  '_25._tcp.host.provider.test TLSA': [tlsa('_25._tcp.host.provider.test', 0xaa)],
  '_25._tcp.mx.cname.test TLSA': [tlsa('_25._tcp.mx.cname.test', 0xbb)],
  'cnamefallback.test MX': [{ type: 'MX', name: 'cnamefallback.test', data: { preference: 10, exchange: 'mx.cnamefallback.test' } }],
  'mx.cnamefallback.test A': cname('mx.cnamefallback.test', 'bare.provider.test', '192.0.2.6'),
  '_25._tcp.mx.cnamefallback.test TLSA': [tlsa('_25._tcp.mx.cnamefallback.test', 0xbb)],
  'cnameinsecure.test MX': [{ type: 'MX', name: 'cnameinsecure.test', data: { preference: 10, exchange: 'mx.cnameinsecure.test' } }],
  'mx.cnameinsecure.test A': cname('mx.cnameinsecure.test', 'unsigned.provider.test', '192.0.2.7'),
  '_25._tcp.unsigned.provider.test TLSA': [tlsa('_25._tcp.unsigned.provider.test', 0xaa)],
  '_25._tcp.mx.cnameinsecure.test TLSA': [tlsa('_25._tcp.mx.cnameinsecure.test', 0xbb)],
  'bogus.test MX': [{ type: 'MX', name: 'bogus.test', data: { preference: 10, exchange: 'mx.bogus.test' } }],
};

let resolver: FakeResolver;
const asked: string[] = [];
after(() => resolver?.close());

async function start() {
  resolver ??= await fakeResolver((q) => {
    const question = q.questions![0]!;
    const key = `${question.name} ${question.type}`;
    asked.push(key);
    const cd = Boolean((q.flags ?? 0) & packet.CHECKING_DISABLED);
    // A TLSA whose signatures fail: SERVFAIL, unless validation is switched off.
    // An MX RRset whose signature fails, at the domain itself.
    if (key === 'bogusmx.test MX') {
      return cd ? response(q, 0, [{ type: 'MX', name: question.name, data: { preference: 10, exchange: 'mx.bogusmx.test' } }]) : response(q, 0, [], 2);
    }
    // A broken server: SERVFAIL with and without validation.
    if (key === 'broken.test MX') return response(q, 0, [], 2);
    // No MX, and the domain's own A fails validation.
    if (key === 'noaddr.test A') {
      return cd ? response(q, 0, [{ type: 'A', name: question.name, data: '192.0.2.7' }]) : response(q, 0, [], 2);
    }
    if (key === '_25._tcp.mx.bogus.test TLSA') {
      return cd ? response(q, 0, [{ type: 'TLSA', name: question.name, data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 1) } } as unknown as packet.Answer]) : response(q, 0, [], 2);
    }
    const known = Object.keys(ZONE).some((k) => k.split(' ')[0] === question.name);
    // The CNAME chain of mx.cnameinsecure.test ends in an unsigned zone: no AD on that answer.
    const flags = question.name === 'mx.cnameinsecure.test' ? 0 : packet.AUTHENTIC_DATA;
    return response(q, flags, ZONE[key] ?? [], known || question.name.endsWith('.test') || question.name === 'test' ? 0 : 3);
  });
  return resolver.address;
}

test('every A and AAAA of an MX host, and a SRV with target "." as not offered', async () => {
  const r = await checkDomain('Example.Test.', { resolvers: [await start()], probe: false, fetchMtaSts: false });
  assert.equal(r.domain, 'example.test');
  assert.equal(r.dnssec, 'secure');
  assert.deepEqual(r.mx[0]!.addresses.map((a) => [a.address, a.family]), [['192.0.2.1', 4], ['2001:db8::1', 6], ['2001:db8::2', 6]]);
  assert.equal(r.srv.find((s) => s.service === '_imap')!.notOffered, true);
  assert.equal(r.stats.connections, 0);
  assert.equal(new Set(asked).size, asked.length, 'no question asked twice');
});

test('no MX but an address: the implicit MX is the domain itself', async () => {
  const r = await checkDomain('implicit.test', { resolvers: [await start()], probe: false });
  assert.equal(r.mxKind, 'implicit');
  assert.deepEqual(r.mx.map((h) => [h.host, h.addresses.map((a) => a.address)]), [['implicit.test', ['192.0.2.9']]]);
  assert.ok(r.findings.some((f) => f.id === 'mx-implicit'));
});

test('a null MX beside a real MX: an error that names the real host, which is not looked up or probed', async () => {
  const r = await checkDomain('mixednull.test', { resolvers: [await start()], fetchMtaSts: false });
  assert.equal(r.mxKind, 'null-mx');
  const f = r.findings.find((x) => x.id === 'mx-null-mixed');
  assert.equal(f?.severity, 'error', JSON.stringify(r.findings));
  assert.match(f.detail, /MX 10 mx\.mixednull\.test/);
  assert.ok(!r.findings.some((x) => x.id === 'mx-null'));
  assert.equal(r.stats.connections, 0);
  assert.ok(!asked.some((k) => k.startsWith('mx.mixednull.test ')), asked.join());
});

test('an MX host behind a secure CNAME: TLSA at the CNAME target first, at the MX name when the target has none', async () => {
  const address = await start();
  const r = await checkDomain('cname.test', { resolvers: [address], probe: false, fetchMtaSts: false });
  const dane = r.mx[0]!.dane;
  assert.deepEqual(r.mx[0]!.addresses.map((a) => a.address), ['192.0.2.5']);
  assert.equal(dane.name, '_25._tcp.host.provider.test');
  assert.equal(dane.cnameTarget, 'host.provider.test');
  assert.deepEqual(dane.records.map((x) => x.data), ['aa'.repeat(32)]);
  assert.equal(dane.state, 'usable');

  const fallback = (await checkDomain('cnamefallback.test', { resolvers: [address], probe: false, fetchMtaSts: false })).mx[0]!.dane;
  assert.ok(asked.includes('_25._tcp.bare.provider.test TLSA'), 'the target was asked first');
  assert.equal(fallback.name, '_25._tcp.mx.cnamefallback.test');
  assert.equal(fallback.cnameTarget, undefined);
  assert.deepEqual(fallback.records.map((x) => x.data), ['bb'.repeat(32)]);
});

test('an MX host behind a CNAME that does not validate: TLSA at the MX name only', async () => {
  const r = await checkDomain('cnameinsecure.test', { resolvers: [await start()], probe: false, fetchMtaSts: false });
  const dane = r.mx[0]!.dane;
  assert.equal(dane.name, '_25._tcp.mx.cnameinsecure.test');
  assert.deepEqual(dane.records.map((x) => x.data), ['bb'.repeat(32)]);
  assert.ok(!asked.includes('_25._tcp.unsigned.provider.test TLSA'), asked.join());
});

test('SERVFAIL that answers with Checking Disabled is bogus', async () => {
  const r = await checkDomain('bogus.test', { resolvers: [await start()], probe: false });
  assert.equal(r.mx[0]!.dane.lookup.dnssec, 'bogus');
  assert.equal(r.mx[0]!.dane.state, 'bogus');
  assert.ok(r.findings.some((f) => f.id === 'dane-tlsa-bogus'));
});

test('a bogus MX answer: dnssec-bogus, not "no MX", and nothing asked about or probed behind it', async () => {
  const r = await checkDomain('bogusmx.test', { resolvers: [await start()], fetchMtaSts: false });
  assert.equal(r.dnssec, 'bogus');
  assert.equal(r.mxKind, 'unreadable');
  assert.deepEqual(r.mx, []);
  const ids = r.findings.map((f) => f.id);
  assert.equal(r.findings.find((f) => f.id === 'dnssec-bogus')?.severity, 'error');
  assert.ok(!ids.includes('mx-missing'), ids.join());
  assert.equal(r.stats.connections, 0);
  assert.ok(!asked.some((k) => k.startsWith('mx.bogusmx.test ') || k === 'bogusmx.test A'), asked.join());
});

test('an MX lookup that fails without validation too: mx-lookup-failed with the rcode, not "no MX"', async () => {
  const r = await checkDomain('broken.test', { resolvers: [await start()], probe: false, fetchMtaSts: false });
  assert.equal(r.mxKind, 'unreadable');
  const ids = r.findings.map((f) => f.id);
  assert.ok(ids.includes('mx-lookup-failed') && !ids.includes('mx-missing') && !ids.includes('dnssec-bogus'), ids.join());
  assert.match(r.findings.find((f) => f.id === 'mx-lookup-failed')!.detail, /SERVFAIL/);
});

test('no MX and a bogus address at the domain: the address could not be read, not "no MX and no address"', async () => {
  const r = await checkDomain('noaddr.test', { resolvers: [await start()], probe: false, fetchMtaSts: false });
  assert.equal(r.mxKind, 'unreadable');
  const f = r.findings.find((x) => x.id === 'mx-lookup-failed');
  assert.ok(f && !r.findings.some((x) => x.id === 'mx-missing'), JSON.stringify(r.findings));
  assert.match(f.detail, /A SERVFAIL \(bogus\)/);
});

test('a resolver that never answers: lookups fail with TIMEOUT, bounded by the DNS timeout', async () => {
  const silent = await fakeResolver(() => null);
  try {
    const t0 = Date.now();
    const r = await checkDomain('example.test', { resolvers: [silent.address], dnsTimeout: 100, probe: false });
    assert.equal(r.mxLookup.rcode, 'TIMEOUT');
    assert.ok(r.findings.some((f) => f.id === 'mx-lookup-failed'));
    assert.ok(Date.now() - t0 < 20_000);
  } finally {
    await silent.close();
  }
});
