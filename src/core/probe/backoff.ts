/**
 * Retrying a connection the server turned away with `421 too many connections`: wait, then try
 * again, doubling the wait each time. Side connections (one per TLS version) are the ones a
 * rate-limiting server refuses; without a retry the probe would report "version not
 * supported" for what was only "not now".
 */
import { abortReason } from './abort';

export interface BackoffOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** Wait before the first retry; doubled for each one after. */
  baseDelayMs: number;
  /** Upper bound of any single wait. Default 10 s. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Told before each wait, e.g. to note it in the transcript. */
  onRetry?: (retry: number, delayMs: number) => void;
}

export const DEFAULT_BACKOFF = { retries: 2, baseDelayMs: 1000 } as const;

/**
 * Runs `attempt` until `isRateLimited` says no or the retries are spent; returns the last
 * result either way (the caller turns a still-limited result into a `rate-limited` finding).
 * Rejections from `attempt` are not retried. Rejects with the abort reason when `signal` fires.
 */
export async function withBackoff<T>(
  attempt: () => Promise<T>,
  isRateLimited: (result: T) => boolean,
  options: BackoffOptions,
): Promise<T> {
  const { retries, baseDelayMs, signal, onRetry } = options;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw abortReason(signal);
    const result = await attempt();
    if (retry >= retries || !isRateLimited(result)) return result;
    const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
    onRetry?.(retry + 1, delayMs);
    await sleep(delayMs, signal);
  }
}

/** setTimeout as a promise that an AbortSignal cancels (the timer is cleared, nothing leaks). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** SMTP `421` (and LMTP), POP3/IMAP/Sieve refusals that say the server is busy or limiting. */
export function isRateLimitGreeting(greeting: string): boolean {
  if (/^421[ -]/.test(greeting)) return true;
  return /too many (connections|concurrent)|maximum number of connections|connection (rate|limit)|try again later|rate.?limit/i.test(greeting)
    && /^(\* BYE|-ERR|BYE|NO|4\d\d)/i.test(greeting.trimStart());
}
