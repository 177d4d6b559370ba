/**
 * Politeness: at most N connections to one host at a time, shared by every probe of a run.
 * Mail servers count connections per client address (Postfix anvil, postscreen, Dovecot's
 * `mail_max_userip_connections`), and answer `421` or drop the client when a scanner opens
 * many at once; a run that probes several ports of one host must stay under that together.
 */
import { abortReason } from './abort';

/** What a probe needs to run its connections under a shared cap (`ProbeOptions.limiter`). */
export interface ConnectionGate {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export const DEFAULT_PER_HOST_CONNECTIONS = 2;

interface Waiter {
  grant: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

class HostSlots {
  active = 0;
  readonly queue: Waiter[] = [];
}

export class HostLimiter {
  private readonly hosts = new Map<string, HostSlots>();

  constructor(readonly perHost: number = DEFAULT_PER_HOST_CONNECTIONS) {
    if (!Number.isInteger(perHost) || perHost < 1) {
      throw new Error(`connections per host must be a positive integer, got ${perHost}`);
    }
  }

  /** The key a host is counted under: case-insensitive names, IPv6 without brackets. */
  static key(host: string): string {
    return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  }

  /** Connections to `host` running now. */
  active(host: string): number {
    return this.hosts.get(HostLimiter.key(host))?.active ?? 0;
  }

  /** Connections to `host` waiting for a slot. */
  waiting(host: string): number {
    return this.hosts.get(HostLimiter.key(host))?.queue.length ?? 0;
  }

  /** A gate for one host; `signal` abandons a wait for a slot (the task never starts). */
  forHost(host: string, signal?: AbortSignal): ConnectionGate {
    const key = HostLimiter.key(host);
    return { run: (task) => this.run(key, task, signal) };
  }

  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(key, signal);
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  private acquire(key: string, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let slots = this.hosts.get(key);
    if (!slots) {
      slots = new HostSlots();
      this.hosts.set(key, slots);
    }
    if (slots.active < this.perHost) {
      slots.active++;
      return Promise.resolve();
    }
    const host = slots;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const i = host.queue.indexOf(waiter);
          if (i >= 0) host.queue.splice(i, 1);
          this.forgetIfIdle(key);
          reject(abortReason(signal!));
        },
      };
      host.queue.push(waiter);
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
    });
  }

  private release(key: string): void {
    const slots = this.hosts.get(key);
    if (!slots) return;
    const next = slots.queue.shift();
    // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
    if (next) next.grant();
    else {
      slots.active--;
      this.forgetIfIdle(key);
    }
  }

  private forgetIfIdle(key: string): void {
    const slots = this.hosts.get(key);
    if (slots && slots.active === 0 && slots.queue.length === 0) this.hosts.delete(key);
  }
}
