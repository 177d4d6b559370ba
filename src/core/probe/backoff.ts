/**
 * Pieces of retrying a connection the server turned away with `421 too many connections`
 * (the retry loop itself is rateLimit.ts): the backoff figures, a cancellable wait, and the
 * greeting test. Side connections (one per TLS version) are the ones a rate-limiting server
 * refuses; without a retry the probe would report "version not supported" for "not now".
 */
import { abortReason } from './abort';

/** Retries after the first attempt, and the wait before the first retry (doubled after). */
export const DEFAULT_BACKOFF = { retries: 2, baseDelayMs: 1000 } as const;

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
