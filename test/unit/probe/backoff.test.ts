import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRateLimitGreeting, sleep } from '../../../src/core/probe/backoff';

describe('sleep', () => {
  it('resolves after the wait', async () => {
    const t0 = Date.now();
    await sleep(30);
    assert.ok(Date.now() - t0 >= 25, 'it really waited');
  });

  it('an abort during the wait rejects at once and clears the timer', async () => {
    const controller = new AbortController();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const t0 = Date.now();
    const run = sleep(60_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(run, { name: 'AbortError' });
    assert.ok(Date.now() - t0 < 30_000, 'rejected long before the wait was over');
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
