/**
 * Shared checks for the hostile-server suites: every probe must end in bounded time with a
 * finding a user can act on, throw nothing into the process, close every connection it
 * opened, and leave no socket, timer or DNS request behind.
 */
import assert from 'node:assert/strict';
import { sharedCertificate, SHARED_SERVER_NAME } from './certs';
import type { HostileServer } from './mailServers/scenarios';
import type { Finding } from '../../src/core/findings';
import type { PhaseTimeouts, ProbeOptions, ProbeResult } from '../../src/core/probe/types';

/** Short phase timeouts keep the suite fast; each test names the one it relies on. */
export const SHORT: PhaseTimeouts = { connect: 1000, greeting: 600, command: 600, handshake: 600, total: 8000 };
/** What a bounded probe may take beyond its configured timeout (scheduling, teardown). */
export const SLACK_MS = 500;

export function shortOptions<T extends ProbeOptions>(extra: T = {} as T): T {
  return {
    caFile: sharedCertificate().certFile,
    servername: SHARED_SERVER_NAME,
    ...extra,
    timeouts: { ...SHORT, ...extra.timeouts },
  };
}

/** Collects every unhandled rejection and uncaught exception while the suite runs. */
export function trackProcessErrors(): { errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const onError = (err: unknown) => errors.push(err);
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    dispose() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}

/** Active handles and requests by kind (`TCPSocketWrap`, `Timeout`, `GetAddrInfoReqWrap`...). */
export function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function excess(before: Map<string, number>, after: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [kind, n] of after) {
    // Immediates come and go with the event loop itself; not a leak.
    if (kind === 'Immediate') continue;
    if (n > (before.get(kind) ?? 0)) out.push(`${kind}: ${before.get(kind) ?? 0} -> ${n}`);
  }
  return out;
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** Asserts no handle or timer more than `before` remains (waits briefly for closes to settle). */
export async function assertNoLeakedResources(before: Map<string, number>): Promise<void> {
  await waitFor(() => excess(before, resourceCounts()).length === 0, 1000);
  assert.deepEqual(excess(before, resourceCounts()), [], 'handles or timers left behind after the probe');
}

/**
 * Starts a hostile server, runs `body`, then checks that the engine closed every connection
 * it opened (seen from the server side, before the server closes anything itself) and that
 * no resource outlives the server.
 */
export async function withServer(
  start: () => Promise<HostileServer>,
  body: (server: HostileServer) => Promise<void>,
): Promise<void> {
  const before = resourceCounts();
  const server = await start();
  try {
    await body(server);
    const closed = await waitFor(() => server.stats.open === 0, 1000);
    assert.ok(closed, `the probe left ${server.stats.open} connection(s) open to the server`);
  } finally {
    await server.close();
  }
  await assertNoLeakedResources(before);
}

export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t0 };
}

export function assertWithin(ms: number, limitMs: number, what: string): void {
  assert.ok(ms <= limitMs, `${what} took ${Math.round(ms)} ms, more than the ${limitMs} ms allowed`);
}

/** The finding with `id`, asserting it exists and that its detail says what was seen. */
export function expectFinding(result: ProbeResult, id: string, detail?: RegExp): Finding {
  const found = result.findings.find((f) => f.id === id);
  assert.ok(found, `expected finding '${id}', got: ${describeFindings(result)}`);
  if (detail) assert.match(found.detail, detail, `finding '${id}' detail`);
  return found;
}

export function expectNoFinding(result: ProbeResult, id: string): void {
  assert.ok(!result.findings.some((f) => f.id === id), `unexpected finding '${id}': ${describeFindings(result)}`);
}

export function describeFindings(result: ProbeResult): string {
  return JSON.stringify(result.findings.map((f) => `${f.id} [${f.severity}]: ${f.detail}`));
}

/** Total characters of transcript text: the engine must keep it bounded whatever the server sends. */
export function transcriptChars(result: ProbeResult): number {
  return result.transcript.reduce((n, e) => n + e.text.length, 0);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The result must survive a JSON round trip unchanged, with well-formed text throughout. */
export function assertJsonSafe(result: ProbeResult): void {
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  const texts = [...result.transcript.map((e) => e.text), ...result.findings.map((f) => f.detail), result.greeting ?? ''];
  for (const text of texts) assert.ok(!LONE_SURROGATE.test(text), `malformed UTF-16 in ${JSON.stringify(text.slice(0, 80))}`);
}

/** Samples heap use while `run` runs; returns the peak growth over the starting value. */
export async function peakHeapGrowth<T>(run: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { value, growth: peak - start };
  } finally {
    clearInterval(sampler);
  }
}
