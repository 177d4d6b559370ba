// STARTTLS command injection (CVE-2011-0411 class): a server that answers the command pipelined
// after STARTTLS inside the TLS session must be reported; a safe one must not be.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe/index';
import * as hostile from '../../support/mailServers/scenarios';
import { describeFindings, expectFinding, expectNoFinding, shortOptions, trackProcessErrors, withServer } from '../../support/probeChecks';

const tracker = trackProcessErrors();
afterEach(() => assert.deepEqual(tracker.errors, [], 'unhandled rejection or uncaught exception'));
after(() => tracker.dispose());

describe('STARTTLS command injection', () => {
  for (const dialect of ['smtp', 'imap', 'pop3'] as const) {
    it(`${dialect}: a vulnerable server is \`starttls-command-injection\`, quoting the injected answer`, async () => {
      await withServer(() => hostile.injectionVulnerable(dialect), async (server) => {
        const r = await probe(server.url, shortOptions({ enumerateVersions: false }));
        const f = expectFinding(r, 'starttls-command-injection');
        assert.equal(f.severity, 'error');
        // The answer the server gave to the injected command, inside TLS.
        const answer = { smtp: /250 2\.0\.0 Ok/, imap: /OK NOOP completed/, pop3: /\+OK/ }[dialect];
        assert.match(f.detail, answer);
        // The main probe itself still succeeded: injection is a finding, not a failure to probe.
        assert.equal(r.ok, true, describeFindings(r));
        assert.equal(server.stats.total, 2, 'one connection for the probe, one for the injection test');
      });
    });

    it(`${dialect}: a safe server is not reported`, async () => {
      await withServer(() => hostile.wellBehaved(dialect), async (server) => {
        const r = await probe(server.url, shortOptions({ enumerateVersions: false }));
        assert.equal(r.ok, true, describeFindings(r));
        expectNoFinding(r, 'starttls-command-injection');
      });
    });

    it(`${dialect}: with checkInjection off, a vulnerable server gets no injection connection`, async () => {
      await withServer(() => hostile.injectionVulnerable(dialect), async (server) => {
        const r = await probe(server.url, shortOptions({ enumerateVersions: false, checkInjection: false }));
        expectNoFinding(r, 'starttls-command-injection');
        assert.equal(server.stats.total, 1);
      });
    });
  }

  it('a byte-at-a-time server is not mistaken for an injection (replies split across reads)', async () => {
    await withServer(() => hostile.byteAtATime('smtp', 0), async (server) => {
      const r = await probe(server.url, shortOptions({ enumerateVersions: false, timeouts: { command: 3000, greeting: 3000 } }));
      assert.equal(r.ok, true, describeFindings(r));
      expectNoFinding(r, 'starttls-command-injection');
    });
  });
});
