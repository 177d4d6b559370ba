// The dialog for each protocol, and the pieces every connection shares.
import * as tls from 'node:tls';
import { isIPv4 } from 'node:net';
import { DialogContext, Driver, readReply, stepTimeout } from './dialects/driver';
import { imapDriver } from './dialects/imap';
import { pop3Driver } from './dialects/pop3';
import { sieveDriver } from './dialects/sieve';
import { smtpDriver } from './dialects/smtp';
import type { Dialect, PhaseTimeouts, ProbeTarget, TlsVersionName } from './types';
import { throwIfRateLimited } from './rateLimit';
import { Recorder, Wire } from './wire';

export const SMTP = smtpDriver('EHLO');
export const LMTP = smtpDriver('LHLO');

export function driverFor(dialect: Dialect): Driver {
  return { smtp: SMTP, lmtp: LMTP, imap: imapDriver, pop3: pop3Driver, sieve: sieveDriver }[dialect];
}

export const STARTTLS_COMMAND: Record<Dialect, string> = { smtp: 'STARTTLS', lmtp: 'STARTTLS', imap: 'STARTTLS', pop3: 'STLS', sieve: 'STARTTLS' };

export interface ConnectionSettings {
  target: ProbeTarget;
  timeouts: PhaseTimeouts;
  ehloName: string;
  /** The name the certificate is checked against, and the SNI unless `sni` is given. */
  servername: string;
  sni?: string;
  signal: AbortSignal;
  /** Told of every TCP connection opened (the probe counts them). */
  onConnect?: () => void;
}

export function openContext(wire: Wire, s: ConnectionSettings): DialogContext {
  return { wire, timeouts: s.timeouts, ...dialogNames(s) };
}

/** The names one connection's dialog uses: the EHLO name and fresh IMAP tags. */
export function dialogNames(s: ConnectionSettings): Pick<DialogContext, 'ehloName' | 'nextTag'> {
  let tag = 0;
  return { ehloName: s.ehloName, nextTag: () => `a${++tag}` };
}

export function connect(s: ConnectionSettings, record: Recorder | null): Promise<Wire> {
  s.onConnect?.();
  return Wire.open(s.target.host, s.target.port, s.timeouts.connect, s.signal, record);
}

/**
 * SNI must be a host name (RFC 6066), never an IP address. A colon marks IPv6 (no host name has
 * one): the first test of a name against Node's IPv6 pattern costs about 10 ms, which the cipher
 * scan would pay before its first hello.
 */
export function sniName(servername: string): string | undefined {
  return isIPv4(servername) || servername.includes(':') ? undefined : servername;
}

/** Lets OpenSSL 3 offer what the server might still run (TLS 1.0, small keys) so we can report it. */
const PERMISSIVE_CIPHERS = `${tls.DEFAULT_CIPHERS}:@SECLEVEL=0`;

export function handshakeOptions(s: ConnectionSettings, version?: TlsVersionName, secureContext?: tls.SecureContext): tls.ConnectionOptions {
  return {
    servername: sniName(s.sni ?? s.servername),
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    secureContext: secureContext ?? offerContext(version),
  };
}

/**
 * One context per offer (every version, or one pinned version), built on first use and shared:
 * without it each connection builds its own, a quarter of a millisecond of the caller's thread
 * that a run of a hundred handshakes landing in one turn adds up.
 */
const offerContexts = new Map<string, tls.SecureContext>();

function offerContext(version?: TlsVersionName): tls.SecureContext {
  const key = version ?? 'any';
  let context = offerContexts.get(key);
  if (!context) {
    context = tls.createSecureContext(version
      ? { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' }
      : { minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: PERMISSIVE_CIPHERS });
    offerContexts.set(key, context);
  }
  return context;
}

/** Built contexts by CA PEM: building one costs about a millisecond of the caller's thread. */
const trustContexts = new Map<string, tls.SecureContext>();
const MAX_TRUST_CONTEXTS = 8;

/**
 * A context trusting Node's roots plus the extra CA PEM, without re-parsing the roots. Built
 * once per CA and shared by every probe that names it (a context holds no per-connection state
 * on the client side).
 */
export function trustContext(extraCaPem: string | null): tls.SecureContext | undefined {
  if (!extraCaPem) return undefined;
  const cached = trustContexts.get(extraCaPem);
  if (cached) return cached;
  const context = buildTrustContext(extraCaPem);
  if (trustContexts.size >= MAX_TRUST_CONTEXTS) trustContexts.delete(trustContexts.keys().next().value!);
  trustContexts.set(extraCaPem, context);
  return context;
}

function buildTrustContext(extraCaPem: string): tls.SecureContext {
  const context = tls.createSecureContext({ minVersion: 'TLSv1', ciphers: PERMISSIVE_CIPHERS });
  const native = (context as unknown as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert === 'function') {
    native.addCACert(extraCaPem);
    return context;
  }
  return tls.createSecureContext({ minVersion: 'TLSv1', ciphers: PERMISSIVE_CIPHERS, ca: [...tls.rootCertificates, extraCaPem] });
}

/**
 * Greeting, EHLO/LHLO where the protocol needs it, and STARTTLS, on a side connection (version
 * enumeration, injection check). False when the server did not agree; throws
 * RateLimitedGreeting when it turned the connection away as one too many.
 */
export async function dialogUpToTls(ctx: DialogContext, dialect: Dialect, inject: boolean): Promise<boolean> {
  for (const step of driverFor(dialect).tlsSteps(ctx, inject)) {
    if (step.send) ctx.wire.write(step.send);
    const answer = await readReply(ctx.wire, Date.now() + stepTimeout(step, ctx.timeouts), step.awaited, step.phase, step.answer());
    if (!answer.go) {
      if (step.phase === 'greeting') throwIfRateLimited(answer.text);
      return false;
    }
  }
  return true;
}

