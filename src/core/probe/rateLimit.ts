/**
 * The pieces that keep a rate-limiting server from being misreported: a side connection
 * greeted with `421 too many connections` is retried with backoff, and if the server still
 * refuses, the probe says "rate limited" and leaves those TLS versions unknown (null) rather
 * than "not supported".
 */
import type { Finding } from '../findings';
import { DEFAULT_BACKOFF, isRateLimitGreeting, sleep } from './backoff';

/** Thrown by a side connection's dialog when the greeting is a rate-limit refusal. */
export class RateLimitedGreeting extends Error {
  constructor(readonly greeting: string) {
    super(`the server refused the connection: ${greeting}`);
    this.name = 'RateLimitedGreeting';
  }
}

/** For a dialog that got a refusing greeting: throws RateLimitedGreeting when it is a rate limit. */
export function throwIfRateLimited(greetingText: string): void {
  if (isRateLimitGreeting(greetingText)) throw new RateLimitedGreeting(greetingText);
}

/** An outcome of a side check that may carry the rate-limit greeting that stopped it. */
export interface MaybeRateLimited {
  rateLimited?: string | null;
}

/**
 * Retries side checks that a server refused with a rate limit. First attempts run as usual;
 * retries go one at a time through a shared lane, each after its own wait (doubling per
 * retry), so retries of several checks never arrive together and trip the limit again. The
 * check takes its connection slot itself: no slot is held while waiting. Waits are kept
 * within `budgetMs` (part of the probe's total timeout), so backing off never turns into a
 * total-timeout failure.
 */
export function rateLimitRetrier(options: { signal?: AbortSignal; budgetMs: number; onRetry?: (what: string, retry: number, delayMs: number) => void }) {
  const base = Math.min(DEFAULT_BACKOFF.baseDelayMs, Math.max(50, Math.floor(options.budgetMs / 8)));
  const maxDelay = Math.max(base, Math.floor(options.budgetMs / 4));
  let lane: Promise<unknown> = Promise.resolve();
  // Once one check was still refused after every retry, the limit is not going away: the
  // others stop retrying instead of each waiting out the same backoff.
  let persistent = false;
  return async function retry<T extends MaybeRateLimited>(what: string, check: () => Promise<T>): Promise<T> {
    let outcome = await check();
    for (let n = 0; n < DEFAULT_BACKOFF.retries && outcome.rateLimited && !persistent; n++) {
      const delayMs = Math.min(maxDelay, base * 2 ** n);
      const previous = outcome;
      const turn = lane.then(async () => {
        if (persistent) return previous;
        options.onRetry?.(what, n + 1, delayMs);
        await sleep(delayMs, options.signal);
        return check();
      });
      lane = turn.catch(() => undefined);
      outcome = await turn;
    }
    if (outcome.rateLimited) persistent = true;
    return outcome;
  };
}

/** One finding for every side connection the server kept refusing; null when none was. */
export function rateLimitedFinding(refusals: { what: string; greeting: string }[]): Finding | null {
  if (refusals.length === 0) return null;
  const greeting = refusals[0]!.greeting.split('\n')[0]!;
  return {
    id: 'rate-limited',
    severity: 'warning',
    title: 'The server limits connections',
    detail:
      `The server answered '${greeting}' to the extra connection(s) for ${refusals.map((r) => r.what).join(', ')}, ` +
      'even after backing off. Those results are unknown, not negative. The server limits connections per client ' +
      '(Postfix: smtpd_client_connection_count_limit, postscreen; Dovecot: mail_max_userip_connections); ' +
      'probe with fewer connections per host (--max-connections 1) or later.',
  };
}
