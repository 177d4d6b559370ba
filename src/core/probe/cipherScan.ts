// The cipher scan: every accepted suite per version, in the server's order, by iterative
// removal over hand-written ClientHellos (offer all, note the one chosen, remove it, repeat);
// then the groups, TLS_FALLBACK_SCSV and secure renegotiation. Each hello is one connection,
// STARTTLS first where the port needs it, read up to the server's first flight and closed.
import { GROUPS, GroupName, HelloVersion, MAX_SUITES_PER_HELLO, WIRE_VERSION, clientHello, groupName, sslv2Hello } from '../tls/hello';
import { ALERTS, ServerFlight, ServerHelloInfo, parseServerFlight } from '../tls/serverFlight';
import { CipherSuite, LEGACY_OFFER, TLS13_OFFER, reportedSuite, suiteByCode } from '../tls/suites';
import { ConnectionSettings, connect, dialogUpToTls, openContext, sniName } from './drivers';
import type { ConnectionGate } from './hostLimiter';
import { RateLimitedGreeting } from './rateLimit';
import type { CipherScan, ScanVersionName, SuiteResult, VersionSuites } from './types';
import type { MaybeRateLimited } from './rateLimit';
import { Wire, WireError } from './wire';

/** What one hello got: a flight, a refusal without words (closed), or nothing known. */
export type Exchange = (ServerFlight | { kind: 'closed' } | { kind: 'unknown'; reason: string }) & { rateLimited?: string | null };

/** One connection: dialog up to TLS, the hello, the server's first flight. */
export async function exchangeHello(s: ConnectionSettings, hello: Buffer, keyExchange?: (suite: number) => 'ecdhe' | 'dhe' | null): Promise<Exchange> {
  let wire: Wire | null = null;
  try {
    wire = await connect(s, null);
    if (s.target.tlsMode === 'starttls' && !(await dialogUpToTls(openContext(wire, s), s.target.dialect, false))) {
      return { kind: 'unknown', reason: 'the server did not agree to STARTTLS' };
    }
    const options = { keyExchange };
    const data = await wire.rawExchange(hello, s.timeouts.handshake, (b) => parseServerFlight(b, options).kind !== 'incomplete');
    const flight = parseServerFlight(data, options);
    if (flight.kind === 'incomplete') return data.length === 0 ? { kind: 'closed' } : { kind: 'unknown', reason: 'the server stopped in the middle of its answer' };
    return flight;
  } catch (err) {
    if (err instanceof WireError && err.kind === 'aborted') throw err;
    if (err instanceof RateLimitedGreeting) return { kind: 'unknown', reason: err.message, rateLimited: err.greeting };
    if (err instanceof WireError && err.phase === 'handshake' && (err.kind === 'network' || err.kind === 'closed')) return { kind: 'closed' };
    return { kind: 'unknown', reason: err instanceof Error ? err.message.trim() : String(err) };
  } finally {
    await wire?.close();
  }
}

export interface ScanHooks {
  /** Runs one hello within the per-host cap and the 421 backoff. */
  exchange(what: string, hello: Buffer, keyExchange?: (suite: number) => 'ecdhe' | 'dhe' | null): Promise<Exchange>;
  /** False once the scan's time is up: no new hello starts. */
  inTime(): boolean;
  note(text: string): void;
}

const kxOf = (suite: number) => {
  const s = suiteByCode(suite);
  return s.kx === 'ECDHE' ? 'ecdhe' : s.kx === 'DHE' ? 'dhe' : null;
};

function suiteResult(suite: CipherSuite, hello: ServerHelloInfo): SuiteResult {
  const group = hello.group ?? hello.keyExchangeGroup;
  const keyExchange = hello.dhBits ? `DH ${hello.dhBits}` : group !== null ? groupName(group) : null;
  return { ...reportedSuite(suite), keyExchange, dhBits: hello.dhBits };
}

/** The suites a hello of this version offers (SSLv3 has no AEAD or SHA-2 suites). */
function offerFor(version: HelloVersion): CipherSuite[] {
  if (version === 'TLSv1.3') return [...TLS13_OFFER];
  if (version === 'SSLv3') return LEGACY_OFFER.filter((s) => /^(SHA1|MD5|NULL)$/.test(s.mac));
  return [...LEGACY_OFFER];
}

function refusal(x: Exchange): boolean {
  return x.kind === 'alert' || x.kind === 'closed';
}

function describe(x: Exchange): string {
  if (x.kind === 'alert') return `alert ${ALERTS[x.description] ?? x.description}`;
  if (x.kind === 'unknown' || x.kind === 'malformed') return x.reason;
  return x.kind;
}

/** Iterative removal for one version; the extra hello that tells server order from client order. */
export async function enumerateVersion(version: Exclude<HelloVersion, 'SSLv2'>, h: ScanHooks, serverName: string | undefined): Promise<VersionSuites & { renegotiation: boolean | null }> {
  const out: VersionSuites & { renegotiation: boolean | null } = { version, accepted: null, suites: [], serverOrder: null, complete: false, renegotiation: null };
  let remaining = offerFor(version);
  const hello = (suites: CipherSuite[]) => clientHello({ version, suites: suites.map((s) => s.code), serverName });
  while (remaining.length > 0) {
    if (!h.inTime()) return (h.note(`${version}: stopped for time after ${out.suites.length} suite(s)`), out);
    const window = remaining.slice(0, MAX_SUITES_PER_HELLO);
    const x = await h.exchange(`${version} suites`, hello(window), kxOf);
    if (x.kind === 'hello') {
      if (x.hello.version !== WIRE_VERSION[version]) {
        // The server answered with another version: it does not speak this one.
        out.accepted = out.suites.length > 0;
        if (out.suites.length === 0) out.complete = true;
        else h.note(`${version}: the server switched to version 0x${x.hello.version.toString(16)} mid-scan`);
        return out;
      }
      const chosen = window.find((s) => s.code === x.hello.suite);
      if (!chosen) return (h.note(`${version}: the server chose ${suiteByCode(x.hello.suite).hex}, which was not offered`), out);
      out.accepted = true;
      if (x.hello.version <= 0x0303) out.renegotiation = (out.renegotiation ?? false) || x.hello.secureRenegotiation;
      out.suites.push(suiteResult(chosen, x.hello));
      remaining = remaining.filter((s) => s !== chosen);
    } else if (refusal(x)) {
      if (remaining.length > MAX_SUITES_PER_HELLO) remaining = remaining.slice(MAX_SUITES_PER_HELLO);
      else remaining = [];
    } else return (h.note(`${version}: ${describe(x)}`), out);
  }
  out.accepted = out.suites.length > 0;
  out.complete = true;
  if (out.suites.length >= 2 && h.inTime()) {
    // Offer the accepted suites reversed: a server that keeps its first choice enforces its order.
    const reversed = [...out.suites].reverse().map((r) => suiteByCode(parseInt(r.hex, 16)));
    const x = await h.exchange(`${version} order`, hello(reversed));
    if (x.kind === 'hello') out.serverOrder = x.hello.suite === parseInt(out.suites[0]!.hex, 16);
  }
  return out;
}

/** SSLv2: one SSLv2 CLIENT-HELLO; a SERVER-HELLO means the server still speaks it. */
async function checkSslv2(h: ScanHooks): Promise<VersionSuites> {
  const x = await h.exchange('SSLv2', sslv2Hello());
  const out: VersionSuites = { version: 'SSLv2', accepted: null, suites: [], serverOrder: null, complete: true };
  if (x.kind === 'sslv2') {
    out.accepted = true;
    // SSLv2 kinds have no IANA code point: described by name.
    out.suites = x.ciphers.map((c) => ({ hex: `0x${c.toString(16).padStart(6, '0')}`, iana: `SSL_CK_${c.toString(16)}`, openssl: SSLV2_NAMES[c] ?? `SSLv2 0x${c.toString(16)}`, kx: 'RSA', auth: 'RSA', cipher: SSLV2_NAMES[c] ?? '?', bits: 0, mac: 'MD5', forwardSecrecy: false, grade: 'insecure', keyExchange: null, dhBits: null }));
  } else if (refusal(x) || x.kind === 'hello' || x.kind === 'malformed') out.accepted = false;
  else {
    out.complete = false;
    h.note(`SSLv2: ${describe(x)}`);
  }
  return out;
}

const SSLV2_NAMES: Record<number, string> = { 0x010080: 'RC4-MD5', 0x020080: 'EXP-RC4-MD5', 0x030080: 'RC2-CBC-MD5', 0x040080: 'EXP-RC2-CBC-MD5', 0x050080: 'IDEA-CBC-MD5', 0x060040: 'DES-CBC-MD5', 0x0700c0: 'DES-CBC3-MD5' };

/**
 * Groups by removal too: offer every group with no key share (TLS 1.3: the server names its
 * choice in a HelloRetryRequest) or only ECDHE suites (TLS 1.2: the ServerKeyExchange names it).
 */
async function enumerateGroups(h: ScanHooks, tls13: VersionSuites | undefined, tls12: VersionSuites | undefined, serverName: string | undefined): Promise<{ groups: string[]; complete: boolean } | null> {
  const use13 = tls13?.accepted === true;
  const ecdhe = tls12?.suites.filter((s) => s.kx === 'ECDHE') ?? [];
  if (!use13 && ecdhe.length === 0) return null;
  let remaining: number[] = use13 ? Object.values(GROUPS) : (['X25519', 'X448', 'P-256', 'P-384', 'P-521'] as GroupName[]).map((g) => GROUPS[g]);
  const suites = use13 ? tls13!.suites.map((s) => parseInt(s.hex, 16)) : ecdhe.map((s) => parseInt(s.hex, 16));
  const groups: string[] = [];
  while (remaining.length > 0) {
    if (!h.inTime()) return { groups, complete: false };
    const hello = clientHello({ version: use13 ? 'TLSv1.3' : 'TLSv1.2', suites, groups: remaining, keyShare: 'none', serverName });
    const x = await h.exchange('groups', hello, use13 ? undefined : () => 'ecdhe');
    if (x.kind !== 'hello') return refusal(x) ? { groups, complete: true } : (h.note(`groups: ${describe(x)}`), { groups, complete: false });
    const chosen = x.hello.group ?? x.hello.keyExchangeGroup;
    if (chosen === null || !remaining.includes(chosen)) return (h.note(`groups: the server chose ${chosen === null ? 'no group' : groupName(chosen)}, which was not offered`), { groups, complete: false });
    groups.push(groupName(chosen));
    remaining = remaining.filter((g) => g !== chosen);
  }
  return { groups, complete: true };
}

/** RFC 7507: a hello below the server's best version with TLS_FALLBACK_SCSV must be refused (alert 86). */
async function checkFallback(h: ScanHooks, accepted: VersionSuites[], serverName: string | undefined): Promise<boolean | null> {
  const tls = accepted.filter((v) => v.accepted && v.version.startsWith('TLS') && v.suites.length > 0);
  if (tls.length < 2) return null;
  const lower = tls[tls.length - 2]!;
  const hello = clientHello({ version: lower.version as HelloVersion & ScanVersionName, suites: lower.suites.slice(0, MAX_SUITES_PER_HELLO - 1).map((s) => parseInt(s.hex, 16)), serverName, fallbackScsv: true });
  const x = await h.exchange('TLS_FALLBACK_SCSV', hello);
  if (x.kind === 'alert') return x.description === 86;
  if (x.kind === 'hello') return false;
  h.note(`TLS_FALLBACK_SCSV: ${describe(x)}`);
  return null;
}

/** The whole scan. Versions run side by side (the caller's cap decides how many at once). */
export async function scanCiphers(outer: ScanHooks, serverName: string | undefined, counter: () => number): Promise<CipherScan> {
  const notes: string[] = [];
  const h: ScanHooks = { ...outer, note: (t) => (notes.push(t), outer.note(t)) };
  const [sslv2, ...rest] = await Promise.all([
    checkSslv2(h),
    ...(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const).map((v) => enumerateVersion(v, h, serverName)),
  ]);
  const versions: VersionSuites[] = [sslv2!, ...rest.map(({ renegotiation: _, ...v }) => v)];
  const byName = (n: ScanVersionName) => versions.find((v) => v.version === n);
  const renegotiation = rest.map((v) => v.renegotiation).filter((r): r is boolean => r !== null);
  const [groups, fallbackScsv] = await Promise.all([
    enumerateGroups(h, byName('TLSv1.3'), byName('TLSv1.2'), serverName),
    checkFallback(h, versions, serverName),
  ]);
  return {
    versions,
    groups: groups?.groups ?? [],
    groupsComplete: groups?.complete ?? false,
    fallbackScsv,
    secureRenegotiation: renegotiation.length ? renegotiation.some(Boolean) : null,
    connections: counter(),
    notes,
  };
}

export interface ScanContext {
  limiter: ConnectionGate;
  retry: <T extends MaybeRateLimited>(what: string, check: () => Promise<T>) => Promise<T>;
  /** Side connections the server kept refusing (421), for the rate-limited finding. */
  refusals: { what: string; greeting: string }[];
  record: (direction: 'info', text: string) => void;
  /** Epoch ms after which no new hello starts. */
  deadline: number;
}

/** The scan over `s`'s connections, each one within the host's cap and the 421 backoff. */
export async function runCipherScan(s: ConnectionSettings, c: ScanContext): Promise<CipherScan> {
  let count = 0;
  const scan = await scanCiphers({
    exchange: async (what, hello, keyExchange) => {
      const outcome = await c.retry(what, () => c.limiter.run(() => (count++, exchangeHello(s, hello, keyExchange))));
      if (outcome.rateLimited) c.refusals.push({ what: `the cipher scan (${what})`, greeting: outcome.rateLimited });
      return outcome;
    },
    inTime: () => Date.now() < c.deadline && !s.signal.aborted,
    note: (text) => c.record('info', `cipher scan: ${text}`),
  }, sniName(s.servername), () => count);
  c.record('info', `cipher scan: ${scan.versions.map((v) => `${v.version} ${v.accepted === null ? 'unknown' : v.suites.length}`).join(', ')}; groups ${scan.groups.join(' ') || 'none'}; ${scan.connections} connection(s)`);
  return scan;
}
