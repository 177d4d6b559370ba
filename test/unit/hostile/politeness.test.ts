// Politeness: probeMany keeps every host under its connection cap (version enumeration and the
// injection test included), keeps results in order, and stops cleanly when aborted; a server
// that rate-limits with 421 is reported as such, never as "version not supported".
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe/index';
import { probeMany } from '../../../src/core/probe/probeMany';
import * as hostile from '../../support/mailServers/scenarios';
import { countClientConnections } from '../../support/clientCount';
import type { HostileServer } from '../../support/mailServers/scenarios';
import {
  assertNoLeakedResources, describeFindings, expectFinding, resourceCounts, shortOptions, trackProcessErrors,
} from '../../support/probeChecks';

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
        const counter = countClientConnections();
        const results = await probeMany(targets, { ...shortOptions(), perHostConnections: cap, concurrency: 6 }).finally(() => counter.dispose());
        assert.equal(results.length, 6);
        for (const r of results) {
          assert.equal(r.ok, true, describeFindings(r));
          assert.equal(r.versions['TLSv1'], false, 'enumeration ran');
        }
        assert.ok(host.total > 12, `version enumeration opened side connections (${host.total} in all)`);
        assert.equal(counter.total(), host.total, 'every connection the servers accepted was counted');
        assert.ok(counter.peak('127.0.0.1') <= cap, `${counter.peak('127.0.0.1')} connections at once (servers saw ${host.settledPeak})`);
        assert.equal(counter.peak('127.0.0.1'), cap, 'the cap is used, not serialised below it');
      });
    });
  }

  it('the cap is per host: two hosts are probed in parallel, each under its own cap', async () => {
    await withServers(async () => [await hostile.wellBehaved('smtp'), await hostile.wellBehaved('smtp', { host: '127.0.0.2' })], async ([a, b]) => {
      const targets = [a!.url, b!.url, a!.url, b!.url];
      const counter = countClientConnections();
      const results = await probeMany(targets, { ...shortOptions(), perHostConnections: 1, concurrency: 4 }).finally(() => counter.dispose());
      assert.deepEqual(results.map((r) => r.target), targets, 'results in the order of the targets');
      assert.equal(counter.total(), a!.stats.total + b!.stats.total);
      assert.equal(counter.peak('127.0.0.1'), 1);
      assert.equal(counter.peak('127.0.0.2'), 1);
    });
  });

  it('the cap counts connections across probes, not per probe (one shared count per host)', async () => {
    await withServers(async () => [await hostile.wellBehaved('smtp')], async ([server]) => {
      const targets = Array.from({ length: 8 }, () => server!.url);
      const counter = countClientConnections();
      await probeMany(targets, { ...shortOptions(), perHostConnections: 2, concurrency: 8 }).finally(() => counter.dispose());
      assert.equal(counter.total(), server!.stats.total);
      assert.ok(counter.peak('127.0.0.1') <= 2, `${counter.peak('127.0.0.1')} connections at once (the server saw ${server!.stats.settledPeak})`);
      assert.equal(counter.peak('127.0.0.1'), 2, 'the cap is used, not serialised down to one');
    });
  });
});

describe('probe() on its own', () => {
  it('with default options opens at most two connections at once to the host', async () => {
    await withServers(async () => [await hostile.wellBehaved('smtp')], async ([server]) => {
      const counter = countClientConnections();
      const r = await probe(server!.url, shortOptions()).finally(() => counter.dispose());
      assert.equal(r.ok, true, describeFindings(r));
      assert.equal(counter.total(), server!.stats.total);
      assert.ok(counter.total() >= 4, 'versions and injection were checked');
      assert.ok(counter.peak('127.0.0.1') <= 2, `${counter.peak('127.0.0.1')} connections at once`);
    });
  });
});

describe('probeMany: order, progress, abort', () => {
  it('returns results in target order and reports each once through onResult', async () => {
    // Wide margins: the fast probe has 1.2 s before the slow server greets and 2.5 s before the
    // silent one times out, so a busy machine cannot reorder them.
    await withServers(async () => [await hostile.postscreenDelay(1200), await hostile.wellBehaved('imap'), await hostile.silent('pop3')], async ([slow, fast, silent]) => {
      const targets = [slow!.url, fast!.url, silent!.url];
      const seen: number[] = [];
      const options = shortOptions({ concurrency: 3, enumerateVersions: false, timeouts: { greeting: 2500 }, onResult: (_r: unknown, i: number) => seen.push(i) });
      const results = await probeMany(targets, options);
      assert.deepEqual(results.map((r) => r.target), targets);
      assert.deepEqual([...seen].sort(), [0, 1, 2]);
      assert.equal(seen[0], 1, 'the fast target finished first and was reported first');
      expectFinding(results[2]!, 'timeout', /greeting/i);
    });
  });

  it('bounds overall concurrency across hosts', async () => {
    const hosts = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
    await withServers(() => Promise.all(hosts.map((host) => hostile.wellBehaved('smtp', { host, greetingDelayMs: 100 }))), async (servers) => {
      let peakAll = 0;
      const counter = countClientConnections();
      const sampler = setInterval(() => (peakAll = Math.max(peakAll, counter.open())), 5);
      const opts = { ...shortOptions({ enumerateVersions: false, checkInjection: false }), concurrency: 2 };
      const results = await probeMany([...servers, ...servers].map((s) => s.url), opts).finally(() => {
        clearInterval(sampler);
        counter.dispose();
      });
      assert.equal(results.length, 8);
      assert.equal(counter.total(), 8, 'one connection per probe');
      // Each probe holds its one connection for 100 ms or more: the 5 ms sampler sees the overlap.
      assert.equal(peakAll, 2, `at most two probes at once, and two used; saw ${peakAll}`);
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
      // A 2 s total keeps the backoff short (its waits are a share of the total).
      const r = await probe(server!.url, shortOptions({ maxConnections: 1, timeouts: { total: 2000 } }));
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

  for (const dialect of ['imap', 'pop3'] as const) {
    it(`${dialect}: Dovecot's "Maximum number of connections" refusal is \`rate-limited\` too`, async () => {
      await withServers(async () => [await hostile.rateLimited({ dialect })], async ([server]) => {
        const r = await probe(server!.url, shortOptions({ maxConnections: 1, timeouts: { total: 2000 } }));
        assert.equal(r.ok, true, describeFindings(r));
        expectFinding(r, 'rate-limited', /Maximum number of connections/);
        assert.notEqual(r.versions['TLSv1.1'], false);
      });
    });
  }

  it('an abort during the backoff rejects at once and leaves nothing open', async () => {
    await withServers(async () => [await hostile.rateLimited()], async ([server]) => {
      const controller = new AbortController();
      const t0 = Date.now();
      const run = probe(server!.url, shortOptions({ maxConnections: 1, signal: controller.signal, timeouts: { total: 60_000 } }));
      // The first side connection is refused at once; the probe is then waiting to retry.
      setTimeout(() => controller.abort(), 300);
      await assert.rejects(run, { name: 'AbortError' });
      assert.ok(Date.now() - t0 < 800, `abort took ${Date.now() - t0} ms`);
    });
  });

  it('a server that forgives after a pause gets its versions enumerated thanks to the backoff', async () => {
    await withServers(async () => [await hostile.rateLimited({ cooldownMs: 100 })], async ([server]) => {
      const r = await probe(server!.url, shortOptions({ maxConnections: 1, checkInjection: false, timeouts: { total: 2000 } }));
      assert.equal(r.ok, true, describeFindings(r));
      assert.deepEqual(r.versions, { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
      assert.ok(!r.findings.some((x) => x.id === 'rate-limited'), describeFindings(r));
    });
  });
});
