// The error an aborted operation rejects with: the signal's reason when it is an Error, so a
// caller's own reason (a timeout, a cancellation) reaches whoever awaits.
export function abortReason(signal: AbortSignal, fallback = 'the operation was aborted'): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === 'string' ? reason : fallback);
  err.name = 'AbortError';
  return err;
}
