/**
 * Probes many endpoints with bounded concurrency: at most `concurrency` probes at once overall,
 * and at most `perHostConnections` connections to any one host at once, counted across all the
 * probes of the run (main dialog, version handshakes and the injection check alike).
 */
import { readFile } from 'node:fs/promises';
import { abortReason, fanOutSignal } from './abort';
import { DEFAULT_PER_HOST_CONNECTIONS, HostLimiter } from './hostLimiter';
import { probe } from './probe';
import { parseTarget } from './target';
import type { ProbeOptions, ProbeResult, ProbeTarget } from './types';

export const DEFAULT_CONCURRENCY = 8;

export interface ProbeManyOptions extends ProbeOptions {
  /** Connections open to one host at a time, across every probe of the run. Default 2. */
  perHostConnections?: number;
  /** A per-host cap shared with other runs (the editor's, across its commands); replaces perHostConnections. */
  hosts?: HostLimiter;
  /** Probes running at a time overall. Default 8. */
  concurrency?: number;
  /** Called as each probe starts, with its index in `targets`. */
  onStart?: (target: ProbeTarget, index: number) => void;
  /** Called as each probe finishes (in completion order), with its index in `targets`. */
  onResult?: (result: ProbeResult, index: number) => void;
  /**
   * Called when a probe throws instead of producing a result (network trouble is a finding, so
   * this is rare: a CA file without certificates). The run goes on, and that target is left out
   * of the resolved array. Without it the first such error rejects the run.
   */
  onError?: (error: unknown, index: number) => void;
}

/**
 * Resolves to one result per target, in the order of `targets`. Every target is parsed first,
 * so a typo fails the run before any connection. When `signal` aborts, no new probe starts,
 * the running ones are cancelled and awaited (nothing is left open), and the promise rejects
 * with the abort reason.
 */
export async function probeMany(
  targets: readonly (string | ProbeTarget)[],
  options: ProbeManyOptions = {},
): Promise<ProbeResult[]> {
  const { perHostConnections, hosts, concurrency, onStart, onResult, onError, ...probeOptions } = options;
  const width = concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(width) || width < 1) throw new Error(`concurrency must be a positive integer, got ${width}`);
  const parsed = targets.map((t) => (typeof t === 'string' ? parseTarget(t) : t));
  // The CA file is read once for the run, not once per probe.
  if (probeOptions.caFile && probeOptions.caPem === undefined) probeOptions.caPem = await readFile(probeOptions.caFile, 'utf8');
  const limiter = hosts ?? new HostLimiter(perHostConnections ?? DEFAULT_PER_HOST_CONNECTIONS);
  const run = fanOutSignal(options.signal);
  const signal = run.signal;
  probeOptions.signal = signal;
  const results: (ProbeResult | undefined)[] = new Array(parsed.length);
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < parsed.length && !signal.aborted) {
      const index = next++;
      const target = parsed[index]!;
      onStart?.(target, index);
      let result: ProbeResult;
      try {
        result = await probe(target, { ...probeOptions, limiter: limiter.forHost(target.host, signal) });
      } catch (err) {
        if (!onError || signal.aborted) throw err;
        onError(err, index);
        continue;
      }
      results[index] = result;
      if (!signal.aborted) onResult?.(result, index);
    }
  };
  const workers = Array.from({ length: Math.min(width, parsed.length) }, worker);
  const settled = await Promise.allSettled(workers).finally(run.dispose);
  if (signal.aborted) throw abortReason(signal);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return results.filter((r): r is ProbeResult => r !== undefined);
}
