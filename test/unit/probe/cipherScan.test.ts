// The cipher scan against a raw-hello server that answers RC4, 3DES and SSLv3 (what no local
// OpenSSL serves) and passes everything else to a real TLS server; and cancellation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probe } from '../../../src/core/probe';
import { startRawHelloServer } from '../../support/mailServers/rawHelloServer';
import { sharedCertificate } from '../../support/certs';
import { main } from '../../../src/cli/main';

const RC4_SHA = 0x0005;
const DES_CBC3_SHA = 0x000a;

test('RC4, 3DES and SSLv3 from hand-made ServerHellos become findings; the real suites are enumerated around them', async () => {
  const server = await startRawHelloServer({ weak: [RC4_SHA, DES_CBC3_SHA], sslv3: true, sslv2: true });
  try {
    const r = await probe(server.url, { ciphers: true, caFile: sharedCertificate().certFile, servername: 'hostile.test', timeouts: { total: 60000 } });
    assert.ok(r.ok, JSON.stringify(r.findings));
    const scan = r.ciphers!;
    const v = (name: string) => scan.versions.find((x) => x.version === name)!;
    assert.equal(v('SSLv2').accepted, true);
    assert.equal(v('SSLv3').accepted, true);
    assert.deepEqual(v('SSLv3').suites.map((s) => s.openssl).slice(0, 2), ['RC4-SHA', 'DES-CBC3-SHA']);
    const tls12 = v('TLSv1.2').suites.map((s) => s.openssl);
    // The hand-made answers come first (the raw server prefers them), then the real server's suites.
    assert.deepEqual(tls12.slice(0, 2), ['RC4-SHA', 'DES-CBC3-SHA']);
    assert.ok(tls12.includes('ECDHE-RSA-AES128-GCM-SHA256'), tls12.join(' '));
    assert.equal(v('TLSv1.3').accepted, true);
    const ids = r.findings.map((f) => f.id);
    for (const id of ['sslv2-accepted', 'sslv3-accepted', 'cipher-rc4', 'cipher-3des']) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    // smtps: TLS is mandatory there, so RC4 and SSLv3 are errors
    assert.equal(r.findings.find((f) => f.id === 'cipher-rc4')!.severity, 'error');
    assert.match(r.findings.find((f) => f.id === 'cipher-rc4')!.detail, /smtpd_tls_exclude_ciphers = RC4/);
    assert.equal(scan.connections, server.connections - 1, 'every connection but the main one is the scan\'s');
    assert.equal(r.connections, server.connections);
  } finally {
    await server.close();
  }
});

test('a server that refuses a TLS 1.3 hello without a key share still shows TLS 1.3, its suites and groups', async () => {
  const server = await startRawHelloServer({ weak: [], refuseEmptyKeyShare: true });
  try {
    const r = await probe(server.url, { ciphers: true, caFile: sharedCertificate().certFile, servername: 'hostile.test', timeouts: { total: 60000 } });
    assert.ok(r.ok, JSON.stringify(r.findings));
    const tls13 = r.ciphers!.versions.find((x) => x.version === 'TLSv1.3')!;
    assert.equal(tls13.accepted, true);
    assert.equal(tls13.complete, true);
    // Node's TLS server: its three TLS 1.3 suites, and the curves it accepts by default.
    assert.deepEqual(new Set(tls13.suites.map((s) => s.iana)), new Set(['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']));
    assert.ok(r.ciphers!.groups.includes('X25519') && r.ciphers!.groups.includes('P-256'), r.ciphers!.groups.join(' '));
    assert.ok(r.ciphers!.notes.some((n) => /without a key share/.test(n)), r.ciphers!.notes.join(' | '));
    assert.equal(r.versions['TLSv1.3'], true);
  } finally {
    await server.close();
  }
});

test('a server that refuses a TLS 1.3 hello without a key share: its ffdhe groups too, once only ffdhe groups are left to offer', async () => {
  // Every EC group accepted: the last hellos offer ffdhe groups alone, so the share must be an ffdhe one.
  const groups = ['X25519', 'X448', 'P-256', 'P-384', 'P-521', 'ffdhe2048', 'ffdhe3072'];
  const server = await startRawHelloServer({ weak: [], refuseEmptyKeyShare: true, groups: groups.join(':') });
  try {
    const r = await probe(server.url, { ciphers: true, caFile: sharedCertificate().certFile, servername: 'hostile.test', timeouts: { total: 60000 } });
    assert.ok(r.ok, JSON.stringify(r.findings));
    assert.deepEqual(new Set(r.ciphers!.groups), new Set(groups), r.ciphers!.notes.join(' | '));
    assert.equal(r.ciphers!.groupsComplete, true);
  } finally {
    await server.close();
  }
});

test('cancelling a cipher scan stops it at once and leaves no connection open', async () => {
  // Past its fifth connection the server answers nothing, so the scan is surely under way,
  // and waiting, when the cancel comes.
  const server = await startRawHelloServer({ weak: [], stallAfter: 5 });
  try {
    const controller = new AbortController();
    const running = probe(server.url, { ciphers: true, signal: controller.signal });
    running.catch(() => {});
    for (let waited = 0; server.connections <= 5; waited += 10) {
      assert.ok(waited < 30000, `the scan never reached the stalled connection (${server.connections} connections)`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const at = server.connections;
    controller.abort();
    const t0 = Date.now();
    await assert.rejects(running, { name: 'AbortError' });
    assert.ok(Date.now() - t0 < 2000, 'settled promptly');
    for (let waited = 0; server.open > 0; waited += 20) {
      assert.ok(waited < 5000, `${server.open} connection(s) still open after the cancel`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(server.connections <= at + 2, `at most the connections already on their way (${at} -> ${server.connections})`);
  } finally {
    await server.close();
  }
});

test('the CLI scans suites for a single target by default, lists them per version, and --no-ciphers skips the scan', async () => {
  const server = await startRawHelloServer({ weak: [RC4_SHA] });
  const io = () => {
    const out: string[] = [];
    return { out, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) } };
  };
  try {
    const one = io();
    await main(['probe', server.url, '--ca', sharedCertificate().certFile, '--servername', 'hostile.test', '--no-injection'], one.io as never);
    const text = one.out.join('');
    assert.match(text, /TLSv1\.2 +\d+ suite\(s\), server order/);
    assert.match(text, /!! 0x0005 +RC4-SHA/);
    assert.match(text, /cipher-rc4: RC4 accepted/);
    const before = server.connections;
    const skipped = io();
    await main(['probe', server.url, '--no-ciphers', '--json'], skipped.io as never);
    const [result] = JSON.parse(skipped.out.join('')) as [{ ciphers: unknown; connections: number }];
    assert.equal(result.ciphers, null);
    assert.equal(server.connections - before, result.connections);
    assert.ok(result.connections <= 4, `no scan: the main dialog and the version handshakes (${result.connections})`);
  } finally {
    await server.close();
  }
});

test('a scan with many connections allowed at once raises no listener-leak warning', async () => {
  const server = await startRawHelloServer({ weak: [] });
  const warnings: string[] = [];
  const onWarning = (w: Error) => void (w.name === 'MaxListenersExceededWarning' && warnings.push(w.message));
  process.on('warning', onWarning);
  try {
    const r = await probe(server.url, { ciphers: true, maxConnections: 8, caFile: sharedCertificate().certFile, servername: 'hostile.test', timeouts: { total: 60000 } });
    assert.ok(r.ok, JSON.stringify(r.findings));
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
    await server.close();
  }
});
