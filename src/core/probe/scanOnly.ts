// The cipher scan on its own, without the main dialog: for a TLS endpoint that speaks no mail
// protocol after the handshake, or a caller that wants the suites alone.
import { setMaxListeners } from 'node:events';
import { DEFAULT_TIMEOUTS } from './probe';
import { runCipherScan } from './cipherScan';
import { DEFAULT_PER_HOST_CONNECTIONS, HostLimiter } from './hostLimiter';
import { rateLimitRetrier } from './rateLimit';
import { parseTarget } from './target';
import type { CipherScan, PhaseTimeouts, ProbeOptions, ProbeTarget } from './types';
import { defaultEhloName } from './probe';

export type ScanOptions = Pick<ProbeOptions, 'servername' | 'sni' | 'timeouts' | 'signal' | 'maxConnections' | 'limiter' | 'ehloName'>;

/** Scans `input`'s suites; rejects only for a bad target or on abort. */
export async function scanCipherSuites(input: string | ProbeTarget, options: ScanOptions = {}): Promise<CipherScan & { transcript: string[] }> {
  const target = typeof input === 'string' ? parseTarget(input) : input;
  const timeouts: PhaseTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const controller = new AbortController();
  // Each open connection and each chain of hellos waiting for the host's cap listens on it: past
  // ten at --max-connections 4 or more, which is no leak.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const transcript: string[] = [];
  try {
    const limiter = options.limiter ?? new HostLimiter(options.maxConnections ?? DEFAULT_PER_HOST_CONNECTIONS).forHost(target.host, controller.signal);
    const settings = { target, timeouts, ehloName: options.ehloName ?? defaultEhloName(), servername: (options.servername ?? target.host).toLowerCase(), sni: options.sni?.toLowerCase(), signal: controller.signal };
    const retry = rateLimitRetrier({ signal: controller.signal, budgetMs: Math.floor(timeouts.total / 2) });
    const scan = await runCipherScan(settings, { limiter, retry, refusals: [], record: (_d, text) => transcript.push(text), deadline: Date.now() + timeouts.total });
    return { ...scan, transcript };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
