/** Timing helpers: sample summaries, in-process timing, whole-process timing. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Summary {
  runs: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  /** Every sample in milliseconds, in the order taken. */
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return {
    runs: samples.length,
    median: round(median),
    p90: round(at(0.9)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    samples: samples.map(round),
  };
}

export const round = (ms: number) => Math.round(ms * 100) / 100;

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export interface ProcessRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with stdin at /dev/null; the time covers spawn to exit. */
export function timeProcess(command: string, args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - start, code, stdout, stderr });
    });
  });
}

/**
 * Takes `runs` samples of each contender, alternating them so that machine noise hits both
 * alike, after `warmup` untimed rounds.
 */
export async function alternate(
  contenders: Record<string, () => Promise<number>>,
  runs: number,
  warmup = 3,
): Promise<Record<string, Summary>> {
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < warmup + runs; i++) {
    // The order rotates round by round, so that no contender always runs right after the same
    // other one: a scan that follows sslscan's 184 connections to Postfix is slower than one that
    // follows a pause (Postfix replaces the smtpd processes that reached max_use meanwhile).
    for (const name of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) {
      const ms = await contenders[name]!();
      if (i >= warmup) samples[name]!.push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(samples[n]!)]));
}
