// The resolver client on the wire: UDP, TCP after truncation, AD and CNAME reading, timeouts,
// cancellation and ignoring answers that do not belong to the question. A small in-test DNS
// server stands in for the resolver; the real unbound runs in test/real/domain.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as packet from 'dns-packet';
import { DnsClient, DnsError, parseResolver } from '../../../src/core/dns/client';
import { fakeResolver, response } from '../../support/fakeResolver';

const server = fakeResolver;
// Answers that do come may be slow on a busy machine: wait far longer than the client's 2 s
// default, which a retry would otherwise hide or, with the attempts spent, turn into a timeout.
const ANSWER_WAIT_MS = 20_000;

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((c) => c())));

test('parseResolver reads IP, IP:PORT and [IPv6]:PORT and rejects names', () => {
  assert.deepEqual(parseResolver('127.0.0.1'), { host: '127.0.0.1', port: 53 });
  assert.deepEqual(parseResolver('127.0.0.1:5300'), { host: '127.0.0.1', port: 5300 });
  assert.deepEqual(parseResolver('::1'), { host: '::1', port: 53 });
  assert.deepEqual(parseResolver('[::1]:5353'), { host: '::1', port: 5353 });
  assert.throws(() => parseResolver('resolver.example'), /not an IP address/);
  assert.throws(() => parseResolver('127.0.0.1:70000'), /port/);
});

test('queries carry DO; the AD bit, TLSA data and a CNAME chain are read', async () => {
  let sawDo = false;
  const s = await server((q) => {
    const opt = (q.additionals ?? []).find((a) => a.type === 'OPT') as { flags?: number } | undefined;
    sawDo = Boolean((opt?.flags ?? 0) & packet.DNSSEC_OK);
    return response(q, packet.AUTHENTIC_DATA, [
      { type: 'CNAME', name: '_25._tcp.mx.example.org', data: 'tlsa.example.net' },
      { type: 'TLSA', name: 'tlsa.example.net', data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 0xab) } } as unknown as packet.Answer,
    ]);
  });
  closers.push(s.close);
  const client = new DnsClient({ servers: [s.address], timeout: ANSWER_WAIT_MS });
  const r = await client.query('_25._tcp.MX.example.org.', 'TLSA');
  assert.ok(sawDo, 'the DO bit was set');
  assert.equal(r.authenticated, true);
  assert.deepEqual(r.cnames, ['tlsa.example.net']);
  assert.deepEqual(r.records.map((x) => x.type === 'TLSA' && `${x.usage} ${x.selector} ${x.matchingType} ${x.data}`), [`3 1 1 ${'ab'.repeat(32)}`]);
  assert.equal(client.queries, 1);
});

test('a truncated UDP answer is asked again over TCP', async () => {
  const s = await server((q, via) =>
    via === 'udp' ? response(q, packet.TRUNCATED_RESPONSE, []) : response(q, 0, [{ type: 'MX', name: 'example.org', data: { preference: 10, exchange: 'mx.example.org' } }]),
  );
  closers.push(s.close);
  const client = new DnsClient({ servers: [s.address], timeout: ANSWER_WAIT_MS });
  const r = await client.query('example.org', 'MX');
  assert.equal(r.tcp, true);
  assert.deepEqual(r.records.map((x) => x.type === 'MX' && x.exchange), ['mx.example.org']);
  assert.deepEqual(s.seen, { udp: 1, tcp: 1 });
  assert.equal(client.queries, 2);
});

test('answers with another id are ignored; silence is a timeout after the attempts', async () => {
  const s = await server((q) => ({ ...response(q, 0, []), id: ((q.id ?? 0) + 1) % 65536 }));
  closers.push(s.close);
  const client = new DnsClient({ servers: [s.address], timeout: 150, attempts: 2 });
  const t0 = Date.now();
  await assert.rejects(client.query('example.org', 'A'), (e: unknown) => e instanceof DnsError && e.kind === 'timeout');
  assert.ok(Date.now() - t0 >= 250, 'both attempts waited');
  assert.equal(s.seen.udp, 2);
});

test('an abort ends the query at once with the signal\'s reason', async () => {
  const s = await server(() => null);
  closers.push(s.close);
  const client = new DnsClient({ servers: [s.address], timeout: 30_000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('stop')), 50);
  const t0 = Date.now();
  await assert.rejects(client.query('example.org', 'A', controller.signal), /stop/);
  assert.ok(Date.now() - t0 < 10_000);
});

test('SERVFAIL and NXDOMAIN come back as rcodes, not errors', async () => {
  const s = await server((q) => response(q, 0, [], q.questions?.[0]?.name === 'bad.example' ? 2 : 3));
  closers.push(s.close);
  const client = new DnsClient({ servers: [s.address], timeout: ANSWER_WAIT_MS });
  assert.equal((await client.query('bad.example', 'A')).rcode, 'SERVFAIL');
  assert.equal((await client.query('none.example', 'A')).rcode, 'NXDOMAIN');
});
