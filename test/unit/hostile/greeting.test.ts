// Hostile greetings: silence, postscreen pauses, rejections, tarpits, garbage; plus the two
// address cases (IPv6 loopback, a name that does not resolve).
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe/index';
import * as hostile from '../../support/mailServers/scenarios';
import {
  SHORT, SLACK_MS, assertJsonSafe, assertNoLeakedResources, assertWithin, expectFinding, expectNoFinding,
  resourceCounts, shortOptions, timed, trackProcessErrors, transcriptChars, withServer,
} from '../../support/probeChecks';

const tracker = trackProcessErrors();
afterEach(() => assert.deepEqual(tracker.errors, [], 'unhandled rejection or uncaught exception'));
after(() => tracker.dispose());

describe('hostile greetings', () => {
  it('a server that never greets ends in `timeout` naming the greeting, within the greeting timeout', async () => {
    await withServer(() => hostile.silent('smtp'), async (server) => {
      const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
      assert.equal(r.ok, false);
      expectFinding(r, 'timeout', /greeting/i);
      assert.equal(r.greeting, null);
      assertWithin(ms, SHORT.greeting + SLACK_MS, 'probe of a silent server');
      assert.equal(server.stats.total, 1, 'no further connection after the greeting timed out');
      assertJsonSafe(r);
    });
  });

  for (const dialect of ['imap', 'pop3', 'sieve'] as const) {
    it(`a silent ${dialect} server ends in \`timeout\` too`, async () => {
      await withServer(() => hostile.silent(dialect), async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        expectFinding(r, 'timeout', /greeting/i);
        assertWithin(ms, SHORT.greeting + SLACK_MS, `probe of a silent ${dialect} server`);
      });
    });
  }

  it('the default greeting timeout waits out a 6 s postscreen pause', { timeout: 30_000 }, async () => {
    await withServer(() => hostile.postscreenDelay(6000), async (server) => {
      const { caFile, servername } = shortOptions();
      const r = await probe(server.url, { caFile, servername, enumerateVersions: false, checkInjection: false });
      expectNoFinding(r, 'timeout');
      assert.equal(r.ok, true, `postscreen-delayed server should be probed fully: ${JSON.stringify(r.findings)}`);
      assert.match(r.greeting ?? '', /^220 /);
      assert.ok((r.timings.greeting ?? 0) >= 5900, `greeting arrived after ${r.timings.greeting} ms`);
    });
  });

  it('a shorter configured greeting timeout reports the postscreen pause as `timeout`', async () => {
    await withServer(() => hostile.postscreenDelay(6000), async (server) => {
      const { value: r, ms } = await timed(() => probe(server.url, shortOptions({ timeouts: { greeting: 1000 } })));
      expectFinding(r, 'timeout', /greeting/i);
      assertWithin(ms, 1000 + SLACK_MS, 'probe with a 1 s greeting timeout');
    });
  });

  it('the total timeout bounds the probe even when the phase timeouts are longer', async () => {
    await withServer(() => hostile.silent('smtp'), async (server) => {
      const opts = shortOptions({ timeouts: { greeting: 10_000, total: 700 } });
      const { value: r, ms } = await timed(() => probe(server.url, opts));
      expectFinding(r, 'timeout');
      assertWithin(ms, 700 + SLACK_MS, 'probe with a 700 ms total timeout');
    });
  });

  for (const code of [421, 554] as const) {
    it(`a ${code} greeting is \`greeting-rejected\` with the server's words`, async () => {
      await withServer(() => hostile.rejectingGreeting(code), async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        const f = expectFinding(r, 'greeting-rejected', new RegExp(String(code)));
        assert.match(f.detail, code === 421 ? /Service not available/ : /No SMTP service here/);
        assert.equal(f.severity, 'error');
        assertWithin(ms, SHORT.greeting + SLACK_MS, `probe of a ${code} greeting`);
        assert.equal(server.stats.total, 1, 'a rejected greeting must not be retried at once by other checks');
      });
    });
  }

  for (const dialect of ['smtp', 'imap', 'pop3', 'sieve'] as const) {
    it(`a ${dialect} greeting that trickles forever ends in \`timeout\` at the greeting deadline`, async () => {
      await withServer(() => hostile.greetingNeverEnds(dialect, 50), async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        expectFinding(r, 'timeout', /greeting/i);
        assertWithin(ms, SHORT.greeting + SLACK_MS, `probe of a ${dialect} tarpit`);
        assertJsonSafe(r);
      });
    });
  }

  it('an IMAP PREAUTH greeting is `imap-preauth`, and no STARTTLS is attempted', async () => {
    await withServer(() => hostile.preauthGreeting(), async (server) => {
      const r = await probe(server.url, shortOptions());
      assert.equal(r.ok, false);
      const f = expectFinding(r, 'imap-preauth', /PREAUTH/);
      assert.equal(f.severity, 'error');
      assert.equal(r.tls, null);
      assert.equal(server.stats.total, 1, 'no side connection to a server that skips authentication');
    });
  });

  it('a connection dropped after EHLO is reported as such, not as a timeout', async () => {
    await withServer(() => hostile.dropAfterEhlo(), async (server) => {
      const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
      assert.equal(r.ok, false);
      expectNoFinding(r, 'timeout');
      const f = expectFinding(r, 'connection-closed', /EHLO/);
      assert.equal(f.severity, 'error');
      assert.match(r.greeting ?? '', /^220 /);
      assertWithin(ms, SHORT.command + SLACK_MS, 'probe of a server dropping after EHLO');
    });
  });

  it('binary noise instead of a greeting is a `protocol-error`, with a bounded, well-formed transcript', async () => {
    await withServer(() => hostile.binaryGarbageGreeting(), async (server) => {
      const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
      assert.equal(r.ok, false);
      const f = expectFinding(r, 'protocol-error', /SMTP reply/i);
      assert.match(f.title, /greeting/i);
      assertWithin(ms, SHORT.greeting + SLACK_MS, 'probe of a binary greeting');
      assert.ok(transcriptChars(r) <= 16 * 1024, `transcript holds ${transcriptChars(r)} characters`);
      assertJsonSafe(r);
    });
  });

  it('control bytes from the server never reach a finding raw (terminal escapes are neutralised)', async () => {
    await withServer(() => hostile.binaryGarbageGreeting(), async (server) => {
      const r = await probe(server.url, shortOptions());
      for (const f of r.findings) {
        // ESC, NUL, BEL and friends would be interpreted by the terminal the CLI prints to.
        assert.doesNotMatch(f.title + f.detail, /[\x00-\x08\x0b-\x1f\x7f]/, `finding '${f.id}' carries raw control bytes`);
      }
    });
  });

  it('invalid UTF-8 and control bytes in a 220 greeting do not stop a full probe', async () => {
    await withServer(() => hostile.invalidUtf8Greeting(), async (server) => {
      const r = await probe(server.url, shortOptions());
      assert.equal(r.ok, true, JSON.stringify(r.findings));
      assert.match(r.greeting ?? '', /^220 hostile\.test ESMTP .* ready$/);
      assert.ok(r.capabilities.afterTls.length > 0);
      assertJsonSafe(r);
    });
  });

  it('an endpoint on the IPv6 loopback is probed by its bracketed URL', async () => {
    await withServer(() => hostile.ipv6('smtp'), async (server) => {
      assert.match(server.url, /^smtp:\/\/\[::1\]:\d+$/);
      const r = await probe(server.url, shortOptions());
      assert.equal(r.ok, true, JSON.stringify(r.findings));
      assert.equal(r.address, '::1');
      assert.equal(r.target, server.url);
    });
  });
});

describe('names that do not resolve', () => {
  it('`no-such-host.invalid` is `connect-failed` with the resolver error, quickly', async () => {
    const before = resourceCounts();
    const { value: r, ms } = await timed(() => probe('smtp://no-such-host.invalid:25', shortOptions()));
    assert.equal(r.ok, false);
    const f = expectFinding(r, 'connect-failed', /ENOTFOUND|EAI_AGAIN|not resolve|not found/i);
    assert.match(f.detail, /no-such-host\.invalid/);
    assert.equal(r.address, null);
    assertWithin(ms, SHORT.connect + SLACK_MS, 'probe of an unresolvable name');
    await assertNoLeakedResources(before);
  });
});
