import { setMaxListeners } from 'node:events';

// The error an aborted operation rejects with: the signal's reason when it is an Error, so a
// caller's own reason (a timeout, a cancellation) reaches whoever awaits.
export function abortReason(signal: AbortSignal, fallback = 'the operation was aborted'): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === 'string' ? reason : fallback);
  err.name = 'AbortError';
  return err;
}

/**
 * A signal that aborts with `outer` and takes any number of listeners. A run hands one cancel to
 * every probe, DNS query and wait for a host's cap it starts: dozens of listeners at once, which
 * is no leak, and Node would warn past ten on the caller's own signal.
 */
export function fanOutSignal(outer: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (outer?.aborted) controller.abort(outer.reason);
  const follow = () => controller.abort(outer!.reason);
  outer?.addEventListener('abort', follow, { once: true });
  return { signal: controller.signal, dispose: () => outer?.removeEventListener('abort', follow) };
}
