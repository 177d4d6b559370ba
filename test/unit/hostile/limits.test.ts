// Size and pacing: replies a byte at a time, a 1 MB line, a line that never ends, ten thousand
// capabilities. The engine must parse the slow ones right and cap the big ones.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe/index';
import * as hostile from '../../support/mailServers/scenarios';
import {
  SHORT, SLACK_MS, assertJsonSafe, assertWithin, describeFindings, expectFinding, peakHeapGrowth,
  shortOptions, timed, trackProcessErrors, transcriptChars, withServer,
} from '../../support/probeChecks';

const tracker = trackProcessErrors();
afterEach(() => assert.deepEqual(tracker.errors, [], 'unhandled rejection or uncaught exception'));
after(() => tracker.dispose());

/** The finding for a reply line or reply beyond the engine's size limits. */
const TOO_LONG = 'reply-too-large';
const MiB = 1024 * 1024;

describe('replies delivered a byte at a time', () => {
  for (const dialect of ['smtp', 'lmtp', 'imap', 'pop3', 'sieve'] as const) {
    it(`${dialect}: multi-line replies split into single bytes parse exactly as whole ones`, async () => {
      const opts = shortOptions({ enumerateVersions: false, checkInjection: false, timeouts: { greeting: 5000, command: 5000, handshake: 5000 } });
      let whole: string[] = [];
      await withServer(() => hostile.wellBehaved(dialect), async (server) => {
        whole = (await probe(server.url, opts)).capabilities.afterTls;
      });
      await withServer(() => hostile.byteAtATime(dialect, 0), async (server) => {
        const r = await probe(server.url, opts);
        assert.equal(r.ok, true, describeFindings(r));
        assert.deepEqual(r.capabilities.afterTls, whole);
        assert.ok(r.capabilities.beforeTls.length >= 3, `before TLS: ${JSON.stringify(r.capabilities.beforeTls)}`);
      });
    });
  }
});

describe('oversized input', () => {
  it('a 1 MB greeting line without CRLF is cut at the line limit, promptly, and not kept', async () => {
    await withServer(() => hostile.hugeLine(MiB), async (server) => {
      const opts = shortOptions({ timeouts: { greeting: 20000 } });
      const { value: { value: r, growth }, ms } = await timed(() => peakHeapGrowth(() => probe(server.url, opts)));
      assert.equal(r.ok, false);
      expectFinding(r, TOO_LONG, /line|bytes/i);
      // Rejected when the limit is crossed, not when the greeting timeout (20 s) finally fires;
      // the margin leaves room for a busy machine.
      assertWithin(ms, 10000, 'probe of a 1 MB line');
      assert.ok(transcriptChars(r) <= 16 * 1024, `transcript holds ${transcriptChars(r)} characters`);
      assert.ok(growth < 32 * MiB, `heap grew by ${(growth / MiB).toFixed(1)} MiB`);
      assertJsonSafe(r);
    });
  });

  it('a line that never ends stops being read: the engine closes the connection, memory stays flat', async () => {
    await withServer(() => hostile.endlessLine(256 * MiB), async (server) => {
      const { value: { value: r, growth }, ms } = await timed(() => peakHeapGrowth(() => probe(server.url, shortOptions({ timeouts: { greeting: 3000 } }))));
      assert.equal(r.ok, false);
      expectFinding(r, TOO_LONG);
      assertWithin(ms, 3000 + SLACK_MS, 'probe of an endless line');
      assert.ok(growth < 32 * MiB, `heap grew by ${(growth / MiB).toFixed(1)} MiB`);
      // What the server managed to push before the engine hung up: the engine's cap plus socket buffers.
      assert.ok(server.stats.bytesSent < 64 * MiB, `server pushed ${(server.stats.bytesSent / MiB).toFixed(1)} MiB`);
      assert.ok(transcriptChars(r) <= 16 * 1024, `transcript holds ${transcriptChars(r)} characters`);
    });
  });

  it('a flood of short continuation lines is cut at the byte cap, promptly, memory flat', async () => {
    await withServer(() => hostile.continuationFlood(), async (server) => {
      const opts = shortOptions({ timeouts: { greeting: 20000 } });
      const { value: { value: r, growth }, ms } = await timed(() => peakHeapGrowth(() => probe(server.url, opts)));
      assert.equal(r.ok, false);
      expectFinding(r, TOO_LONG, /bytes/i);
      assertWithin(ms, 10000, 'probe of a continuation-line flood (greeting timeout 20 s)');
      assert.ok(growth < 32 * MiB, `heap grew by ${(growth / MiB).toFixed(1)} MiB`);
      assert.ok(transcriptChars(r) <= 2 * MiB, `transcript holds ${transcriptChars(r)} characters`);
      assert.ok(server.stats.bytesSent < 64 * MiB, 'the engine stopped reading before the server ran out');
    });
  });

  for (const dialect of ['smtp', 'pop3', 'sieve'] as const) {
    it(`${dialect}: ten thousand capabilities are read, STARTTLS among them found, transcript bounded`, async () => {
      await withServer(() => hostile.manyCapabilities(dialect), async (server) => {
        const opts = shortOptions({ enumerateVersions: false, checkInjection: false, timeouts: { command: 5000, greeting: 5000 } });
        const { value: { value: r, growth } } = await timed(() => peakHeapGrowth(() => probe(server.url, opts)));
        assert.equal(r.ok, true, describeFindings(r));
        assert.ok(r.capabilities.beforeTls.length <= 10_001, 'no capability counted twice');
        assert.ok(r.capabilities.afterTls.length > 0);
        assert.ok(transcriptChars(r) <= 256 * 1024, `transcript holds ${transcriptChars(r)} characters`);
        assert.ok(growth < 64 * MiB, `heap grew by ${(growth / MiB).toFixed(1)} MiB`);
        assertJsonSafe(r);
      });
    });
  }

  it('imap: a 10 000-atom CAPABILITY line is either read whole or cut with a finding, never hangs', async () => {
    await withServer(() => hostile.manyCapabilities('imap'), async (server) => {
      const { value: r, ms } = await timed(() => probe(server.url, shortOptions({ enumerateVersions: false, checkInjection: false })));
      if (!r.ok) expectFinding(r, TOO_LONG, /line|bytes/i);
      else assert.ok(r.capabilities.beforeTls.includes('STARTTLS'));
      assertWithin(ms, SHORT.greeting + SLACK_MS, 'probe of a 10 000-atom IMAP greeting');
      assert.ok(transcriptChars(r) <= 256 * 1024, `transcript holds ${transcriptChars(r)} characters`);
    });
  });
});
