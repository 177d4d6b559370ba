/**
 * The catalogue of hostile mail servers, each started on port 0 on loopback. Every factory
 * returns a HostileServer: its engine URL, connection stats and a `close()` that releases
 * every socket and timer.
 */
import tls from 'node:tls';
import { sharedCertificate } from '../certs';
import { HostileDialect } from './dialects';
import { HostileServer, listen } from './listener';
import { HandshakeBehaviour, MailServerOptions, MailSession, startMailServer } from './mailServer';

export type { ConnectionStats, HostileServer } from './listener';
export { freePort, newStats } from './listener';
export type { HostileDialect } from './dialects';

type Extra = Partial<MailServerOptions>;
const CRLF = '\r\n';

/** A correct server: the baseline every hostile variant departs from. */
export function wellBehaved(dialect: HostileDialect = 'smtp', extra: Extra = {}): Promise<HostileServer> {
  return startMailServer({ dialect, ...extra });
}

/** Accepts the connection and never says a word. */
export function silent(dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, greeting: null });
}

/** Accepts and hangs up at once without a word: counts who connects (`stats.total`). */
export function closesAtOnce(): Promise<HostileServer> {
  return listen('smtp', '127.0.0.1', (socket) => socket.end());
}

/**
 * TLS and nothing else: a node:tls server with `options` on the shared certificate, for tests of
 * handshakes and raw hellos (no mail dialog after the handshake).
 */
export function tlsOnly(options: tls.TlsOptions = {}): Promise<HostileServer> {
  const { cert, key } = sharedCertificate();
  const server = tls.createServer({ cert, key, ...options }, (s) => s.on('error', () => undefined));
  server.on('tlsClientError', () => undefined);
  return listen('smtps', '127.0.0.1', (socket) => server.emit('connection', socket));
}

/** Greets only after `delayMs`, like Postfix postscreen's pre-greet pause (about 6 s). */
export function postscreenDelay(delayMs = 6000): Promise<HostileServer> {
  return startMailServer({ dialect: 'smtp', greetingDelayMs: delayMs });
}

/** Greets with a rejection (`421` service not available, `554` no SMTP service here). */
export function rejectingGreeting(code: 421 | 554): Promise<HostileServer> {
  const text = code === 421
    ? `421 4.3.2 hostile.test Service not available, closing transmission channel${CRLF}`
    : `554 5.7.1 hostile.test No SMTP service here${CRLF}`;
  return startMailServer({
    dialect: 'smtp',
    greeting: async (s) => {
      await s.send(text);
      s.socket.end();
    },
  });
}

/** Greets, then drops the TCP connection when the client says EHLO. */
export function dropAfterEhlo(): Promise<HostileServer> {
  return startMailServer({
    dialect: 'smtp',
    onCommand: (line, s) => {
      if (!/^(EHLO|HELO|LHLO)\b/i.test(line)) return false;
      s.socket.destroy();
      return true;
    },
  });
}

/** Offers STARTTLS and refuses it (`454`, `NO`, `-ERR`). */
export function starttlsRefused(dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, starttls: 'refuse' });
}

/** Offers no STARTTLS at all. */
export function starttlsNotOffered(dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, capabilitiesBeforeTls: withoutStarttls(dialect) });
}

function withoutStarttls(dialect: HostileDialect): string[] {
  const base: Record<HostileDialect, string[]> = {
    smtp: ['PIPELINING', 'SIZE 10240000', '8BITMIME'],
    lmtp: ['PIPELINING', '8BITMIME'],
    imap: ['IMAP4rev1', 'SASL-IR', 'LOGINDISABLED'],
    pop3: ['CAPA', 'TOP', 'UIDL'],
    sieve: ['"IMPLEMENTATION" "Hostile Sieve"', '"SIEVE" "fileinto"', '"SASL" ""', '"VERSION" "1.0"'],
  };
  return base[dialect];
}

/** Accepts STARTTLS, then hostile at the handshake: garbage, a reset, or silence. */
export function starttlsHandshake(behaviour: HandshakeBehaviour, dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, handshake: behaviour });
}

/** Implicit TLS endpoint, hostile at the handshake: a reset, silence or garbage. */
export function implicitHandshake(behaviour: HandshakeBehaviour, dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, implicitTls: true, handshake: behaviour });
}

/** Speaks TLS first on a port advertised as STARTTLS (`smtp://`, `imap://`, ...). */
export function tlsOnStarttlsPort(dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, implicitTls: true, scheme: dialect });
}

/** Speaks plaintext on a port advertised as implicit TLS (`smtps://`, `imaps://`, `pop3s://`). */
export function plaintextOnImplicitPort(dialect: 'smtp' | 'imap' | 'pop3' = 'smtp'): Promise<HostileServer> {
  const scheme = { smtp: 'smtps', imap: 'imaps', pop3: 'pop3s' }[dialect];
  return startMailServer({ dialect, scheme });
}

/** Answers the command pipelined after STARTTLS inside the TLS session. */
export function injectionVulnerable(dialect: 'smtp' | 'imap' | 'pop3' = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, injectionVulnerable: true });
}

/** Writes every reply one byte at a time (multi-line replies included). */
export function byteAtATime(dialect: HostileDialect = 'smtp', byteDelayMs = 1): Promise<HostileServer> {
  return startMailServer({ dialect, byteDelayMs });
}

/** A greeting line of `bytes` bytes without CRLF, then silence with the connection held open. */
export function hugeLine(bytes = 1024 * 1024, dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  const prefix = dialect === 'smtp' || dialect === 'lmtp' ? '220 ' : dialect === 'imap' ? '* OK ' : dialect === 'pop3' ? '+OK ' : '"IMPLEMENTATION" "';
  return startMailServer({
    dialect,
    greeting: async (s) => {
      await streamLine(s, prefix, bytes);
      await new Promise(() => undefined);
    },
  });
}

/** One line that never ends: `A`s streamed until the client closes or `maxBytes` is reached. */
export function endlessLine(maxBytes = 64 * 1024 * 1024): Promise<HostileServer> {
  return startMailServer({
    dialect: 'smtp',
    greeting: async (s) => {
      await streamLine(s, '220 ', maxBytes);
      await new Promise(() => undefined);
    },
  });
}

/** Writes in 64 KiB chunks, respecting back-pressure so the server does not buffer `bytes` itself. */
async function streamLine(s: MailSession, prefix: string, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 'A');
  await s.send(prefix);
  for (let sent = prefix.length; sent < bytes && !s.socket.destroyed && !s.ctx.closed(); sent += chunk.length) {
    s.ctx.stats.bytesSent += chunk.length;
    if (!s.socket.write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)))) {
      await new Promise<void>((resolve) => {
        s.socket.once('drain', resolve);
        s.socket.once('close', resolve);
      });
    }
  }
}

/** SMTP continuation lines (`220-...`) as fast as the client reads: only a byte cap stops it. */
export function continuationFlood(maxBytes = 64 * 1024 * 1024): Promise<HostileServer> {
  return startMailServer({
    dialect: 'smtp',
    greeting: async (s) => {
      const chunk = Buffer.from(`220-hostile.test flood ${'x'.repeat(40)}\r\n`.repeat(1024));
      for (let sent = 0; sent < maxBytes && !s.socket.destroyed && !s.ctx.closed(); sent += chunk.length) {
        s.ctx.stats.bytesSent += chunk.length;
        if (!s.socket.write(chunk)) {
          await new Promise<void>((resolve) => {
            s.socket.once('drain', resolve);
            s.socket.once('close', resolve);
          });
        }
      }
      await new Promise(() => undefined);
    },
  });
}

/** IMAP `* PREAUTH` greeting: the session is authenticated in plaintext, STARTTLS can never run. */
export function preauthGreeting(): Promise<HostileServer> {
  return startMailServer({ dialect: 'imap', greeting: `* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] Logged in as hostile${CRLF}` });
}

/**
 * STARTTLS response injection: fake capability lines follow the STARTTLS acceptance in the same
 * plaintext segment. A client that reads them after the handshake reports capabilities the
 * server never sent over TLS.
 */
export function starttlsResponseInjection(dialect: 'smtp' | 'imap' | 'pop3' = 'smtp'): Promise<HostileServer> {
  const fake = {
    smtp: `250-hostile.test\r\n250-X-INJECTED-BEFORE-TLS\r\n250 AUTH PLAIN${CRLF}`,
    imap: `* CAPABILITY IMAP4rev1 X-INJECTED-BEFORE-TLS AUTH=PLAIN${CRLF}a9 OK injected${CRLF}`,
    pop3: `+OK${CRLF}X-INJECTED-BEFORE-TLS${CRLF}USER${CRLF}.${CRLF}`,
  }[dialect];
  return startMailServer({ dialect, afterStarttlsReply: fake });
}

/** A correct server whose greeting text carries NUL, control bytes and invalid UTF-8. */
export function invalidUtf8Greeting(): Promise<HostileServer> {
  const greeting = Buffer.concat([
    Buffer.from('220 hostile.test ESMTP '),
    Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xe2, 0x82, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xed, 0xa0, 0x80]),
    Buffer.from(' ready\r\n'),
  ]);
  return startMailServer({ dialect: 'smtp', greeting });
}

/** Binary noise instead of a greeting (deterministic bytes, with CR and LF among them). */
export function binaryGarbageGreeting(bytes = 4096): Promise<HostileServer> {
  const noise = Buffer.alloc(bytes);
  let x = 0x2545f491;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    noise[i] = x & 0xff;
  }
  return startMailServer({ dialect: 'smtp', greeting: noise });
}

/** Advertises `count` capabilities before TLS (STARTTLS last) and after it. */
export function manyCapabilities(dialect: HostileDialect = 'smtp', count = 10_000): Promise<HostileServer> {
  const fill = Array.from({ length: count }, (_, i) =>
    dialect === 'sieve' ? `"X-HOSTILE-${i}" "value ${i}"` : `X-HOSTILE-CAPABILITY-${i}`);
  const starttls = dialect === 'pop3' ? 'STLS' : dialect === 'sieve' ? '"STARTTLS"' : 'STARTTLS';
  const before = dialect === 'imap' ? ['IMAP4rev1', ...fill, starttls] : [...fill, starttls];
  const after = dialect === 'imap' ? ['IMAP4rev1', ...fill] : fill;
  return startMailServer({ dialect, capabilitiesBeforeTls: before, capabilitiesAfterTls: after });
}

/** A greeting that keeps coming and never completes: a tarpit that defeats idle timeouts. */
export function greetingNeverEnds(dialect: HostileDialect = 'smtp', everyMs = 100): Promise<HostileServer> {
  const start: Record<HostileDialect, string> = {
    smtp: '', lmtp: '', imap: '* OK [CAPABILITY IMAP4rev1', pop3: '+OK hostile', sieve: '',
  };
  const piece: Record<HostileDialect, (i: number) => string> = {
    smtp: (i) => `220-hostile.test greeting continues ${i}${CRLF}`,
    lmtp: (i) => `220-hostile.test greeting continues ${i}${CRLF}`,
    imap: (i) => ` X-TRICKLE-${i}`,
    pop3: (i) => ` ${i}`,
    sieve: (i) => `"X-TRICKLE-${i}" "more to come"${CRLF}`,
  };
  return startMailServer({
    dialect,
    greeting: async (s) => {
      await s.send(start[dialect]);
      for (let i = 0; !s.socket.destroyed; i++) {
        await s.send(piece[dialect](i));
        await s.ctx.sleep(everyMs);
      }
    },
  });
}

/**
 * TLS 1.3 only, with TLS_AES_128_CCM_8_SHA256 alone: OpenSSL's and Node's default client
 * suites (and `ALL:COMPLEMENTOFALL`) never offer it, so no handshake can succeed.
 */
export function noSharedCipher(dialect: HostileDialect = 'smtp', implicitTls = false): Promise<HostileServer> {
  return startMailServer({
    dialect,
    implicitTls,
    tls: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_CCM_8_SHA256' },
  });
}

/** TLS 1.0 only with NULL-SHA: Node refuses TLS 1.0 by default and no default list has eNULL. */
export function noSharedVersion(dialect: HostileDialect = 'smtp', implicitTls = false): Promise<HostileServer> {
  return startMailServer({
    dialect,
    implicitTls,
    tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'NULL-SHA:@SECLEVEL=0' },
  });
}

/** A correct server listening on the IPv6 loopback `::1`. */
export function ipv6(dialect: HostileDialect = 'smtp'): Promise<HostileServer> {
  return startMailServer({ dialect, host: '::1' });
}

/** What real servers say when a client has too many connections (Postfix anvil, Dovecot). */
export const RATE_LIMIT_REPLIES: Record<HostileDialect, string> = {
  smtp: `421 4.7.0 hostile.test Error: too many connections from 127.0.0.1${CRLF}`,
  lmtp: `421 4.7.0 hostile.test Error: too many connections from 127.0.0.1${CRLF}`,
  imap: `* BYE Maximum number of connections from user+IP exceeded (mail_max_userip_connections=1)${CRLF}`,
  pop3: `-ERR [SYS/TEMP] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=1)${CRLF}`,
  sieve: `BYE "Maximum number of connections from user+IP exceeded"${CRLF}`,
};

/**
 * Answers `421 too many connections` (or the dialect's equivalent) to every connection beyond the first. With `cooldownMs`
 * it forgives: a connection is refused only while another is open or within `cooldownMs` of
 * the previous one closing (so a client that backs off gets through).
 */
export function rateLimited(options: { cooldownMs?: number; dialect?: HostileDialect } = {}): Promise<HostileServer> {
  let lastClose = 0;
  let served = 0;
  return startMailServer({
    dialect: options.dialect ?? 'smtp',
    admit: (stats, socket) => {
      const cooldown = options.cooldownMs;
      const refuse = cooldown === undefined
        ? served >= 1
        : stats.open > 1 || Date.now() - lastClose < cooldown;
      if (refuse) return RATE_LIMIT_REPLIES[options.dialect ?? 'smtp'];
      served++;
      socket.once('close', () => { lastClose = Date.now(); });
      return null;
    },
  });
}
