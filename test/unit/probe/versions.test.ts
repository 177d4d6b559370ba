// Version enumeration: one handshake per version, each from its own connection, within the
// connection limit; the findings it leads to; IPv6 targets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HostLimiter, probe } from '../../../src/core/probe';
import { selfSigned, type KeyPair } from '../../support/certs';
import { FakeServer, smtpHandler, startFakeServer } from '../../support/mailServers/scripted';

let pair: KeyPair;
const servers: FakeServer[] = [];
before(() => {
  pair = selfSigned('localhost');
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function smtpServer(tlsOptions: object, extra: Partial<Parameters<typeof startFakeServer>[0]> = {}): Promise<FakeServer> {
  const s = await startFakeServer({ tls: { ...pair, options: tlsOptions }, greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['STARTTLS'] }), ...extra });
  servers.push(s);
  return s;
}

describe('TLS version enumeration', () => {
  it('a TLS 1.2-only server: TLS 1.3 refused, tls13-not-supported', async () => {
    const s = await smtpServer({ maxVersion: 'TLSv1.2' });
    const r = await probe(`submission://127.0.0.1:${s.port}`, { servername: 'localhost', checkInjection: false });
    assert.equal(r.tls?.version, 'TLSv1.2');
    assert.deepEqual(r.versions, { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false });
    const f = r.findings.find((x) => x.id === 'tls13-not-supported');
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.ok(!r.findings.some((x) => x.id === 'tls-legacy-version'));
  });

  it('a server that still takes TLS 1.0: tls-legacy-version, an error on implicit TLS', async () => {
    const s = await smtpServer({ minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, { implicitTls: true });
    const r = await probe(`smtps://127.0.0.1:${s.port}`, { servername: 'localhost' });
    assert.deepEqual(r.versions, { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true });
    const f = r.findings.find((x) => x.id === 'tls-legacy-version');
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.match(f.detail, /TLSv1 and TLSv1\.1/);
    assert.ok(r.transcript.some((e) => e.direction === 'info' && /^TLSv1 handshake: accepted/.test(e.text)));
  });

  it('one connection per version besides the main one, every one through the limiter, never more than its limit', async () => {
    const s = await smtpServer({ minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const inner = new HostLimiter(2).forHost('127.0.0.1');
    let active = 0;
    let peak = 0;
    let tasks = 0;
    const limiter = {
      run<T>(task: () => Promise<T>): Promise<T> {
        return inner.run(async () => {
          tasks++;
          peak = Math.max(peak, ++active);
          try {
            return await task();
          } finally {
            active--;
          }
        });
      },
    };
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { servername: 'localhost', limiter });
    assert.equal(r.ok, true);
    // main + TLSv1 + TLSv1.1 + TLSv1.2 (1.3 is the main handshake's own) + injection test
    assert.equal(s.connections, 5);
    assert.equal(tasks, 5, 'each connection ran as one limiter task');
    assert.equal(peak, 2, 'side connections ran in parallel, two at a time');
  });

  it('--no-versions leaves the versions unknown but the negotiated one', async () => {
    const s = await smtpServer({});
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { servername: 'localhost', enumerateVersions: false, checkInjection: false });
    assert.deepEqual(r.versions, { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': true });
    assert.equal(s.connections, 1);
  });
});

describe('IPv6', () => {
  it('probes smtp://[::1]:port', async (t) => {
    let s: FakeServer;
    try {
      s = await smtpServer({}, { host: '::1' });
    } catch {
      return t.skip('no IPv6 loopback here');
    }
    const r = await probe(`smtp://[::1]:${s.port}`, { servername: 'localhost', enumerateVersions: false, checkInjection: false });
    assert.equal(r.target, `smtp://[::1]:${s.port}`);
    assert.equal(r.address, '::1');
    assert.equal(r.ok, true);
  });
});
