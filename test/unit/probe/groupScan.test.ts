// TLS 1.3 suites and groups learnt together from HelloRetryRequests, against a real OpenSSL
// server (Node's tls.Server): fewer groups than suites and more groups than suites take the two
// ways out of an ambiguous refusal; TLS 1.2 in the client's order runs as two chains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { scanCipherSuites } from '../../../src/core/probe';
import { tlsOnly } from '../../support/mailServers/scenarios';

async function withServer(options: tls.TlsOptions, run: (url: string, connections: () => number) => Promise<void>): Promise<void> {
  const server = await tlsOnly(options);
  try {
    await run(server.url, () => server.stats.total);
  } finally {
    await server.close();
  }
}

const TLS13 = ['0x1301', '0x1302', '0x1303'];

for (const [curves, expected] of [
  ['X25519', ['X25519']],
  ['P-384:X25519:P-256:X448', ['P-384', 'X25519', 'P-256', 'X448']],
] as const) {
  test(`TLS 1.3 with the groups ${curves}: every suite and every group, each hello naming one of each`, async () => {
    await withServer({ minVersion: 'TLSv1.3', ecdhCurve: curves, honorCipherOrder: true }, async (url, connections) => {
      const scan = await scanCipherSuites(url, { timeouts: { total: 60_000 } });
      const tls13 = scan.versions.find((v) => v.version === 'TLSv1.3')!;
      assert.equal(tls13.accepted, true);
      assert.equal(tls13.complete, true);
      assert.deepEqual(tls13.suites.map((s) => s.hex).sort(), TLS13);
      assert.equal(tls13.serverOrder, true);
      assert.deepEqual([...scan.groups].sort(), [...expected].sort());
      assert.equal(scan.groupsComplete, true);
      // The server's group order: the first one it names is the one a client offering all gets.
      assert.equal(scan.groups[0], expected[0]);
      assert.ok(tls13.suites.every((s) => s.keyExchange === expected[0]), tls13.suites.map((s) => s.keyExchange).join(' '));
      assert.equal(scan.connections, connections(), 'every connection counted');
      // Suites and groups together never take more hellos than one list after the other (suites,
      // a refusal, the order hello, groups, a refusal); SSLv2 to TLS 1.1 take one refusal each,
      // TLS 1.2 two (151 suites: two hellos' worth).
      assert.ok(scan.connections <= 6 + (TLS13.length + 2) + (expected.length + 1), `${scan.connections} connections`);
    });
  });
}

test('TLS 1.2 in the client\'s order: the suites found by two chains side by side are the server\'s, in our order', async () => {
  const ciphers = 'AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305';
  await withServer({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers, dhparam: 'auto', honorCipherOrder: false } as tls.TlsOptions, async (url, connections) => {
    const scan = await scanCipherSuites(url, { timeouts: { total: 60_000 } });
    const tls12 = scan.versions.find((v) => v.version === 'TLSv1.2')!;
    assert.equal(tls12.complete, true);
    assert.equal(tls12.serverOrder, false);
    const found = tls12.suites.map((s) => s.openssl);
    assert.deepEqual([...found].sort(), ciphers.split(':').sort());
    // Our offer puts forward-secret AEAD first and ChaCha20 last.
    assert.equal(found[0], 'ECDHE-RSA-AES256-GCM-SHA384');
    assert.equal(found.at(-1), 'ECDHE-RSA-CHACHA20-POLY1305');
    assert.equal(scan.connections, connections());
  });
});
