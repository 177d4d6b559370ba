import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRateLimitGreeting, sleep, withBackoff } from '../../../src/core/probe/backoff';

describe('withBackoff', () => {
  it('returns the first result that is not rate limited, doubling the waits before it', async () => {
    const answers = ['421', '421', '220'];
    const waits: number[] = [];
    const t0 = Date.now();
    const result = await withBackoff(async () => answers.shift()!, (r) => r === '421', {
      retries: 5, baseDelayMs: 20, onRetry: (_n, ms) => waits.push(ms),
    });
    assert.equal(result, '220');
    assert.deepEqual(waits, [20, 40]);
    assert.ok(Date.now() - t0 >= 55, 'it really waited');
  });

  it('returns the last rate-limited result once the retries are spent', async () => {
    let calls = 0;
    const result = await withBackoff(async () => (++calls, '421'), (r) => r === '421', { retries: 2, baseDelayMs: 1 });
    assert.equal(result, '421');
    assert.equal(calls, 3, 'one attempt and two retries');
  });

  it('does not retry a result that is not rate limited, nor a rejection', async () => {
    let calls = 0;
    assert.equal(await withBackoff(async () => (++calls, 'ok'), () => false, { retries: 3, baseDelayMs: 1 }), 'ok');
    assert.equal(calls, 1);
    await assert.rejects(withBackoff(() => Promise.reject(new Error('ECONNREFUSED')), () => true, { retries: 3, baseDelayMs: 1 }), /ECONNREFUSED/);
  });

  it('caps a single wait at maxDelayMs', async () => {
    const waits: number[] = [];
    await withBackoff(async () => 1, () => true, { retries: 4, baseDelayMs: 4, maxDelayMs: 10, onRetry: (_n, ms) => waits.push(ms) });
    assert.deepEqual(waits, [4, 8, 10, 10]);
  });

  it('an abort during a wait rejects at once and clears the timer', async () => {
    const controller = new AbortController();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const t0 = Date.now();
    const run = withBackoff(async () => '421', () => true, { retries: 3, baseDelayMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(run, { name: 'AbortError' });
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, before);
  });

  it('sleep with an aborted signal rejects without a timer', async () => {
    await assert.rejects(sleep(1000, AbortSignal.abort()), { name: 'AbortError' });
  });
});

describe('isRateLimitGreeting', () => {
  it('recognises 421 greetings and busy refusals', () => {
    assert.ok(isRateLimitGreeting('421 4.7.0 mx.example.org Error: too many connections from 192.0.2.1'));
    assert.ok(isRateLimitGreeting('421-4.3.2 busy\n421 4.3.2 try later'));
    assert.ok(isRateLimitGreeting('* BYE Too many connections from this IP'));
    assert.ok(isRateLimitGreeting('-ERR [SYS/TEMP] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)'));
  });
  it('does not take a permanent rejection or a normal greeting for a rate limit', () => {
    assert.ok(!isRateLimitGreeting('554 5.7.1 No SMTP service here'));
    assert.ok(!isRateLimitGreeting('220 mx.example.org ESMTP'));
    assert.ok(!isRateLimitGreeting('* OK [CAPABILITY IMAP4rev1] ready, try again later if busy'));
  });
});
