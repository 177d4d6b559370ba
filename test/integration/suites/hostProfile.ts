// A CPU profile of the extension host's own thread, taken from inside it with the inspector,
// and what it says about one extension: the longest time one task of the event loop spent with
// that extension's code on the stack.
// The host thread also runs VS Code's own work (deserialising a 5 MB document it sends to the
// host, scanning for ports to forward on a remote host); the profile tells the two apart.
import { Session } from 'node:inspector';

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
  /** Longest time, within one task, with a frame of the given script on the stack (ms). */
  longestOwnMs: number;
  /** Longest task of the whole thread, whatever ran (ms). */
  longestBusyMs: number;
  /** The functions of the given script that its longest task spent most samples in. */
  ownHotspots: string[];
  /** What the thread ran most in its longest task. */
  busyHotspots: string[];
}

// What the event loop runs in one go: consecutive samples under the same outermost frame (the
// timers, an I/O callback, the microtask queue). Idle ends a task; garbage collection and
// native samples in the middle of one do not split it.
const IDLE = '(idle)';
const NEUTRAL = new Set(['(garbage collector)', '(program)']);

/** Measures the script at `scriptUrl` (the extension's bundle, as a file URL). */
export function summarise(profile: CpuProfile, scriptUrl: string, samplingIntervalUs: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const root = profile.nodes.find((n) => !parent.has(n.id))!.id;
  const outermost = (id: number): number => {
    let at = id;
    while (parent.get(at) !== undefined && parent.get(at) !== root) at = parent.get(at)!;
    return at;
  };
  const ownFrame = new Map<number, string | null>();
  const ownFrameOf = (id: number): string | null => {
    const known = ownFrame.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const own = node.callFrame.url === scriptUrl
      ? `${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`
      : parent.has(id) ? ownFrameOf(parent.get(id)!) : null;
    ownFrame.set(id, own);
    return own;
  };
  const label = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
  };

  let best = { own: 0, busy: 0, ownIds: [] as number[], busyIds: [] as number[] };
  let task = { outer: -1, own: 0, busy: 0, ownIds: [] as number[], busyIds: [] as number[] };
  const close = (outer: number) => {
    if (task.own > best.own) best = { ...best, own: task.own, ownIds: task.ownIds };
    if (task.busy > best.busy) best = { ...best, busy: task.busy, busyIds: task.busyIds };
    task = { outer, own: 0, busy: 0, ownIds: [], busyIds: [] };
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const name = byId.get(id)!.callFrame.functionName;
    // A sample stands for the time until the next one, but a long wait for the next sample means
    // the thread was not running (the OS ran another process on a busy machine): the sampler
    // interrupts the thread itself. So a sample counts for at most two intervals.
    const us = Math.min(profile.timeDeltas[i + 1] ?? 0, 2 * samplingIntervalUs);
    if (name === IDLE) {
      close(-1);
      continue;
    }
    if (!NEUTRAL.has(name)) {
      const outer = outermost(id);
      if (outer !== task.outer) close(outer);
    }
    task.busy += us;
    task.busyIds.push(id);
    if (ownFrameOf(id) !== null) {
      task.own += us;
      task.ownIds.push(id);
    }
  }
  close(-1);
  const top = (ids: number[], name: (id: number) => string | null) => {
    const counts = new Map<string, number>();
    for (const id of ids) {
      const key = name(id);
      if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} (${n})`);
  };
  return {
    longestOwnMs: best.own / 1000,
    longestBusyMs: best.busy / 1000,
    ownHotspots: top(best.ownIds, ownFrameOf),
    busyHotspots: top(best.busyIds, label),
  };
}
