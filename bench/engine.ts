/**
 * Loads the probe engine from out/ at run time, so the baselines still run (and say what is
 * missing) while the engine is incomplete.
 */
import type { ProbeOptions, ProbeResult } from '../src/core/probe/types';

export type ProbeFn = (target: string, options?: ProbeOptions) => Promise<ProbeResult>;

export function loadProbe(): ProbeFn | Error {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engine = require('../src/core/probe') as { probe?: unknown };
    if (typeof engine.probe !== 'function') return new Error('src/core/probe does not export probe()');
    return engine.probe as ProbeFn;
  } catch (err) {
    return new Error(`the probe engine did not load: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Throws unless the probe completed TLS and read the capabilities after it. */
export function assertProbeOk(result: ProbeResult, what: string): void {
  if (result.ok) return;
  const findings = result.findings.map((f) => `${f.id}: ${f.detail}`).join('; ');
  throw new Error(`${what}: probe of ${result.target} did not complete (${findings || 'no findings'})`);
}
