// The cipher scan's lean connections against hostile servers: each way a dialog can go wrong
// ends the same as on the Wire that the version checks and the injection test use (the same
// refusal, rate limit or error message), nothing is left open, and a cancel stops it at once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionSettings, connect, dialogUpToTls, openContext } from '../../../src/core/probe/drivers';
import { exchangeHello } from '../../../src/core/probe/scanHello';
import { parseTarget } from '../../../src/core/probe/target';
import { RateLimitedGreeting } from '../../../src/core/probe/rateLimit';
import { WireError } from '../../../src/core/probe/wire';
import { clientHello } from '../../../src/core/tls/hello';
import { LEGACY_OFFER } from '../../../src/core/tls/suites';
import { SHORT, withServer } from '../../support/probeChecks';
import type { PhaseTimeouts } from '../../../src/core/probe/types';
import * as hostile from '../../support/mailServers/scenarios';
import type { HostileServer } from '../../support/mailServers/scenarios';
import { startMailServer } from '../../support/mailServers/mailServer';

const HELLO = clientHello({ version: 'TLSv1.2', suites: LEGACY_OFFER.slice(0, 64).map((s) => s.code), serverName: 'hostile.test' });

/** Room for a busy machine; a scenario that waits out a timeout on purpose says which, short. */
const ROOMY: PhaseTimeouts = { connect: 10_000, greeting: 10_000, command: 10_000, handshake: 10_000, total: 60_000 };

function settings(url: string, timeouts: PhaseTimeouts = ROOMY, signal = new AbortController().signal): ConnectionSettings {
  return { target: parseTarget(url), timeouts, ehloName: 'probe.test', servername: 'hostile.test', signal };
}

/** The Wire dialog's verdict on the way to TLS, in the words exchangeHello uses. */
async function wireVerdict(url: string, timeouts?: PhaseTimeouts): Promise<string> {
  const s = settings(url, timeouts);
  let wire = null;
  try {
    wire = await connect(s, null);
    return (await dialogUpToTls(openContext(wire, s), s.target.dialect, false)) ? 'agreed' : 'the server did not agree to STARTTLS';
  } catch (err) {
    if (err instanceof RateLimitedGreeting) return `rate limited: ${err.message}`;
    return err instanceof Error ? err.message.trim() : String(err);
  } finally {
    await wire?.close();
  }
}

async function leanVerdict(url: string, timeouts?: PhaseTimeouts): Promise<string> {
  const x = await exchangeHello(settings(url, timeouts), HELLO);
  if (x.kind !== 'unknown') return 'agreed';
  return x.rateLimited ? `rate limited: ${x.reason}` : x.reason;
}

const SCENARIOS: [string, () => Promise<HostileServer>, RegExp, PhaseTimeouts?][] = [
  ['a 421 greeting (rate limit)', () => hostile.rejectingGreeting(421), /^rate limited: .*421 4\.3\.2/],
  ['a 554 greeting', () => hostile.rejectingGreeting(554), /did not agree to STARTTLS/],
  ['no greeting at all', () => hostile.silent('smtp'), /no complete reply in time while waiting for the greeting/, SHORT],
  ['a drop after EHLO', () => hostile.dropAfterEhlo(), /closed the connection while waiting for EHLO/],
  ['a greeting that is not SMTP', () => startMailServer({ dialect: 'smtp', greeting: 'HELLO THERE\r\n' }), /expected an SMTP reply line/],
  ['a greeting line of 1 MiB', () => hostile.hugeLine(), /line longer than 8192 bytes/],
  ['an endless 220- continuation', () => hostile.continuationFlood(4 * 1024 * 1024), /more than 1048576 bytes/],
  ['STARTTLS refused (SMTP)', () => hostile.starttlsRefused('smtp'), /did not agree to STARTTLS/],
  ['STARTTLS refused (IMAP)', () => hostile.starttlsRefused('imap'), /did not agree to STARTTLS/],
  ['STLS refused (POP3)', () => hostile.starttlsRefused('pop3'), /did not agree to STARTTLS/],
  ['STARTTLS refused (ManageSieve)', () => hostile.starttlsRefused('sieve'), /did not agree to STARTTLS/],
  ['an IMAP PREAUTH greeting', () => hostile.preauthGreeting(), /did not agree to STARTTLS/],
  ['replies one byte at a time (LMTP)', () => hostile.byteAtATime('lmtp'), /^agreed$/],
  ['lines injected after the STARTTLS reply', () => hostile.starttlsResponseInjection('smtp'), /^agreed$/],
];

describe('the cipher scan\'s connections end as the Wire dialog does', () => {
  for (const [name, start, expected, timeouts] of SCENARIOS) {
    test(name, async () => {
      await withServer(start, async (server) => {
        const [lean, wire] = [await leanVerdict(server.url, timeouts), await wireVerdict(server.url, timeouts)];
        assert.match(lean, expected);
        assert.equal(lean, wire);
      });
    });
  }
});

describe('after the hello', () => {
  test('a reset at the ClientHello is a refusal without words', async () => {
    await withServer(() => hostile.starttlsHandshake('reset'), async (server) => {
      assert.deepEqual(await exchangeHello(settings(server.url), HELLO), { kind: 'closed' });
    });
  });

  test('no answer to the hello: the handshake timeout', async () => {
    await withServer(() => hostile.starttlsHandshake('stall'), async (server) => {
      const x = await exchangeHello(settings(server.url, { ...ROOMY, handshake: SHORT.handshake }), HELLO);
      assert.equal(x.kind, 'unknown');
      assert.match((x as { reason: string }).reason, /no answer to the ClientHello within 600 ms/);
    });
  });

  test('plaintext instead of a ServerHello is malformed, not a hello', async () => {
    await withServer(() => hostile.implicitHandshake('garbage'), async (server) => {
      const x = await exchangeHello(settings(server.url), HELLO);
      assert.notEqual(x.kind, 'hello');
      assert.notEqual(x.kind, 'closed');
    });
  });

  test('a real TLS server names the suite it chose from the offer', async () => {
    await withServer(() => hostile.wellBehaved('pop3'), async (server) => {
      const x = await exchangeHello(settings(server.url), HELLO);
      assert.equal(x.kind, 'hello');
      if (x.kind === 'hello') assert.ok(LEGACY_OFFER.slice(0, 64).some((s) => s.code === x.hello.suite), x.hello.suite.toString(16));
    });
  });
});

test('a cancel in the middle of the dialog rejects at once as aborted and leaves no connection', async () => {
  await withServer(() => hostile.silent('imap'), async (server) => {
    const controller = new AbortController();
    // The greeting would be waited for a minute: ending well before that can only be the cancel's doing.
    const pending = exchangeHello(settings(server.url, { ...ROOMY, greeting: 60_000 }, controller.signal), HELLO);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(pending, (err: unknown) => err instanceof WireError && err.kind === 'aborted');
    assert.ok(Date.now() - started < 30_000, 'the cancel ended the wait for the greeting');
  });
});
