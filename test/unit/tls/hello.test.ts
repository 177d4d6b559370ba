// The hand-written ClientHello against a real OpenSSL server (Node's tls.Server), and the
// parser against real and crafted server flights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { GROUPS, MAX_SUITES_PER_HELLO, clientHello, sslv2Hello } from '../../../src/core/tls/hello';
import { parseServerFlight, ServerFlight } from '../../../src/core/tls/serverFlight';
import { LEGACY_OFFER, SUITES, TLS13_OFFER, suiteByCode } from '../../../src/core/tls/suites';
import { tlsOnly } from '../../support/mailServers/scenarios';

async function withServer(options: tls.TlsOptions, run: (port: number) => Promise<void>): Promise<void> {
  const server = await tlsOnly(options);
  try {
    await run(server.port);
  } finally {
    await server.close();
  }
}

function send(port: number, hello: Buffer, keyExchange?: (suite: number) => 'ecdhe' | 'dhe' | null): Promise<ServerFlight> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(hello));
    let data = Buffer.alloc(0);
    const finish = () => {
      socket.destroy();
      const flight = parseServerFlight(data, { keyExchange });
      resolve(flight);
    };
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      if (parseServerFlight(data, { keyExchange }).kind !== 'incomplete') finish();
    });
    socket.on('close', finish);
    socket.on('error', reject);
  });
}

test('a TLS 1.2 hello gets a ServerHello for the offered suite, with the ECDHE group and renegotiation_info', async () => {
  await withServer({ minVersion: 'TLSv1', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA:@SECLEVEL=0', dhparam: 'auto' } as tls.TlsOptions, async (port) => {
    const flight = await send(port, clientHello({ version: 'TLSv1.2', suites: [0xc02f], serverName: 'hostile.test', groups: [GROUPS['P-256']] }), () => 'ecdhe');
    assert.equal(flight.kind, 'hello');
    if (flight.kind !== 'hello') return;
    assert.equal(flight.hello.version, 0x0303);
    assert.equal(flight.hello.suite, 0xc02f);
    assert.equal(flight.hello.keyExchangeGroup, GROUPS['P-256']);
    assert.equal(flight.hello.secureRenegotiation, true);
    const dhe = await send(port, clientHello({ version: 'TLSv1', suites: [0x0039] }), () => 'dhe');
    assert.equal(dhe.kind, 'hello');
    if (dhe.kind === 'hello') {
      assert.equal(dhe.hello.version, 0x0301);
      assert.ok(dhe.hello.dhBits !== null && dhe.hello.dhBits >= 1024, `DH bits ${dhe.hello.dhBits}`);
    }
  });
});

test('TLS 1.3: supported_versions and an X25519 share get a 1.3 ServerHello; no share gets a HelloRetryRequest naming the group', async () => {
  await withServer({ minVersion: 'TLSv1.3' }, async (port) => {
    const full = await send(port, clientHello({ version: 'TLSv1.3', suites: [0x1302, 0x1301] }));
    assert.equal(full.kind, 'hello');
    if (full.kind === 'hello') {
      assert.equal(full.hello.version, 0x0304);
      assert.equal(full.hello.helloRetry, false);
      assert.equal(full.hello.group, GROUPS.X25519);
      assert.ok([0x1301, 0x1302].includes(full.hello.suite));
    }
    const retry = await send(port, clientHello({ version: 'TLSv1.3', suites: [0x1301], groups: [GROUPS['P-384']], keyShare: 'none' }));
    assert.equal(retry.kind, 'hello');
    if (retry.kind === 'hello') {
      assert.equal(retry.hello.helloRetry, true);
      assert.equal(retry.hello.group, GROUPS['P-384']);
      assert.equal(retry.hello.suite, 0x1301);
    }
    const old = await send(port, clientHello({ version: 'TLSv1', suites: [0xc013] }));
    assert.equal(old.kind, 'alert');
    if (old.kind === 'alert') assert.equal(old.description, 70, 'protocol_version');
  });
});

test('a hello with only suites the server lacks gets handshake_failure; TLS_FALLBACK_SCSV below the best version gets inappropriate_fallback', async () => {
  await withServer({ minVersion: 'TLSv1', ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' }, async (port) => {
    const none = await send(port, clientHello({ version: 'TLSv1.2', suites: [0x009d] }));
    assert.deepEqual(none.kind === 'alert' && none.description, 40);
    const fallback = await send(port, clientHello({ version: 'TLSv1.1', suites: [0xc013], fallbackScsv: true }));
    assert.deepEqual(fallback.kind === 'alert' && fallback.description, 86);
    const sslv3 = await send(port, clientHello({ version: 'SSLv3', suites: [0xc013] }));
    assert.ok(sslv3.kind === 'alert' || sslv3.kind === 'malformed' || sslv3.kind === 'incomplete', sslv3.kind);
  });
});

test('the builder keeps to 1..128 suites, SSLv3 hellos carry no extensions, SSLv2 hellos are SSLv2 records', () => {
  assert.throws(() => clientHello({ version: 'TLSv1.2', suites: Array.from({ length: MAX_SUITES_PER_HELLO + 1 }, (_, i) => i + 1) }), RangeError);
  assert.throws(() => clientHello({ version: 'TLSv1.2', suites: [] }), RangeError);
  const v3 = clientHello({ version: 'SSLv3', suites: [0x000a] });
  assert.deepEqual([...v3.subarray(0, 3)], [22, 3, 0]);
  assert.equal(v3.readUInt16BE(9), 0x0300);
  // suites: 0x000a, then the renegotiation SCSV; compression; nothing after
  assert.equal(v3.length, 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
  const v2 = sslv2Hello();
  assert.ok(v2[0]! & 0x80);
  assert.equal(v2[2], 1);
  assert.equal(v2.length, 2 + ((v2[0]! & 0x7f) << 8 | v2[1]!));
});

test('offers: ChaCha20 last, at most two hellos\' worth, TLS 1.3 apart; the table names each suite once', () => {
  const lastNonChacha = LEGACY_OFFER.map((s) => /CHACHA/.test(s.iana)).lastIndexOf(false);
  assert.ok(LEGACY_OFFER.slice(lastNonChacha + 1).every((s) => /CHACHA/.test(s.iana)));
  assert.ok(LEGACY_OFFER.some((s) => /CHACHA/.test(s.iana)));
  assert.equal(TLS13_OFFER.length, 5);
  assert.equal(TLS13_OFFER.at(-1)!.iana, 'TLS_CHACHA20_POLY1305_SHA256');
  assert.equal(new Set(SUITES.map((s) => s.code)).size, SUITES.length);
  const byName = (n: string) => SUITES.find((s) => s.openssl === n)!;
  assert.equal(byName('ECDHE-RSA-AES128-GCM-SHA256').grade, 'recommended');
  assert.equal(byName('ECDHE-RSA-AES128-SHA').grade, 'acceptable');
  assert.equal(byName('AES128-GCM-SHA256').grade, 'weak');
  assert.equal(byName('DES-CBC3-SHA').grade, 'weak');
  assert.equal(byName('RC4-SHA').grade, 'insecure');
  assert.equal(byName('ADH-AES256-GCM-SHA384').auth, 'anon');
  assert.equal(byName('ADH-AES256-GCM-SHA384').grade, 'insecure');
  assert.equal(suiteByCode(0x1301).tls13, true);
  assert.equal(suiteByCode(0xfefe).iana, 'unknown 0xFEFE');
});

test('hostile flights: garbage, truncation, an oversized stream and an SSLv2 SERVER-HELLO', () => {
  assert.equal(parseServerFlight(Buffer.from('220 mail ESMTP\r\n')).kind, 'malformed');
  const record = Buffer.from([22, 3, 3, 0, 60, 2, 0, 0, 56]);
  assert.equal(parseServerFlight(record).kind, 'incomplete');
  const lying = Buffer.concat([Buffer.from([22, 3, 3, 0, 8, 2, 0, 0, 4]), Buffer.from([3, 3, 0, 0])]);
  assert.equal(parseServerFlight(lying).kind, 'malformed');
  assert.equal(parseServerFlight(Buffer.alloc(300 * 1024, 22)).kind, 'malformed');
  const specs = Buffer.from([0x01, 0x00, 0x80]);
  const body = Buffer.concat([Buffer.from([4, 0, 1, 0, 2, 0, 0, 0, 3, 0, 16]), specs, Buffer.alloc(16)]);
  const v2 = parseServerFlight(Buffer.concat([Buffer.from([0x80, body.length]), body]));
  assert.deepEqual(v2, { kind: 'sslv2', ciphers: [0x010080] });
  assert.equal(parseServerFlight(Buffer.from([21, 3, 1, 0, 2, 2, 40])).kind, 'alert');
});
