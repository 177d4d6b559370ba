// Cancelling a probe while a hostile server holds it (silence, a trickling greeting, a stalled
// handshake): the promise rejects at once with the abort reason and
// every connection is closed.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe/index';
import * as hostile from '../../support/mailServers/scenarios';
import type { HostileServer } from '../../support/mailServers/scenarios';
import { assertWithin, shortOptions, timed, trackProcessErrors, withServer } from '../../support/probeChecks';

const tracker = trackProcessErrors();
afterEach(() => assert.deepEqual(tracker.errors, [], 'unhandled rejection or uncaught exception'));
after(() => tracker.dispose());

const LONG = { connect: 30_000, greeting: 30_000, command: 30_000, handshake: 30_000, total: 60_000 };

const cases: [string, () => Promise<HostileServer>][] = [
  ['a silent server', () => hostile.silent('smtp')],
  ['a greeting that trickles forever', () => hostile.greetingNeverEnds('imap', 20)],
  ['a STARTTLS handshake that never completes', () => hostile.starttlsHandshake('stall')],
  ['an implicit-TLS handshake that never completes', () => hostile.implicitHandshake('stall', 'pop3')],
];

describe('abort while a hostile server holds the probe', () => {
  for (const [name, start] of cases) {
    it(`${name}: rejects with the abort reason promptly (long before any timeout), nothing left open`, async () => {
      await withServer(start, async (server) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 150);
        const { value: outcome, ms } = await timed(() =>
          probe(server.url, shortOptions({ signal: controller.signal, maxConnections: 1, timeouts: LONG })).then(
            () => 'resolved',
            (err: unknown) => err,
          ));
        assert.ok(outcome instanceof Error && outcome.name === 'AbortError', `got ${String(outcome)}`);
        // Wide margin for a busy machine: the timeouts are 30 s, so 5 s still proves the cancel cut it.
        assertWithin(ms, 150 + 5000, `cancelling the probe of ${name}`);
      });
    });
  }

  it('an abort right after the call (while the CA file is being read) is not lost', async () => {
    await withServer(() => hostile.starttlsHandshake('stall'), async (server) => {
      const controller = new AbortController();
      const { value: outcome, ms } = await timed(() => {
        // Timeouts of 3 s: long enough to tell a prompt cancel from a lost one, short enough
        // that a lost one does not hold the suite for a minute.
        const run = probe(server.url, shortOptions({ signal: controller.signal, timeouts: { ...LONG, handshake: 3000, total: 3000 } }));
        controller.abort();
        return run.then(() => 'resolved', (err: unknown) => err);
      });
      assert.ok(outcome instanceof Error && outcome.name === 'AbortError', `got ${String(outcome)}`);
      assertWithin(ms, 2500, 'cancelling a probe that had just started (its timeouts are 3 s)');
    });
  });

  it('an already aborted signal rejects before any connection', async () => {
    await withServer(() => hostile.wellBehaved('smtp'), async (server) => {
      await assert.rejects(probe(server.url, shortOptions({ signal: AbortSignal.abort() })), { name: 'AbortError' });
      assert.equal(server.stats.total, 0);
    });
  });
});
