// Politeness: probeMany keeps every host under its connection cap (version enumeration and the
// injection test included), keeps results in order, and stops cleanly when aborted; a server
// that rate-limits with 421 is reported as such, never as "version not supported".
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe/index';
import { probeMany } from '../../../src/core/probe/probeMany';
import * as hostile from '../../hostile/scenarios';
import type { HostileServer } from '../../hostile/scenarios';
import {
  assertNoLeakedResources, describeFindings, expectFinding, resourceCounts, shortOptions, trackProcessErrors,
} from './harness';

const tracker = trackProcessErrors();
afterEach(() => assert.deepEqual(tracker.errors, [], 'unhandled rejection or uncaught exception'));
after(() => tracker.dispose());

async function withServers(start: () => Promise<HostileServer[]>, body: (servers: HostileServer[]) => Promise<void>): Promise<void> {
  const before = resourceCounts();
  const servers = await start();
  try {
    await body(servers);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  await assertNoLeakedResources(before);
}

describe('probeMany: per-host connection cap', () => {
  for (const cap of [1, 2] as const) {
    it(`never more than ${cap} connection(s) at once to one host, with version enumeration on`, async () => {
      // Both ports of 127.0.0.1 count into one set of counters: the cap is per host.
      const host = hostile.newStats();
      await withServers(async () => [await hostile.wellBehaved('smtp', { stats: host }), await hostile.wellBehaved('smtp', { implicitTls: true, stats: host })], async ([starttls, implicit]) => {
        // Six probes of two ports of the same host: every one opens several connections.
        const targets = [starttls!.url, implicit!.url, starttls!.url, implicit!.url, starttls!.url, implicit!.url];
        const results = await probeMany(targets, { ...shortOptions(), perHostConnections: cap, concurrency: 6 });
        assert.equal(results.length, 6);
        for (const r of results) {
          assert.equal(r.ok, true, describeFindings(r));
          assert.equal(r.versions['TLSv1'], false, 'enumeration ran');
        }
        assert.ok(host.total > 12, `version enumeration opened side connections (${host.total} in all)`);
        assert.ok(host.settledPeak <= cap, `the host saw ${host.settledPeak} connections at once`);
        assert.equal(host.settledPeak, cap, 'the cap is used, not serialised below it');
      });
    });
  }

  it('the cap is per host: two hosts are probed in parallel, each under its own cap', async () => {
    await withServers(async () => [await hostile.wellBehaved('smtp'), await hostile.wellBehaved('smtp', { host: '127.0.0.2' })], async ([a, b]) => {
      const targets = [a!.url, b!.url, a!.url, b!.url];
      const results = await probeMany(targets, { ...shortOptions(), perHostConnections: 1, concurrency: 4 });
      assert.deepEqual(results.map((r) => r.target), targets, 'results in the order of the targets');
      assert.ok(a!.stats.settledPeak <= 1 && b!.stats.settledPeak <= 1, `peaks ${a!.stats.settledPeak}, ${b!.stats.settledPeak}`);
    });
  });

  it('the cap counts connections across probes, not per probe (one shared count per host)', async () => {
    await withServers(async () => [await hostile.wellBehaved('smtp')], async ([server]) => {
      const targets = Array.from({ length: 8 }, () => server!.url);
      await probeMany(targets, { ...shortOptions(), perHostConnections: 2, concurrency: 8 });
      assert.ok(server!.stats.settledPeak <= 2, `the server saw ${server!.stats.settledPeak} connections at once`);
      assert.equal(server!.stats.settledPeak, 2, 'the cap is used, not serialised down to one');
    });
  });
});

describe('probeMany: order, progress, abort', () => {
  it('returns results in target order and reports each once through onResult', async () => {
    await withServers(async () => [await hostile.postscreenDelay(300), await hostile.wellBehaved('imap'), await hostile.silent('pop3')], async ([slow, fast, silent]) => {
      const targets = [slow!.url, fast!.url, silent!.url];
      const seen: number[] = [];
      const results = await probeMany(targets, shortOptions({ concurrency: 3, enumerateVersions: false, onResult: (_r, i) => seen.push(i) }));
      assert.deepEqual(results.map((r) => r.target), targets);
      assert.deepEqual([...seen].sort(), [0, 1, 2]);
      assert.equal(seen[0], 1, 'the fast target finished first and was reported first');
      expectFinding(results[2]!, 'timeout', /greeting/i);
    });
  });

  it('bounds overall concurrency across hosts', async () => {
    let servers: HostileServer[] = [];
    let peakAll = 0;
    // Sampled after the poll that brought each new connection, like `settledPeak`.
    const sample = () => setImmediate(() => {
      peakAll = Math.max(peakAll, servers.reduce((n, s) => n + s.stats.settledOpen, 0));
    });
    const hosts = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
    await withServers(async () => (servers = await Promise.all(hosts.map((host) =>
      hostile.wellBehaved('smtp', { host, greetingDelayMs: 100, admit: () => (sample(), null) })))), async () => {
      const opts = shortOptions({ concurrency: 2, enumerateVersions: false, checkInjection: false });
      const results = await probeMany([...servers, ...servers].map((s) => s.url), opts);
      assert.equal(results.length, 8);
      assert.equal(peakAll, 2, `at most two probes (one connection each) at once, and two used; saw ${peakAll}`);
    });
  });

  it('an invalid target fails the run before any connection', async () => {
    await withServers(async () => [await hostile.wellBehaved('smtp')], async ([server]) => {
      await assert.rejects(probeMany([server!.url, 'smtp://bad host:25'], shortOptions()), /not a valid host name|bad host/);
      assert.equal(server!.stats.total, 0);
    });
  });

  it('abort stops new probes, cancels running ones, leaves nothing open, and rejects', async () => {
    await withServers(async () => [await hostile.silent('smtp'), await hostile.silent('imap')], async ([a, b]) => {
      const controller = new AbortController();
      const targets = [a!.url, b!.url, a!.url, b!.url, a!.url, b!.url];
      const t0 = Date.now();
      setTimeout(() => controller.abort(), 200);
      const reported: number[] = [];
      await assert.rejects(
        probeMany(targets, shortOptions({ signal: controller.signal, concurrency: 2, timeouts: { greeting: 30_000, total: 60_000 }, onResult: (_r, i) => reported.push(i) })),
        { name: 'AbortError' },
      );
      assert.ok(Date.now() - t0 < 1500, `abort took ${Date.now() - t0} ms`);
      assert.deepEqual(reported, [], 'no result reported for cancelled probes');
      assert.equal(a!.stats.total + b!.stats.total, 2, 'no probe started after the abort');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(a!.stats.open + b!.stats.open, 0, 'cancelled probes closed their connections');
    });
  });
});

describe('rate limiting (421 to every connection beyond the first)', () => {
  it('is reported as `rate-limited`, never as a version the server lacks', async () => {
    await withServers(async () => [await hostile.rateLimited()], async ([server]) => {
      const r = await probe(server!.url, shortOptions({ maxConnections: 1 }));
      assert.equal(r.ok, true, 'the first connection completed the probe');
      const f = expectFinding(r, 'rate-limited', /421/);
      assert.match(f.detail, /too many connections/i);
      assert.equal(f.severity, 'warning');
      for (const v of ['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const) {
        assert.notEqual(r.versions[v], false, `${v} reported as refused while the server only said 421`);
      }
      assert.ok(!r.findings.some((x) => x.id === 'tls13-not-supported' || x.id === 'tls-legacy-version'), describeFindings(r));
    });
  });

  it('a server that forgives after a pause gets its versions enumerated thanks to the backoff', async () => {
    await withServers(async () => [await hostile.rateLimited({ cooldownMs: 150 })], async ([server]) => {
      const r = await probe(server!.url, shortOptions({ maxConnections: 1, checkInjection: false }));
      assert.equal(r.ok, true, describeFindings(r));
      assert.deepEqual(r.versions, { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
      assert.ok(!r.findings.some((x) => x.id === 'rate-limited'), describeFindings(r));
    });
  });
});
