// probe(): the main dialog plus, beside it, one handshake per TLS version and the STARTTLS
// injection test, within a per-host connection limit, a total timeout and an AbortSignal.
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { DEFAULT_EXPIRY_WARNING_DAYS, DEFAULT_TIMEOUTS } from '../defaults';
import type { Finding } from '../findings';
import { abortReason } from './abort';
import { ConnectionSettings, trustContext } from './drivers';
import { finding, legacyVersionFinding, tls13Finding } from './findings';
import { DEFAULT_PER_HOST_CONNECTIONS, HostLimiter } from './hostLimiter';
import { runMainDialog } from './main-dialog';
import { rateLimitRetrier, rateLimitedFinding } from './rateLimit';
import { checkInjection, checkVersion } from './side-checks';
import { cipherFindings } from './cipherFindings';
import { runCipherScan } from './cipherScan';
import { hostPort, parseTarget } from './target';
import type { PhaseTimeouts, ProbeOptions, ProbeResult, ProbeTarget, TlsVersionName, TranscriptEntry } from './types';
import { TLS_VERSIONS } from './versions';
import { WireError, type WirePhase } from './wire';

export { DEFAULT_TIMEOUTS };

/** Sent in EHLO/LHLO when the machine's own name is not a fully qualified one. */
export const DEFAULT_EHLO_NAME = 'mail-tls-inspector.localdomain';

/**
 * The EHLO/LHLO name: this machine's FQDN, as a real MTA would send, else a real-looking FQDN.
 * Scanners that send made-up single labels get rejected (sslyze #606).
 */
export function defaultEhloName(): string {
  const name = hostname().toLowerCase();
  return /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(name) && !name.endsWith('.local') ? name : DEFAULT_EHLO_NAME;
}

const MAX_TRANSCRIPT = 2000;

class TotalTimeout extends Error {}

export function emptyResult(target: ProbeTarget, startedAt: Date): ProbeResult {
  return {
    target: target.url,
    protocol: target.protocol,
    tlsMode: target.tlsMode,
    ok: false,
    address: null,
    greeting: null,
    capabilities: { beforeTls: [], afterTls: [] },
    tls: null,
    certificate: null,
    versions: { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null },
    pipeliningGuard: null,
    ocsp: null,
    ciphers: null,
    connections: 0,
    findings: [],
    transcript: [],
    timings: { connect: null, greeting: null, starttls: null, handshake: null, total: 0 },
    startedAt: startedAt.toISOString(),
  };
}

/** The implicit-TLS scheme of the same service, for hints. */
const IMPLICIT_TWIN: Partial<Record<ProbeTarget['protocol'], string>> = { smtp: 'smtps', submission: 'smtps', imap: 'imaps', pop3: 'pop3s' };
const STARTTLS_TWIN: Partial<Record<ProbeTarget['protocol'], string>> = { smtps: 'submission', imaps: 'imap', pop3s: 'pop3' };

/** A failed handshake in words, with OpenSSL's own reason kept in brackets. */
export function explainHandshakeError(err: WireError, target: ProbeTarget): string {
  const reason = /routines:[^:]*:([^:]+)/.exec(err.message)?.[1] ?? err.code ?? err.message.trim();
  const text = `${err.message} ${err.code ?? ''}`;
  if (/wrong version number|packet length too long|http request|unknown protocol/i.test(text)) {
    const twin = STARTTLS_TWIN[target.protocol];
    return `the server did not answer with TLS (OpenSSL: ${reason}): it spoke plaintext or something else. ` +
      (twin ? `If this port uses STARTTLS, probe ${twin}://${hostPort(target.host, target.port)} instead.` : 'It may not have switched to TLS after agreeing to STARTTLS.');
  }
  if (/alert number 70|protocol version|unsupported protocol|no protocols available/i.test(text)) {
    return `the server and the probe have no TLS protocol version in common (OpenSSL: ${reason}); the probe offers TLS 1.0 to 1.3.`;
  }
  if (/alert number 40|handshake failure|no shared cipher|insufficient security/i.test(text)) {
    return `the server and the probe have no cipher suite or TLS version in common (OpenSSL: ${reason}).`;
  }
  if (err.code === 'ECONNRESET' || /socket hang up|disconnected before secure/i.test(text)) {
    return `the server reset or closed the connection during the TLS handshake (${err.code ?? reason}).`;
  }
  return `${reason}.`;
}

/** The timeout that bounds each phase (a read of anything but the greeting is a command's). */
const LIMIT_OF_PHASE: Record<WirePhase, keyof PhaseTimeouts> = {
  connect: 'connect', handshake: 'handshake', greeting: 'greeting', command: 'command', read: 'command', close: 'command', abort: 'command',
};

/** Which finding a failed phase of the main dialog becomes. */
export function errorFinding(err: unknown, target: ProbeTarget, timeouts: PhaseTimeouts): Finding {
  const where = target.url;
  if (err instanceof TotalTimeout) return finding('timeout', 'error', 'The probe timed out', `${where}: the whole probe took longer than ${timeouts.total} ms and was stopped.`);
  if (!(err instanceof WireError)) return finding('probe-failed', 'error', 'The probe failed', `${where}: ${err instanceof Error ? err.message : String(err)}`);
  switch (err.kind) {
    case 'timeout': {
      const limit = timeouts[LIMIT_OF_PHASE[err.phase]];
      const what = err.phase === 'connect' || err.phase === 'handshake' ? err.message : `nothing complete within ${limit} ms while waiting for ${err.awaited}`;
      const implicit = IMPLICIT_TWIN[target.protocol];
      const hint = err.phase === 'greeting' && implicit
        ? ` If the port speaks TLS first (implicit TLS), probe ${implicit}://${hostPort(target.host, target.port)} instead.`
        : '';
      return finding('timeout', 'error', `Timed out waiting for ${err.awaited}`, `${where}: ${what}. A greeting delay (postscreen, tarpit) or a filtering firewall can cause this.${hint}`);
    }
    case 'network':
      if (err.phase === 'connect') return finding('connect-failed', 'error', 'Cannot connect', `${where}: ${err.message}`);
      if (err.phase === 'handshake') return finding('tls-handshake-failed', 'error', 'TLS handshake failed', `${where}: ${explainHandshakeError(err, target)}`);
      return finding('connection-error', 'error', 'Connection error', `${where}: ${err.message}`);
    case 'closed':
      if (err.phase === 'handshake') return finding('tls-handshake-failed', 'error', 'TLS handshake failed', `${where}: ${err.message}.`);
      return finding('connection-closed', 'error', 'The server closed the connection', `${where}: ${err.message}.`);
    case 'limit':
      return finding('reply-too-large', 'error', 'Reply too large', `${where}: ${err.message}; the probe stopped reading.`);
    case 'protocol':
      return finding('protocol-error', 'error', `Unexpected reply to ${err.awaited}`, `${where}: ${err.message}`);
    case 'aborted':
      return finding('cancelled', 'info', 'Cancelled', `${where}: the probe was cancelled.`);
  }
}

/**
 * Postscreen answers before smtpd: an SMTP banner naming Postfix whose EHLO before TLS lacks
 * PIPELINING (smtpd always offers it; postscreen with its pipelining test on never does).
 * Pipelining there is logged as a bot's COMMAND PIPELINING, and fail2ban rules ban on it.
 */
export function pipeliningGuard(target: ProbeTarget, before: string[] | null, greeting: string | null): { postscreen: boolean; reason: string } | null {
  if (target.dialect !== 'smtp' || !before || before.length === 0) return null;
  if (before.some((c) => /^PIPELINING\b/i.test(c)) || !/\bPostfix\b/i.test(greeting ?? '')) return null;
  return {
    postscreen: true,
    reason: "Postfix's postscreen, not smtpd, answered before TLS (a Postfix banner, and an EHLO without PIPELINING): the capabilities listed before TLS are postscreen's. " +
      'The STARTTLS injection test sends a command pipelined behind STARTTLS; postscreen logs that as COMMAND PIPELINING, and common fail2ban rules ban the address for it, so it was not run. ' +
      'Probe again once this address has passed postscreen (smtpd answers then), or test smtpd directly.',
  };
}

/**
 * Probes one endpoint. Network problems become findings (ok=false); the promise rejects only
 * for a bad target or CA file, or when `options.signal` aborts (with the signal's reason, an
 * AbortError by default), after every socket is closed.
 */
export async function probe(input: string | ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const target = typeof input === 'string' ? parseTarget(input) : input;
  const timeouts: PhaseTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const external = options.signal;
  if (external?.aborted) throw abortReason(external, 'The probe was cancelled');
  const extraCaPem = options.caPem ?? (options.caFile ? await readFile(options.caFile, 'utf8') : null);
  if (extraCaPem !== null && !extraCaPem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${options.caFile ?? 'caPem'}: no PEM certificate in the CA file`);
  // An abort while the CA file was read happened before the listener below exists.
  if (external?.aborted) throw abortReason(external, 'The probe was cancelled');

  const startedAt = new Date();
  const started = Date.now();
  const result = emptyResult(target, startedAt);
  const record = (direction: TranscriptEntry['direction'], text: string) => {
    if (result.transcript.length < MAX_TRANSCRIPT) result.transcript.push({ direction, text, at: Date.now() - started });
  };
  const controller = new AbortController();
  // Each open connection and each chain of hellos waiting for the host's cap listens on it: past
  // ten at --max-connections 4 or more, which is no leak.
  setMaxListeners(0, controller.signal);
  const onExternalAbort = () => controller.abort(abortReason(external!, 'The probe was cancelled'));
  external?.addEventListener('abort', onExternalAbort, { once: true });
  const totalTimer = setTimeout(() => controller.abort(new TotalTimeout()), timeouts.total);
  const settings: ConnectionSettings = {
    target,
    timeouts,
    ehloName: options.ehloName ?? defaultEhloName(),
    servername: (options.servername ?? target.host).toLowerCase(),
    sni: options.sni?.toLowerCase(),
    signal: controller.signal,
    onConnect: () => void result.connections++,
  };
  const limiter = options.limiter ?? new HostLimiter(options.maxConnections ?? DEFAULT_PER_HOST_CONNECTIONS).forHost(target.host, controller.signal);
  // A side connection turned away with 421 is retried after a pause; if the server keeps
  // refusing, the result is `rate-limited` and those versions stay unknown, never "refused".
  const refusals: { what: string; greeting: string }[] = [];
  const retry = rateLimitRetrier({
    signal: controller.signal,
    budgetMs: Math.floor(timeouts.total / 2),
    onRetry: (what, n, ms) => record('info', `${what}: the server refused the connection as one too many; retry ${n} in ${ms} ms`),
  });

  let greeted!: () => void;
  const greetingAccepted = new Promise<void>((resolve) => (greeted = resolve));
  let handshaken!: (version: string | null) => void;
  const negotiated = new Promise<string | null>((resolve) => (handshaken = resolve));
  let capabilitiesSeen!: (before: string[] | null) => void;
  const capabilities = new Promise<string[] | null>((resolve) => (capabilitiesSeen = resolve));
  let mainDone = false;
  const stillWanted = () => !mainDone || result.tls !== null;

  const main = limiter
    .run(() => runMainDialog(settings, result, {
      record,
      extraCaPem,
      secureContext: trustContext(extraCaPem),
      expiryWarningDays: options.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
      keepChain: options.keepChain,
      onGreeting: greeted,
      onHandshake: handshaken,
      onCapabilities: capabilitiesSeen,
      fullReport: options.ciphers ?? false,
    }))
    .catch((err: unknown) => {
      if (!controller.signal.aborted || controller.signal.reason instanceof TotalTimeout) {
        result.findings.push(errorFinding(controller.signal.reason instanceof TotalTimeout ? controller.signal.reason : err, target, timeouts));
      }
    })
    .finally(() => {
      mainDone = true;
      greeted();
      handshaken(null);
      capabilitiesSeen(null);
    });

  // The cipher scan stops starting hellos at 80% of the total timeout, so that what it found
  // is kept instead of the whole probe timing out.
  const cipherScan = async (): Promise<void> => {
    if (!stillWanted()) return;
    const scan = await runCipherScan(settings, { limiter, retry, refusals, record, deadline: started + Math.floor(timeouts.total * 0.8) });
    result.ciphers = scan;
    for (const v of scan.versions) {
      if (v.version in result.versions && v.accepted !== null) result.versions[v.version as TlsVersionName] = v.accepted;
    }
  };

  // Side connections start once the server accepted a session: a server that turns us away
  // (421) must not get more connections.
  const side = async (): Promise<void> => {
    await greetingAccepted;
    if (!stillWanted()) return;
    const tasks: Promise<unknown>[] = [];
    if (options.ciphers) tasks.push(cipherScan());
    // The cipher scan learns the versions from its own hellos: no separate handshakes then.
    if (options.enumerateVersions !== false && !options.ciphers) {
      for (const version of TLS_VERSIONS) {
        tasks.push((async () => {
          // The main handshake already proves its own version: no connection needed for it.
          if (version === 'TLSv1.2' || version === 'TLSv1.3') {
            const got = await negotiated;
            if (got === version) return void (result.versions[version] = true);
          }
          if (!stillWanted()) return;
          const outcome = await retry(version, () => limiter.run(() => checkVersion(settings, version)));
          if (outcome.rateLimited) refusals.push({ what: version, greeting: outcome.rateLimited });
          result.versions[version] = outcome.accepted;
          record('info', `${version} handshake: ${outcome.accepted === null ? 'unknown' : outcome.accepted ? 'accepted' : 'refused'} (${outcome.reason})`);
        })());
      }
    }
    if (options.checkInjection !== false && target.tlsMode === 'starttls') {
      tasks.push((async () => {
        // An SMTP server that does not offer PIPELINING (postscreen does not) counts a pipelined
        // command as a bot's: the test is skipped there rather than get this address banned.
        const before = await capabilities;
        if (!stillWanted()) return;
        const guard = pipeliningGuard(target, before, result.greeting);
        if (guard) {
          result.pipeliningGuard = guard;
          record('info', `STARTTLS injection test skipped: ${guard.reason}`);
          result.findings.push(finding('starttls-injection-not-tested', 'info', guard.postscreen ? 'Postscreen answers before smtpd: injection not tested' : 'No PIPELINING: injection not tested', guard.reason));
          return;
        }
        const outcome = await retry('the STARTTLS injection test', () => limiter.run(() => checkInjection(settings)));
        if (outcome.rateLimited) refusals.push({ what: 'the STARTTLS injection test', greeting: outcome.rateLimited });
        record('info', `STARTTLS injection test: ${outcome.reason}`);
        if (outcome.unprompted && outcome.unprompted.length > 0) {
          result.findings.push(finding('starttls-command-injection', 'error', 'STARTTLS command injection', `A NOOP sent in the same TCP segment as STARTTLS was answered inside TLS with '${outcome.unprompted.join(' | ')}'. An attacker can inject commands into the encrypted session (CVE-2011-0411 class). Update the server.`));
        }
      })());
    }
    await Promise.allSettled(tasks);
  };

  try {
    await Promise.all([main, side().catch(() => undefined)]);
  } finally {
    clearTimeout(totalTimer);
    external?.removeEventListener('abort', onExternalAbort);
    // Node frees a closed TLS session in an Immediate: let it run, so nothing is left queued.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (external?.aborted) throw abortReason(external, 'The probe was cancelled');
  if (controller.signal.reason instanceof TotalTimeout && !result.findings.some((f) => f.id === 'timeout')) {
    result.findings.push(errorFinding(controller.signal.reason, target, timeouts));
  }
  const limited = rateLimitedFinding(refusals);
  if (limited) result.findings.push(limited);
  if (result.tls && result.tls.version in result.versions) result.versions[result.tls.version as TlsVersionName] = true;
  if (options.enumerateVersions !== false && result.ok) {
    for (const f of [legacyVersionFinding(target.protocol, result.versions), tls13Finding(target.protocol, result.versions)]) if (f) result.findings.push(f);
  }
  if (result.ciphers && result.ok) result.findings.push(...cipherFindings(target.protocol, result.ciphers));
  result.timings.total = Date.now() - started;
  return result;
}
