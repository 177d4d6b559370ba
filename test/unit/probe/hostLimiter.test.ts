import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostLimiter } from '../../../src/core/probe/hostLimiter';

const tick = () => new Promise((r) => setImmediate(r));

/** A task that stays open until released, recording the peak of concurrent runs per host. */
function harness(limiter: HostLimiter) {
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  const releases: (() => void)[] = [];
  const start = (host: string, signal?: AbortSignal) =>
    limiter.forHost(host, signal).run(async () => {
      const key = HostLimiter.key(host);
      open.set(key, (open.get(key) ?? 0) + 1);
      peak.set(key, Math.max(peak.get(key) ?? 0, open.get(key)!));
      await new Promise<void>((r) => releases.push(r));
      open.set(key, open.get(key)! - 1);
      return host;
    });
  return { start, peak, releases };
}

describe('HostLimiter', () => {
  it('defaults to two connections per host', () => {
    assert.equal(new HostLimiter().perHost, 2);
  });

  it('rejects a cap that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new HostLimiter(bad), /positive integer/);
  });

  it('holds each host to its cap while other hosts run freely', async () => {
    const limiter = new HostLimiter(2);
    const h = harness(limiter);
    const runs = [
      ...Array.from({ length: 5 }, () => h.start('mx.example.org')),
      ...Array.from({ length: 3 }, () => h.start('imap.example.org')),
    ];
    await tick();
    assert.equal(limiter.active('mx.example.org'), 2);
    assert.equal(limiter.waiting('mx.example.org'), 3);
    assert.equal(limiter.active('imap.example.org'), 2);
    while (h.releases.length) {
      h.releases.shift()!();
      await tick();
      await tick();
    }
    await Promise.all(runs);
    assert.equal(h.peak.get('mx.example.org'), 2);
    assert.equal(h.peak.get('imap.example.org'), 2);
    assert.equal(limiter.active('mx.example.org'), 0);
  });

  it('counts one host however it is written (case, trailing dot, IPv6 brackets)', async () => {
    const limiter = new HostLimiter(1);
    const h = harness(limiter);
    const runs = [h.start('MX.Example.org'), h.start('mx.example.org.'), h.start('[::1]'), h.start('::1')];
    await tick();
    assert.equal(limiter.active('mx.example.org'), 1);
    assert.equal(limiter.waiting('mx.example.org'), 1);
    assert.equal(limiter.active('::1'), 1);
    while (h.releases.length) {
      h.releases.shift()!();
      await tick();
      await tick();
    }
    await Promise.all(runs);
  });

  it('serves waiters in arrival order', async () => {
    const limiter = new HostLimiter(1);
    const order: number[] = [];
    let release!: () => void;
    const first = limiter.forHost('h').run(() => new Promise<void>((r) => (release = r)));
    const rest = [1, 2, 3].map((i) => limiter.forHost('h').run(async () => void order.push(i)));
    await tick();
    release();
    await Promise.all([first, ...rest]);
    assert.deepEqual(order, [1, 2, 3]);
  });

  it('releases the slot when the task rejects', async () => {
    const limiter = new HostLimiter(1);
    await assert.rejects(limiter.forHost('h').run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(limiter.active('h'), 0);
    assert.equal(await limiter.forHost('h').run(async () => 'next'), 'next');
  });

  it('an aborted wait leaves the queue and never runs its task', async () => {
    const limiter = new HostLimiter(1);
    let release!: () => void;
    const holder = limiter.forHost('h').run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let ran = false;
    const waiting = limiter.forHost('h', controller.signal).run(async () => void (ran = true));
    await tick();
    assert.equal(limiter.waiting('h'), 1);
    controller.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.equal(limiter.waiting('h'), 0);
    release();
    await holder;
    assert.equal(ran, false);
    assert.equal(limiter.active('h'), 0);
  });

  it('an already aborted signal rejects at once', async () => {
    const limiter = new HostLimiter(1);
    await assert.rejects(limiter.forHost('h', AbortSignal.abort()).run(async () => 1), { name: 'AbortError' });
  });
});
