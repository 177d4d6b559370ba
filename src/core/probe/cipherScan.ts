// The cipher scan: every accepted suite per version, in the server's order, by iterative
// removal over hand-written ClientHellos (offer all, note the one chosen, remove it, repeat);
// then the groups, TLS_FALLBACK_SCSV and secure renegotiation. Each hello is one connection
// (./scanHello.ts). Where the server follows the client's order, the rest of a version's
// removal runs as two chains side by side: the per-host cap, not one long chain, sets the pace.
import { HelloVersion, MAX_SUITES_PER_HELLO, WIRE_VERSION, clientHello, sslv2Hello } from '../tls/hello';
import type { ServerHelloInfo } from '../tls/serverFlight';
import { CipherSuite, LEGACY_OFFER, suiteByCode } from '../tls/suites';
import type { ConnectionSettings } from './drivers';
import { sniName } from './drivers';
import { enumerateGroups12, scanTls13 } from './groupScan';
import type { ConnectionGate } from './hostLimiter';
import type { MaybeRateLimited } from './rateLimit';
import { ScanHooks, describe, exchangeHello, kxOf, refusal, serverOrderOf, suiteResult } from './scanHello';
import type { CipherScan, ScanVersionName, VersionSuites } from './types';

export type { Exchange, ScanHooks } from './scanHello';
export { exchangeHello } from './scanHello';

/**
 * The suites a hello of this version offers. Before TLS 1.2 only suites with an SHA-1, MD5 or
 * NULL MAC exist: AEAD and SHA-256/384 suites are TLS 1.2 only (RFC 5246 §1.2, RFC 5288 §4,
 * RFC 5289 §4), and OpenSSL clients refuse a ServerHello that picks one under TLS 1.0. Leaving
 * them out keeps the offer to one hello's worth (63 of 151), so one refusal ends the version.
 */
function offerFor(version: Exclude<HelloVersion, 'SSLv2' | 'TLSv1.3'>): CipherSuite[] {
  if (version === 'TLSv1.2') return [...LEGACY_OFFER];
  return LEGACY_OFFER.filter((s) => /^(SHA1|MD5|NULL)$/.test(s.mac));
}

interface Pick {
  suite: CipherSuite;
  hello: ServerHelloInfo;
}

/** How a removal run ended: what was left was refused (or nothing was left), enough picks are in, the server answered another version, or it stopped (noted). */
type RunEnd = 'done' | 'enough' | 'other-version' | 'stopped';

interface Run {
  picks: Pick[];
  remaining: CipherSuite[];
  /** The first hello's offer. */
  firstOffer: CipherSuite[];
  end: RunEnd;
}

/** Iterative removal over `offer`, at most 128 suites a hello, until the server refuses what is left or `enough` picks are in. */
async function removal(version: Exclude<HelloVersion, 'SSLv2'>, offer: CipherSuite[], h: ScanHooks, hello: (suites: CipherSuite[]) => Buffer, enough = Infinity): Promise<Run> {
  const run: Run = { picks: [], remaining: offer, firstOffer: [], end: 'done' };
  while (run.remaining.length > 0) {
    if (run.picks.length >= enough) return { ...run, end: 'enough' };
    if (!h.inTime()) return (h.note(`${version}: stopped for time`), { ...run, end: 'stopped' });
    const window = run.remaining.slice(0, MAX_SUITES_PER_HELLO);
    if (run.firstOffer.length === 0) run.firstOffer = window;
    const x = await h.exchange(`${version} suites`, hello(window), kxOf);
    if (x.kind === 'hello') {
      // The server answered with another version: it does not speak this one.
      if (x.hello.version !== WIRE_VERSION[version]) return { ...run, end: 'other-version' };
      const chosen = window.find((s) => s.code === x.hello.suite);
      if (!chosen) return (h.note(`${version}: the server chose ${suiteByCode(x.hello.suite).hex}, which was not offered`), { ...run, end: 'stopped' });
      run.picks.push({ suite: chosen, hello: x.hello });
      run.remaining = run.remaining.filter((s) => s !== chosen);
    } else if (refusal(x)) {
      run.remaining = run.remaining.slice(window.length);
    } else return (h.note(`${version}: ${describe(x)}`), { ...run, end: 'stopped' });
  }
  return run;
}

const WORST_FIRST: RunEnd[] = ['stopped', 'other-version', 'enough', 'done'];

/**
 * Iterative removal for one version. After two picks, whose order the server follows (one more
 * hello at most); in the client's order a long rest runs as two interleaved halves side by
 * side, and their union in our order is exactly what one chain would have found.
 */
export async function enumerateVersion(version: Exclude<HelloVersion, 'SSLv2' | 'TLSv1.3'>, h: ScanHooks, serverName: string | undefined): Promise<VersionSuites & { renegotiation: boolean | null }> {
  const out: VersionSuites & { renegotiation: boolean | null } = { version, accepted: null, suites: [], serverOrder: null, complete: false, renegotiation: null };
  const offer = offerFor(version);
  const hello = (suites: CipherSuite[]) => clientHello({ version, suites: suites.map((s) => s.code), serverName });
  const head = await removal(version, offer, h, hello, 2);
  let picks = head.picks;
  let end = head.end;
  // Two picks in (the rest still to do, or nothing left): whose order, then the rest.
  if (picks.length >= 2 && (head.end === 'enough' || head.end === 'done') && h.inTime()) {
    const [first, second] = picks as [Pick, Pick];
    out.serverOrder = await serverOrderOf(first.suite.code, second.suite.code, head.firstOffer.map((s) => s.code), (swapped) => h.exchange(`${version} order`, hello(swapped.map(suiteByCode))));
    // Split only what is more than one hello's worth (TLS 1.2's offer): one chain would need a
    // second refusal for it anyway, and a shorter chain is no long pole.
    const split = out.serverOrder === false && head.remaining.length > MAX_SUITES_PER_HELLO;
    const halves = split ? [head.remaining.filter((_, i) => i % 2 === 0), head.remaining.filter((_, i) => i % 2 === 1)] : [head.remaining];
    const runs = await Promise.all(halves.filter((part) => part.length > 0).map((part) => removal(version, part, h, hello)));
    picks = [...picks, ...runs.flatMap((r) => r.picks)];
    if (out.serverOrder === false) picks.sort((a, b) => offer.indexOf(a.suite) - offer.indexOf(b.suite));
    end = WORST_FIRST.find((e) => runs.some((r) => r.end === e)) ?? 'done';
  } else if (head.end === 'enough') {
    h.note(`${version}: stopped for time`);
    end = 'stopped';
  }
  out.suites = picks.map((p) => suiteResult(p.suite, p.hello));
  for (const p of picks) if (p.hello.version <= 0x0303) out.renegotiation = (out.renegotiation ?? false) || p.hello.secureRenegotiation;
  if (picks.length > 0) out.accepted = true;
  if (end === 'done') {
    out.accepted = picks.length > 0;
    out.complete = true;
  } else if (end === 'other-version') {
    if (picks.length === 0) [out.accepted, out.complete] = [false, true];
    else h.note(`${version}: the server switched versions mid-scan`);
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
  // TLS 1.3 learns the groups along with its suites; without TLS 1.3 they come from TLS 1.2's ECDHE suites afterwards.
  const [sslv2, tls13, ...rest] = await Promise.all([
    checkSslv2(h),
    scanTls13(h, serverName),
    ...(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'] as const).map((v) => enumerateVersion(v, h, serverName)),
  ]);
  const versions: VersionSuites[] = [sslv2!, ...rest.map(({ renegotiation: _, ...v }) => v), tls13!.version];
  const renegotiation = rest.map((v) => v.renegotiation).filter((r): r is boolean => r !== null);
  const [groups, fallbackScsv] = await Promise.all([
    tls13!.groups ?? enumerateGroups12(h, versions.find((v) => v.version === 'TLSv1.2'), serverName),
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
  }, sniName(s.sni ?? s.servername), () => count);
  c.record('info', `cipher scan: ${scan.versions.map((v) => `${v.version} ${v.accepted === null ? 'unknown' : v.suites.length}`).join(', ')}; groups ${scan.groups.join(' ') || 'none'}; ${scan.connections} connection(s)`);
  return scan;
}
