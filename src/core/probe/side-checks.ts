// Extra connections beside the main dialog: one handshake per TLS version, and the STARTTLS
// command injection test. Neither records a transcript line by line; the probe notes outcomes.
import { ConnectionSettings, connect, dialogUpToTls, driverFor, handshakeOptions, openContext } from './drivers';
import { RateLimitedGreeting } from './rateLimit';
import type { TlsVersionName } from './types';
import { Wire, WireError } from './wire';

/** Side connections say goodbye without waiting for the answer. */
const QUIT_WAIT_MS = 0;

export interface VersionOutcome {
  accepted: boolean | null;
  /** Why it is false or null, for the transcript. */
  reason: string;
  /** The greeting that turned this connection away as one too many, if that happened. */
  rateLimited?: string | null;
}

/** A handshake that ended this way means "not this version"; anything else leaves it unknown. */
function refusesVersion(err: WireError): boolean {
  if (err.kind === 'closed') return true;
  if (err.kind !== 'network') return false;
  // Plaintext where TLS was due (a 421 before TLS, say) is no answer about the version.
  if (/wrong version number|packet length too long|http request/i.test(err.message)) return false;
  return true;
}

/** One connection that offers only `version`: accepted, refused, or null when unknown. */
export async function checkVersion(s: ConnectionSettings, version: TlsVersionName): Promise<VersionOutcome> {
  let wire: Wire | null = null;
  try {
    wire = await connect(s, null);
    const ctx = openContext(wire, s);
    if (s.target.tlsMode === 'starttls' && !(await dialogUpToTls(ctx, s.target.dialect, false))) {
      return { accepted: null, reason: 'the server did not agree to STARTTLS' };
    }
    try {
      await wire.startTls(handshakeOptions(s, version), s.timeouts.handshake);
    } catch (err) {
      if (err instanceof WireError && refusesVersion(err)) return { accepted: false, reason: err.message.trim() };
      throw err;
    }
    const negotiated = wire.tlsSocket?.getProtocol() ?? null;
    await wire.quit(driverFor(s.target.dialect).quitCommand(ctx), QUIT_WAIT_MS);
    return negotiated === version ? { accepted: true, reason: 'handshake completed' } : { accepted: false, reason: `negotiated ${negotiated}` };
  } catch (err) {
    if (err instanceof WireError && err.kind === 'aborted') throw err;
    if (err instanceof RateLimitedGreeting) return { accepted: null, reason: err.message, rateLimited: err.greeting };
    return { accepted: null, reason: err instanceof Error ? err.message.trim() : String(err) };
  } finally {
    await wire?.close();
  }
}

export interface InjectionOutcome {
  /** Replies that arrived inside TLS without being asked for there; null when not tested. */
  unprompted: string[] | null;
  reason: string;
  rateLimited?: string | null;
}

/** Sends STARTTLS with a NOOP in the same write, completes TLS and looks for the NOOP's answer. */
export async function checkInjection(s: ConnectionSettings): Promise<InjectionOutcome> {
  let wire: Wire | null = null;
  try {
    wire = await connect(s, null);
    const ctx = openContext(wire, s);
    if (!(await dialogUpToTls(ctx, s.target.dialect, true))) return { unprompted: null, reason: 'the server did not agree to STARTTLS' };
    try {
      await wire.startTls(handshakeOptions(s), s.timeouts.handshake, true);
    } catch (err) {
      // Dovecot, for one, hangs up when data follows STARTTLS: the command never runs.
      if (err instanceof WireError && (err.kind === 'closed' || err.kind === 'network')) {
        return { unprompted: [], reason: `the server ended the connection instead of starting TLS with a command pipelined behind STARTTLS (safe): ${err.message}` };
      }
      throw err;
    }
    const unprompted = await driverFor(s.target.dialect).unpromptedAfterTls(ctx);
    return { unprompted, reason: unprompted.length ? 'answered the injected command inside TLS' : 'discarded the injected command' };
  } catch (err) {
    if (err instanceof WireError && err.kind === 'aborted') throw err;
    if (err instanceof RateLimitedGreeting) return { unprompted: null, reason: err.message, rateLimited: err.greeting };
    return { unprompted: null, reason: err instanceof Error ? err.message.trim() : String(err) };
  } finally {
    await wire?.close();
  }
}
