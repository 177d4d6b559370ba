/**
 * Load: 200 loopback endpoints (well-behaved SMTP, SMTPS, IMAP, POP3 servers spread over 50
 * loopback hosts, 127.0.0.1 to 127.0.0.50) probed with probeMany under the per-host cap, with
 * version enumeration and the injection test on. Reports wall time, peak RSS and heap, open
 * descriptors before and after (no leak), and the most connections any host saw at once.
 *   node bench/load.mjs [--endpoints 200] [--concurrency 16] [--per-host 2] [--json]
 */
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { probeMany } from '../src/core/probe/probeMany';
import { sharedCertificate, SHARED_SERVER_NAME } from '../test/support/certs';
import { countClientConnections } from '../test/support/clientCount';
import { ConnectionStats, HostileServer, newStats, wellBehaved } from '../test/support/mailServers/scenarios';
import type { HostileDialect } from '../test/support/mailServers/scenarios';

const KINDS: { dialect: HostileDialect; implicitTls: boolean }[] = [
  { dialect: 'smtp', implicitTls: false },
  { dialect: 'smtp', implicitTls: true },
  { dialect: 'imap', implicitTls: false },
  { dialect: 'pop3', implicitTls: false },
];

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
}

export interface LoadReport {
  endpoints: number;
  hosts: number;
  concurrency: number;
  perHostConnections: number;
  seconds: number;
  probesPerSecond: number;
  ok: number;
  connections: number;
  /** Most connections open at once to one host, counted by this process from connect to close. */
  peakConnectionsPerHost: number;
  /** The same as the servers saw it (can read one FIN late under load, so it may exceed the cap by one). */
  serverSeenPeakPerHost: number;
  /** Connections this process counted; equal to `connections` when none escaped the count. */
  clientSeenConnections: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  rssBeforeMiB: number;
  fd: { beforeServers: number; withServers: number; afterProbes: number; afterClose: number };
}

export async function runLoad(endpoints: number, concurrency: number, perHost: number): Promise<LoadReport> {
  const caFile = sharedCertificate().certFile;
  // A small run first: Node opens a few descriptors once (e.g. /dev/null) that are no leak.
  if (endpoints > KINDS.length) await runLoad(KINDS.length, 2, perHost);
  const hostCount = Math.ceil(endpoints / KINDS.length);
  const fdBeforeServers = openDescriptors();
  const rssBefore = process.memoryUsage().rss;

  const servers: HostileServer[] = [];
  const perHostStats: ConnectionStats[] = [];
  for (let h = 0; h < hostCount; h++) {
    const stats = newStats();
    perHostStats.push(stats);
    const host = `127.0.0.${h + 1}`;
    for (const kind of KINDS) {
      if (servers.length === endpoints) break;
      servers.push(await wellBehaved(kind.dialect, { host, implicitTls: kind.implicitTls, stats }));
    }
  }
  const fdWithServers = openDescriptors();

  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 10);
  const counter = countClientConnections();
  const t0 = performance.now();
  const results = await probeMany(servers.map((s) => s.url), {
    caFile,
    servername: SHARED_SERVER_NAME,
    concurrency,
    perHostConnections: perHost,
    timeouts: { connect: 5000, greeting: 5000, command: 5000, handshake: 5000, total: 30_000 },
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  counter.dispose();
  sample();
  await settle();
  const fdAfterProbes = openDescriptors();

  await Promise.all(servers.map((s) => s.close()));
  await settle();
  const MiB = 1024 * 1024;
  return {
    endpoints: servers.length,
    hosts: hostCount,
    concurrency,
    perHostConnections: perHost,
    seconds: Number(seconds.toFixed(2)),
    probesPerSecond: Number((servers.length / seconds).toFixed(1)),
    ok: results.filter((r) => r.ok).length,
    connections: perHostStats.reduce((n, s) => n + s.total, 0),
    peakConnectionsPerHost: counter.maxPeak(),
    serverSeenPeakPerHost: Math.max(...perHostStats.map((s) => s.settledPeak)),
    clientSeenConnections: counter.total(),
    peakRssMiB: Number((peakRss / MiB).toFixed(1)),
    peakHeapMiB: Number((peakHeap / MiB).toFixed(1)),
    rssBeforeMiB: Number((rssBefore / MiB).toFixed(1)),
    fd: { beforeServers: fdBeforeServers, withServers: fdWithServers, afterProbes: fdAfterProbes, afterClose: openDescriptors() },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoints: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '16' },
      'per-host': { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
    },
  });
  const report = await runLoad(Number(values.endpoints), Number(values.concurrency), Number(values['per-host']));
  const leaked = report.fd.afterProbes - report.fd.withServers;
  const failures: string[] = [];
  if (report.ok !== report.endpoints) failures.push(`${report.endpoints - report.ok} probe(s) not ok`);
  if (leaked > 0) failures.push(`${leaked} descriptor(s) left open by the probes`);
  if (report.fd.afterClose > report.fd.beforeServers) failures.push('descriptors left after closing the servers');
  if (report.clientSeenConnections !== report.connections) failures.push(`counted ${report.clientSeenConnections} client connections, servers accepted ${report.connections}`);
  if (report.peakConnectionsPerHost > report.perHostConnections) failures.push(`a host saw ${report.peakConnectionsPerHost} connections at once`);
  if (values.json) process.stdout.write(`${JSON.stringify({ ...report, failures }, null, 2)}\n`);
  else {
    const lines = [
      `endpoints            ${report.endpoints} on ${report.hosts} loopback hosts (concurrency ${report.concurrency}, ${report.perHostConnections} per host)`,
      `time                 ${report.seconds} s (${report.probesPerSecond} probes/s, ${report.connections} connections)`,
      `ok                   ${report.ok}/${report.endpoints}`,
      `peak per host        ${report.peakConnectionsPerHost} connections at once (servers saw ${report.serverSeenPeakPerHost})`,
      `peak RSS / heap      ${report.peakRssMiB} MiB / ${report.peakHeapMiB} MiB (RSS before: ${report.rssBeforeMiB} MiB)`,
      `descriptors          ${report.fd.beforeServers} before servers, ${report.fd.withServers} with servers, ${report.fd.afterProbes} after probes, ${report.fd.afterClose} after close`,
      failures.length ? `FAILED: ${failures.join('; ')}` : 'no leak, cap held',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = failures.length ? 1 : 0;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
