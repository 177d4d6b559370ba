// Many change events, one piece of work: the first request of a burst starts a timer, the
// ones that follow within it ride along. Plain Node (no vscode), so unit tests can drive it.

export interface Coalesced {
  /** Asks for the work; it runs once, `delayMs` after the first unanswered request. */
  (): void;
  /** Drops a pending run; later requests are ignored. */
  dispose(): void;
}

export function coalesce(work: () => void, delayMs: number): Coalesced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const request = (() => {
    if (disposed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      work();
    }, delayMs);
  }) as Coalesced;
  request.dispose = () => {
    disposed = true;
    clearTimeout(timer);
    timer = undefined;
  };
  return request;
}
