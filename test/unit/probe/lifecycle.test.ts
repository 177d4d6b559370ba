// Timeouts, cancellation and cleanup: every phase is bounded, an abort destroys the sockets at
// once, and nothing (socket, timer) is left behind when probe() settles.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe';
import { selfSigned, type KeyPair } from '../../support/certs';
import { freePort } from '../../support/mailServers/listener';
import { FakeServer, smtpHandler, startFakeServer } from '../../support/mailServers/scripted';

let pair: KeyPair;
const servers: FakeServer[] = [];
before(() => {
  pair = selfSigned('localhost');
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function serve(options: Parameters<typeof startFakeServer>[0]): Promise<FakeServer> {
  const s = await startFakeServer({ tls: pair, ...options });
  servers.push(s);
  return s;
}

/** Handles and timers of this process, minus the test servers' own listeners and sockets. */
function openResources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TCPServerWrap').sort();
}

async function settledClean<T>(run: () => Promise<T>, serverSockets: () => number): Promise<T> {
  const before = openResources();
  const result = await run();
  // Whatever the probe opened is gone at the moment it settles: compare without waiting.
  const afterward = openResources();
  const extra = afterward.filter((r) => r === 'Timeout' || r === 'Immediate' || r === 'TCPSocketWrap' || r === 'TLSWrap');
  const baseline = before.filter((r) => r === 'Timeout' || r === 'Immediate' || r === 'TCPSocketWrap' || r === 'TLSWrap');
  // Server-side sockets of the in-process test server may still be closing; the probe's own count is what matters.
  assert.ok(extra.length <= baseline.length + serverSockets(), `left open: ${JSON.stringify(afterward)} (before: ${JSON.stringify(before)})`);
  return result;
}

describe('timeouts', () => {
  it('a server that never greets: a timeout finding within the greeting timeout plus slack', async () => {
    const s = await serve({});
    const t0 = Date.now();
    const r = await settledClean(() => probe(`smtp://127.0.0.1:${s.port}`, { timeouts: { greeting: 300 } }), () => 1);
    const took = Date.now() - t0;
    assert.deepEqual(r.findings.map((f) => f.id), ['timeout']);
    assert.match(r.findings[0]!.detail, /300 ms while waiting for the greeting/);
    assert.ok(took >= 290 && took < 1000, `took ${took} ms`);
    assert.equal(r.ok, false);
    assert.equal(s.connections, 1, 'no side connections before a greeting');
  });

  it('a command that gets no answer: the command timeout', async () => {
    const s = await serve({ greeting: ['220 hi'], onLine: () => {} });
    const t0 = Date.now();
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { timeouts: { command: 200 }, enumerateVersions: false, checkInjection: false });
    assert.deepEqual(r.findings.map((f) => f.id), ['timeout']);
    assert.match(r.findings[0]!.title, /EHLO/);
    // The short timeout applied, not the default (10 s and more): a margin a busy machine keeps.
    assert.ok(Date.now() - t0 < 5000);
  });

  it('a server that never answers the TLS handshake: the handshake timeout', async () => {
    const s = await serve({});
    const t0 = Date.now();
    const r = await probe(`imaps://127.0.0.1:${s.port}`, { timeouts: { handshake: 250 } });
    assert.deepEqual(r.findings.map((f) => f.id), ['timeout']);
    assert.match(r.findings[0]!.detail, /no TLS handshake within 250 ms/);
    // The short timeout applied, not the default (10 s and more): a margin a busy machine keeps.
    assert.ok(Date.now() - t0 < 5000);
  });

  it('the total timeout bounds the whole probe', async () => {
    // Greets, then answers each line very slowly: every single wait is under its own limit.
    const s = await serve({ greeting: ['220 hi'], onLine: (line, c) => {
      const t = setTimeout(() => smtpHandler({ keywords: ['STARTTLS'] })(line, c), 150);
      t.unref();
    } });
    const t0 = Date.now();
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { timeouts: { command: 1000, total: 250 }, enumerateVersions: false, checkInjection: false });
    assert.deepEqual(r.findings.map((f) => f.id), ['timeout']);
    assert.match(r.findings[0]!.detail, /whole probe took longer than 250 ms/);
    // The short timeout applied, not the default (10 s and more): a margin a busy machine keeps.
    assert.ok(Date.now() - t0 < 5000);
  });

  it('connect-failed for a closed port, at once', async () => {
    const port = await freePort();
    const r = await settledClean(() => probe(`pop3s://127.0.0.1:${port}`), () => 0);
    assert.deepEqual(r.findings.map((f) => f.id), ['connect-failed']);
    assert.match(r.findings[0]!.detail, /ECONNREFUSED/);
    assert.equal(r.timings.connect, null);
  });

  it('a server that closes mid-dialog: connection-closed, with what was awaited', async () => {
    const s = await serve({ greeting: ['220 hi'], onLine: (_l, c) => c.close() });
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { enumerateVersions: false, checkInjection: false });
    assert.deepEqual(r.findings.map((f) => f.id), ['connection-closed']);
    assert.match(r.findings[0]!.detail, /EHLO/);
  });
});

/** Waits for `condition`; the deadline only stops a broken run from hanging. */
async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); await new Promise((r) => setTimeout(r, 10))) {
    assert.ok(Date.now() < deadline, `gave up waiting for ${what}`);
  }
}

describe('cancellation', () => {
  it('an abort rejects with an AbortError at once and closes every socket', async () => {
    const s = await serve({});
    const controller = new AbortController();
    const t0 = Date.now();
    setTimeout(() => controller.abort(), 50);
    await settledClean(async () => {
      await assert.rejects(probe(`smtp://127.0.0.1:${s.port}`, { signal: controller.signal, timeouts: { greeting: 10_000 } }), { name: 'AbortError' });
    }, () => 1);
    assert.ok(Date.now() - t0 < 5000, 'not after the greeting timeout (10 s)');
  });

  it('an abort during version enumeration stops the side connections too', async () => {
    // The first connection gets a full STARTTLS dialog; every later one (a version handshake,
    // the injection test) meets silence and stays open until the client closes it.
    const s = await serve({ greeting: (c) => (c.index === 0 ? ['220 hi'] : []), onLine: smtpHandler({ keywords: ['STARTTLS'] }) });
    const controller = new AbortController();
    const run = probe(`smtp://127.0.0.1:${s.port}`, { signal: controller.signal, servername: 'localhost', timeouts: { greeting: 30_000, total: 60_000 } });
    const rejected = assert.rejects(run, /user pressed cancel/);
    await until(() => s.connections >= 2 && s.open >= 1, 'a side connection to open');
    const sideOpen = s.open;
    controller.abort(new Error('user pressed cancel'));
    await rejected;
    await until(() => s.open === 0, `the server to see every connection closed (${s.open} of ${s.connections} still open)`);
    assert.ok(sideOpen >= 1 && s.connections >= 2, `${s.connections} connections, ${sideOpen} open at the abort`);
  });

  it('an already-aborted signal rejects without connecting', async () => {
    const s = await serve({ greeting: ['220 hi'] });
    await assert.rejects(probe(`smtp://127.0.0.1:${s.port}`, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(s.connections, 0);
  });
});

describe('cleanup after a full probe', () => {
  it('leaves no socket or timer after a probe with enumeration and injection test', async () => {
    const s = await serve({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['STARTTLS'] }) });
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TCPServerWrap');
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { servername: 'localhost' });
    assert.equal(r.ok, true);
    // The in-process test server's own sockets close at their pace (TLSWrap, Immediate): look
    // at timers, and at client sockets by their remote port. test/real checks the whole list.
    const timers = (list: string[]) => list.filter((x) => x === 'Timeout');
    assert.deepEqual(timers(process.getActiveResourcesInfo()), timers(before));
    const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
    const clientSockets = handles.filter((h) => h instanceof net.Socket && (h as net.Socket).remotePort === s.port);
    assert.equal(clientSockets.length, 0, 'no client socket to the server is left');
  });
});
