// One hello of the cipher scan and the small judgements every step makes on its answer: one
// connection (STARTTLS first where the port needs it), a hand-written ClientHello, the server's
// first flight read and the connection closed.
import { groupName } from '../tls/hello';
import { ALERTS, ServerFlight, ServerHelloInfo, parseServerFlight } from '../tls/serverFlight';
import { CipherSuite, reportedSuite, suiteByCode } from '../tls/suites';
import { ConnectionSettings, dialogNames, driverFor } from './drivers';
import { helloAfterSteps } from './helloConnection';
import { RateLimitedGreeting } from './rateLimit';
import type { SuiteResult } from './types';
import { WireError } from './wire';

/** What one hello got: a flight, a refusal without words (closed), or nothing known. */
export type Exchange = (ServerFlight | { kind: 'closed' } | { kind: 'unknown'; reason: string }) & { rateLimited?: string | null };

export type KeyExchangeOf = (suite: number) => 'ecdhe' | 'dhe' | null;

/** One connection: the way to TLS, the hello, the server's first flight. */
export async function exchangeHello(s: ConnectionSettings, hello: Buffer, keyExchange?: KeyExchangeOf): Promise<Exchange> {
  const options = { keyExchange };
  // The answer is parsed as it comes; the last parse is of everything that came.
  let flight: ServerFlight | null = null;
  try {
    const steps = s.target.tlsMode === 'starttls' ? driverFor(s.target.dialect).tlsSteps(dialogNames(s), false) : [];
    const data = await helloAfterSteps(s, steps, hello, (b) => (flight = parseServerFlight(b, options)).kind !== 'incomplete');
    if (data === null) return { kind: 'unknown', reason: 'the server did not agree to STARTTLS' };
    if (data.length === 0) return { kind: 'closed' };
    const last = flight as ServerFlight | null;
    if (!last || last.kind === 'incomplete') return { kind: 'unknown', reason: 'the server stopped in the middle of its answer' };
    return last;
  } catch (err) {
    if (err instanceof WireError && err.kind === 'aborted') throw err;
    if (err instanceof RateLimitedGreeting) return { kind: 'unknown', reason: err.message, rateLimited: err.greeting };
    return { kind: 'unknown', reason: err instanceof Error ? err.message.trim() : String(err) };
  }
}

export interface ScanHooks {
  /** Runs one hello within the per-host cap and the 421 backoff. */
  exchange(what: string, hello: Buffer, keyExchange?: KeyExchangeOf): Promise<Exchange>;
  /** False once the scan's time is up: no new hello starts. */
  inTime(): boolean;
  note(text: string): void;
}

/** Reads on to the ServerKeyExchange for (EC)DHE suites: the group or DH size is in it. */
export const kxOf: KeyExchangeOf = (suite) => {
  const s = suiteByCode(suite);
  return s.kx === 'ECDHE' ? 'ecdhe' : s.kx === 'DHE' ? 'dhe' : null;
};

export function suiteResult(suite: CipherSuite, hello: ServerHelloInfo): SuiteResult {
  const group = hello.group ?? hello.keyExchangeGroup;
  const keyExchange = hello.dhBits ? `DH ${hello.dhBits}` : group !== null ? groupName(group) : null;
  return { ...reportedSuite(suite), keyExchange, dhBits: hello.dhBits };
}

export function refusal(x: Exchange): boolean {
  return x.kind === 'alert' || x.kind === 'closed';
}

export function describe(x: Exchange): string {
  if (x.kind === 'alert') return `alert ${ALERTS[x.description] ?? x.description}`;
  if (x.kind === 'unknown' || x.kind === 'malformed') return x.reason;
  return x.kind;
}

/**
 * Whose order the server follows, from its first two picks: `first` chosen from `offered`,
 * then `second` once `first` was removed. When we had offered `second` before `first` and the
 * server still took `first`, it follows its own order, and no hello is needed; otherwise
 * `ask` offers the two swapped: a server that keeps `first` enforces its order. Null: unknown.
 */
export async function serverOrderOf(first: number, second: number, offered: readonly number[], ask: (swapped: number[]) => Promise<Exchange>): Promise<boolean | null> {
  const at = offered.indexOf(second);
  if (at >= 0 && at < offered.indexOf(first)) return true;
  const x = await ask([second, first]);
  if (x.kind !== 'hello') return null;
  return x.hello.suite === first ? true : x.hello.suite === second ? false : null;
}
