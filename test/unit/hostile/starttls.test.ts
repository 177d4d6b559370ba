// Hostile STARTTLS and handshakes: refusals, garbage, resets, stalls, wrong-mode ports, and
// servers that share no TLS version or cipher with any client.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe/index';
import * as hostile from '../../support/mailServers/scenarios';
import {
  SHORT, SLACK_MS, assertJsonSafe, assertWithin, describeFindings, expectFinding, expectNoFinding,
  shortOptions, timed, trackProcessErrors, withServer,
} from '../../support/probeChecks';

const tracker = trackProcessErrors();
afterEach(() => assert.deepEqual(tracker.errors, [], 'unhandled rejection or uncaught exception'));
after(() => tracker.dispose());

/** Handshake-level failures: one id for every way a TLS handshake can fail. */
const HANDSHAKE_FAILED = 'tls-handshake-failed';

describe('a correct server is not reported as hostile (never lies)', () => {
  for (const dialect of ['smtp', 'lmtp', 'imap', 'pop3', 'sieve'] as const) {
    it(`${dialect}: full probe, no errors`, async () => {
      await withServer(() => hostile.wellBehaved(dialect), async (server) => {
        const r = await probe(server.url, shortOptions());
        assert.equal(r.ok, true, describeFindings(r));
        assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
        assert.ok(r.tls && /^TLSv1\.[23]$/.test(r.tls.version));
        expectNoFinding(r, 'starttls-command-injection');
        assert.ok(r.capabilities.afterTls.length > 0, 'capabilities re-read after TLS');
        assertJsonSafe(r);
      });
    });
  }
  for (const dialect of ['smtp', 'imap', 'pop3'] as const) {
    it(`${dialect} with implicit TLS: full probe, no errors`, async () => {
      await withServer(() => hostile.wellBehaved(dialect, { implicitTls: true }), async (server) => {
        const r = await probe(server.url, shortOptions());
        assert.equal(r.ok, true, describeFindings(r));
        assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
      });
    });
  }
});

describe('version enumeration reports what the server accepts, no more, no less', () => {
  const cases = [
    { name: 'TLS 1.2 and 1.3 (Node default)', tls: {}, expected: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true } },
    { name: 'TLS 1.2 only', tls: { maxVersion: 'TLSv1.2' as const }, expected: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false } },
    { name: 'TLS 1.3 only', tls: { minVersion: 'TLSv1.3' as const }, expected: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': true } },
    { name: 'TLS 1.0 to 1.3', tls: { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' }, expected: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true } },
  ];
  for (const c of cases) {
    it(`imaps server with ${c.name}`, async () => {
      await withServer(() => hostile.wellBehaved('imap', { implicitTls: true, tls: c.tls }), async (server) => {
        const r = await probe(server.url, shortOptions());
        assert.equal(r.ok, true, describeFindings(r));
        assert.deepEqual(r.versions, c.expected);
        const ids = r.findings.map((f) => f.id);
        assert.equal(ids.includes('tls-legacy-version'), c.expected.TLSv1, describeFindings(r));
        assert.equal(ids.includes('tls13-not-supported'), !c.expected['TLSv1.3'], describeFindings(r));
      });
    });
  }
});

describe('STARTTLS refused or missing', () => {
  for (const dialect of ['smtp', 'imap', 'pop3', 'sieve'] as const) {
    it(`${dialect}: offered then refused is \`starttls-refused\` quoting the reply`, async () => {
      await withServer(() => hostile.starttlsRefused(dialect), async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        const reply = { smtp: /454/, imap: /NO/, pop3: /-ERR/, sieve: /NO/, lmtp: /454/ }[dialect];
        const f = expectFinding(r, 'starttls-refused', reply);
        assert.equal(f.severity, 'error');
        assert.equal(r.tls, null);
        assertWithin(ms, SHORT.command * 3 + SLACK_MS, `probe of a ${dialect} server refusing STARTTLS`);
      });
    });
  }
  for (const dialect of ['smtp', 'imap', 'pop3', 'sieve'] as const) {
    it(`${dialect}: not offered is \`starttls-not-offered\``, async () => {
      await withServer(() => hostile.starttlsNotOffered(dialect), async (server) => {
        const r = await probe(server.url, shortOptions());
        assert.equal(r.ok, false);
        expectFinding(r, 'starttls-not-offered');
        assert.equal(r.tls, null);
        assert.ok(r.capabilities.beforeTls.length > 0, 'the list that lacked STARTTLS is shown');
      });
    });
  }
});

describe('STARTTLS response injection (plaintext lines after the STARTTLS reply)', () => {
  for (const dialect of ['smtp', 'imap', 'pop3'] as const) {
    it(`${dialect}: injected lines never become the capabilities after TLS`, async () => {
      await withServer(() => hostile.starttlsResponseInjection(dialect), async (server) => {
        const r = await probe(server.url, shortOptions({ enumerateVersions: false, checkInjection: false }));
        assert.equal(r.ok, true, describeFindings(r));
        assert.ok(!r.capabilities.afterTls.some((c) => c.includes('X-INJECTED')), `after TLS: ${JSON.stringify(r.capabilities.afterTls)}`);
        assert.ok(r.capabilities.afterTls.length > 0, 'the real list was read over TLS');
      });
    });
  }
});

describe('hostile handshakes', () => {
  const handshakeBound = SHORT.handshake + SHORT.command * 2 + SLACK_MS;

  it('plaintext garbage after `220` to STARTTLS is a handshake failure naming the cause', async () => {
    await withServer(() => hostile.starttlsHandshake('garbage'), async (server) => {
      const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
      assert.equal(r.ok, false);
      expectFinding(r, HANDSHAKE_FAILED, /wrong version number|not TLS|plaintext|packet length/i);
      assertWithin(ms, handshakeBound, 'probe of STARTTLS garbage');
    });
  });

  for (const mode of ['starttls', 'implicit'] as const) {
    it(`${mode}: a reset mid-handshake is a handshake failure naming the reset`, async () => {
      const start = mode === 'starttls' ? () => hostile.starttlsHandshake('reset') : () => hostile.implicitHandshake('reset');
      await withServer(start, async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        expectFinding(r, HANDSHAKE_FAILED, /ECONNRESET|reset/i);
        assertWithin(ms, handshakeBound, `probe of a ${mode} reset`);
      });
    });

    it(`${mode}: a handshake that never completes is \`timeout\` naming the handshake`, async () => {
      const start = mode === 'starttls' ? () => hostile.starttlsHandshake('stall') : () => hostile.implicitHandshake('stall');
      await withServer(start, async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        expectFinding(r, 'timeout', /handshake/i);
        // After the main handshake timed out, version enumeration must not wait again per version.
        assertWithin(ms, handshakeBound, `probe of a ${mode} stalled handshake`);
      });
    });
  }

  for (const dialect of ['smtp', 'imap', 'pop3'] as const) {
    it(`${dialect}: TLS spoken on the STARTTLS port ends in \`timeout\` at the greeting deadline`, async () => {
      await withServer(() => hostile.tlsOnStarttlsPort(dialect), async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        // The TLS server waits for a ClientHello, so the client sees silence: a greeting timeout.
        expectFinding(r, 'timeout', /greeting/i);
        assertWithin(ms, SHORT.greeting + SLACK_MS, 'probe of TLS on a STARTTLS port');
      });
    });

    it(`${dialect}: TLS spoken on the STARTTLS port: the finding suggests implicit TLS`, async () => {
      await withServer(() => hostile.tlsOnStarttlsPort(dialect), async (server) => {
        const r = await probe(server.url, shortOptions());
        // Not one byte arrived: the likeliest cause on a mail port is a server waiting for TLS.
        const f = expectFinding(r, 'timeout', /greeting/i);
        assert.match(f.detail, /implicit TLS|TLS first|smtps|imaps|pop3s/i);
      });
    });

    it(`${dialect}: plaintext on the implicit-TLS port is a handshake failure, promptly`, async () => {
      await withServer(() => hostile.plaintextOnImplicitPort(dialect), async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        expectFinding(r, HANDSHAKE_FAILED, /wrong version number|packet length|plaintext|not TLS/i);
        assertWithin(ms, SHORT.handshake + SLACK_MS, 'probe of plaintext on an implicit-TLS port');
      });
    });

    it(`${dialect}: plaintext on the implicit-TLS port: the finding says the server spoke plaintext`, async () => {
      await withServer(() => hostile.plaintextOnImplicitPort(dialect), async (server) => {
        const r = await probe(server.url, shortOptions());
        // OpenSSL's "wrong version number" means nothing to an admin; "plaintext, try STARTTLS" does.
        const f = expectFinding(r, HANDSHAKE_FAILED);
        assert.match(f.detail, /plaintext|STARTTLS/i);
      });
    });
  }

  it('no shared cipher or version: the finding says so in words, not only as an OpenSSL alert', async () => {
    await withServer(() => hostile.noSharedCipher('smtp'), async (server) => {
      const r = await probe(server.url, shortOptions());
      const f = expectFinding(r, HANDSHAKE_FAILED);
      assert.match(f.detail, /no (shared|common)|in common|cipher suite|protocol version/i);
    });
  });

  for (const mode of ['starttls', 'implicit'] as const) {
    it(`${mode}: no shared cipher (TLS 1.3 CCM_8 only) is a handshake failure, versions unknown or false`, async () => {
      await withServer(() => hostile.noSharedCipher('smtp', mode === 'implicit'), async (server) => {
        const { value: r, ms } = await timed(() => probe(server.url, shortOptions()));
        assert.equal(r.ok, false);
        expectFinding(r, HANDSHAKE_FAILED, /handshake failure|no shared cipher|alert/i);
        assert.equal(r.tls, null);
        for (const v of ['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const) assert.notEqual(r.versions[v], true, `${v} accepted?`);
        assertWithin(ms, SHORT.total, 'probe of a no-shared-cipher server');
      });
    });
  }

  it('no shared version (TLS 1.0 with NULL-SHA only) is a handshake failure, never a false TLS 1.2', async () => {
    await withServer(() => hostile.noSharedVersion('smtp'), async (server) => {
      const r = await probe(server.url, shortOptions());
      assert.equal(r.ok, false);
      expectFinding(r, HANDSHAKE_FAILED, /protocol|version|handshake failure|alert/i);
      assert.notEqual(r.versions['TLSv1.2'], true);
      assert.notEqual(r.versions['TLSv1.3'], true);
    });
  });
});
