import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimitedGreeting, rateLimitRetrier, rateLimitedFinding, throwIfRateLimited } from '../../../src/core/probe/rateLimit';

const LIMIT = '421 4.7.0 mx.example.org Error: too many connections from 192.0.2.1';

describe('rate-limit pieces', () => {
  it('throwIfRateLimited throws only for a rate-limit refusal', () => {
    assert.throws(() => throwIfRateLimited(LIMIT), (err) => err instanceof RateLimitedGreeting && err.greeting === LIMIT);
    assert.doesNotThrow(() => throwIfRateLimited('554 5.7.1 No SMTP service here'));
  });

  it('retries go one at a time, each after its wait, and then succeed', async () => {
    const starts: number[] = [];
    let refusalsLeft = 3;
    const check = async () => {
      starts.push(Date.now());
      return refusalsLeft-- > 0 ? { rateLimited: LIMIT } : { rateLimited: null };
    };
    const retry = rateLimitRetrier({ budgetMs: 400 }); // base wait 50 ms
    const t0 = Date.now();
    const outcomes = await Promise.all([retry('a', check), retry('b', check), retry('c', check)]);
    // Three first attempts refused together; the three retries came through the lane in turn.
    assert.deepEqual(outcomes.map((o) => o.rateLimited), [null, null, null]);
    assert.equal(starts.length, 6);
    const retries = starts.slice(3);
    for (let i = 1; i < retries.length; i++) assert.ok(retries[i]! - retries[i - 1]! >= 45, `retries ${retries.map((t) => t - t0)} ms too close`);
  });

  it('a limit that persists stops the other checks from retrying', async () => {
    let calls = 0;
    const retry = rateLimitRetrier({ budgetMs: 400 });
    const refuse = async () => (++calls, { rateLimited: LIMIT });
    const outcomes = await Promise.all([retry('a', refuse), retry('b', refuse), retry('c', refuse)]);
    assert.ok(outcomes.every((o) => o.rateLimited === LIMIT));
    assert.ok(calls <= 3 + 2 + 2, `${calls} attempts`);
  });

  it('an abort while waiting rejects', async () => {
    const controller = new AbortController();
    const retry = rateLimitRetrier({ budgetMs: 80_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(retry('a', async () => ({ rateLimited: LIMIT })), { name: 'AbortError' });
  });

  it('the finding names the refused checks and quotes the server, as a warning', () => {
    assert.equal(rateLimitedFinding([]), null);
    const f = rateLimitedFinding([{ what: 'TLSv1', greeting: LIMIT }, { what: 'TLSv1.1', greeting: LIMIT }])!;
    assert.equal(f.id, 'rate-limited');
    assert.equal(f.severity, 'warning');
    assert.match(f.detail, /TLSv1, TLSv1\.1/);
    assert.match(f.detail, /too many connections/);
    assert.match(f.detail, /unknown, not negative/);
  });
});
