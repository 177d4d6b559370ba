// A CPU profile of the extension host's own thread, taken from inside it with the inspector,
// and what it says about one extension: the most time it held the thread within one turn of
// the event loop. The host thread also runs VS Code's own work (deserialising a 5 MB document
// it sends to the host); the profile tells the two apart.
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HostProfiler {
  stop(): Promise<CpuProfile>;
}

export const SAMPLING_INTERVAL_US = 1000;

export async function startHostProfiler(samplingIntervalUs = SAMPLING_INTERVAL_US): Promise<HostProfiler> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await post('Profiler.start');
  return {
    stop: async () => {
      try {
        const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
        return profile;
      } finally {
        session.disconnect();
      }
    },
  };
}

export interface ProfileSummary {
  /** The most CPU time with the script's code on the stack within one window (ms). */
  longestOwnMs: number;
  /** That window, as given. */
  window: Window | undefined;
  /** The script's functions that window's samples were in most, innermost first. */
  ownHotspots: string[];
  /** All the thread's CPU time in that window, whoever ran (ms). */
  windowCpuMs: number;
  /** Of which native work with no JavaScript on the stack, V8's `(program)` (ms). */
  windowNativeMs: number;
}

/** Frames of Node's own TLS layer, which runs from libuv callbacks for a script's sockets. */
export const isNodeTlsFrame = (url: string): boolean => /^node:(_tls_wrap|_tls_common|tls|internal\/tls\/)/.test(url);

/** A stretch of the thread's time, in the profile's clock (microseconds). */
export interface Window {
  start: number;
  end: number;
}

/** The profile's clock (V8's, CLOCK_MONOTONIC in µs) for a `performance.now()` reading. */
export function profileClock(): (performanceNowMs: number) => number {
  const offsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  return (ms) => (ms + offsetMs) * 1000;
}

/**
 * How much CPU time the script at `scriptUrl` (the extension's bundle, as a file URL) used in
 * each window: the event loop's turns as the ticker saw them, so that the work of many short
 * tasks in a row is not added up as if it were one. `alsoOurs` names more frames to count as
 * the script's work wherever they run (e.g. Node's TLS layer, called from libuv, not from it).
 */
export function summarise(profile: CpuProfile, scriptUrl: string, samplingIntervalUs: number, windows: readonly Window[], alsoOurs: (url: string) => boolean = () => false): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownFrame = new Map<number, string | null>();
  const ownFrameOf = (id: number): string | null => {
    const known = ownFrame.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const own = node.callFrame.url === scriptUrl || alsoOurs(node.callFrame.url)
      ? `${node.callFrame.url === scriptUrl ? '' : `${node.callFrame.url} `}${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`
      : parent.has(id) ? ownFrameOf(parent.get(id)!) : null;
    ownFrame.set(id, own);
    return own;
  };

  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const ownUs = new Array<number>(sorted.length).fill(0);
  const ownIds: number[][] = sorted.map(() => []);
  const cpuUs = new Array<number>(sorted.length).fill(0);
  const nativeUs = new Array<number>(sorted.length).fill(0);
  let w = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const id = profile.samples[i]!;
    while (w < sorted.length && sorted[w]!.end <= at) w++;
    if (w >= sorted.length) break;
    if (at < sorted[w]!.start) continue;
    // A sample stands for the time until the next one, but a longer wait than the interval means
    // the thread was not running (the OS ran another process on a busy machine): the sampler's
    // signal waits for the thread. So a sample counts for one interval at most: the figure is the
    // thread's CPU time, as the ticker's is.
    const us = Math.min(profile.timeDeltas[i + 1] ?? samplingIntervalUs, samplingIntervalUs);
    const name = byId.get(id)?.callFrame.functionName;
    if (name === '(idle)') continue;
    cpuUs[w]! += us;
    if (name === '(program)') nativeUs[w]! += us;
    if (ownFrameOf(id) === null) continue;
    ownUs[w]! += us;
    ownIds[w]!.push(id);
  }
  let best = -1;
  for (let k = 0; k < sorted.length; k++) if (ownUs[k]! > 0 && (best < 0 || ownUs[k]! > ownUs[best]!)) best = k;
  const counts = new Map<string, number>();
  for (const id of best >= 0 ? ownIds[best]! : []) {
    const key = ownFrameOf(id)!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return {
    longestOwnMs: best >= 0 ? ownUs[best]! / 1000 : 0,
    window: best >= 0 ? sorted[best] : undefined,
    ownHotspots: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} (${n})`),
    windowCpuMs: best >= 0 ? cpuUs[best]! / 1000 : 0,
    windowNativeMs: best >= 0 ? nativeUs[best]! / 1000 : 0,
  };
}
