/**
 * The comparisons `npm run bench` makes, each against an independent tool on the same
 * endpoint of the local test servers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServersState } from '../test/servers/state';
import { sClientArgs } from '../test/servers/sclient';
import { assertProbeOk, type ProbeFn } from './engine';
import { alternate, summarize, timeAsync, timeProcess, type Summary } from './stats';

export interface CaseResult {
  id: string;
  title: string;
  ours: Summary | null;
  oursLabel: string;
  baseline: Summary | null;
  baselineLabel: string;
  /** ours.median / baseline.median; null for absolute targets and informative rows. */
  ratio: number | null;
  target: string;
  /** null: no target (informative) or not measured. */
  met: boolean | null;
  notes: string[];
  /** Case 2 only: `node -e ''`, alternated with the CLI runs. */
  nodeStartup?: Summary;
}

export interface BenchContext {
  servers: TestServersState;
  probe: ProbeFn | Error;
  runs: number;
  repoRoot: string;
}

const FAST = { enumerateVersions: false, checkInjection: false } as const;

function trustOptions(s: TestServersState) {
  return { caFile: s.caFile, servername: s.serverName };
}

function notMeasured(id: string, title: string, target: string, why: string): CaseResult {
  return { id, title, ours: null, oursLabel: '', baseline: null, baselineLabel: '', ratio: null, target, met: null, notes: [why] };
}

/** 1: one STARTTLS SMTP handshake + capabilities, in-process, vs `openssl s_client` as a process. */
export async function starttlsVersusOpenssl(ctx: BenchContext): Promise<CaseResult> {
  const id = 'starttls-smtp-vs-openssl';
  const title = 'STARTTLS SMTP: handshake + capabilities';
  const url = ctx.servers.endpoints.smtp;
  const opensslArgs = sClientArgs(url, trustOptions(ctx.servers));
  const openssl = async () => {
    const r = await timeProcess('openssl', opensslArgs);
    if (r.code !== 0 || !/Verify return code: 0 \(ok\)/.test(r.stdout)) {
      throw new Error(`openssl s_client failed on ${url} (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`);
    }
    return r.ms;
  };
  if (ctx.probe instanceof Error) {
    const baseline = (await alternate({ openssl }, ctx.runs)).openssl!;
    return { ...notMeasured(id, title, '<= 1.0', ctx.probe.message), baseline, baselineLabel: 'openssl s_client (process)' };
  }
  const probe = ctx.probe;
  const ours = async () => {
    const { ms, value } = await timeAsync(() => probe(url, { ...trustOptions(ctx.servers), ...FAST }));
    assertProbeOk(value, id);
    return ms;
  };
  const s = await alternate({ ours, openssl }, ctx.runs);
  const ratio = s.ours!.median / s.openssl!.median;
  return {
    id, title, ours: s.ours!, oursLabel: 'probe() in-process', baseline: s.openssl!,
    baselineLabel: 'openssl s_client (process)', ratio, target: '<= 1.0', met: ratio <= 1.0,
    notes: [`${url}; probe options enumerateVersions:false, checkInjection:false`],
  };
}

/**
 * 1b: the same work through the bundled CLI as a whole process (Node start-up included), next
 * to case 1's openssl figure; informative, no target.
 */
export async function cliProcess(ctx: BenchContext, earlier: CaseResult[]): Promise<CaseResult> {
  const id = 'cli-process';
  const title = 'CLI whole process: mail-tls probe --no-versions --no-injection';
  const cli = join(ctx.repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) return notMeasured(id, title, '-', 'dist/cli.js is missing (node esbuild.mjs)');
  const url = ctx.servers.endpoints.smtp;
  const args = [cli, 'probe', url, '--ca', ctx.servers.caFile, '--servername', ctx.servers.serverName, '--no-versions', '--no-injection', '--no-ciphers'];
  const first = await timeProcess(process.execPath, args);
  // Exit 0 (clean) and 1 (error findings) both mean the probe ran; 2 is a usage error.
  if (first.code !== 0 && first.code !== 1) {
    return notMeasured(id, title, '-', `CLI exit ${first.code}: ${first.stderr.trim().split('\n')[0] ?? ''}`);
  }
  // Bare Node start-up, alternated with the CLI, tells the CLI's own cost from the runtime's.
  const s = await alternate(
    {
      cli: async () => (await timeProcess(process.execPath, args)).ms,
      node: async () => (await timeProcess(process.execPath, ['-e', ''])).ms,
    },
    ctx.runs,
    2,
  );
  const openssl = earlier.find((r) => r.id === 'starttls-smtp-vs-openssl')?.baseline ?? null;
  return {
    id, title, ours: s.cli!, oursLabel: 'node dist/cli.js probe', baseline: openssl,
    baselineLabel: openssl ? 'openssl s_client (from 1)' : '', ratio: openssl ? s.cli!.median / openssl.median : null,
    target: '-', met: null,
    notes: [
      `node ${args.slice(0, 3).join(' ')} ... (exit ${first.code})`,
      `bare Node start-up (node -e ''): median ${s.node!.median.toFixed(1)} ms, so the CLI adds ${(s.cli!.median - s.node!.median).toFixed(1)} ms`,
    ],
    nodeStartup: s.node!,
  };
}

/** 2: a full probe (versions enumerated) vs sslscan restricted to versions + certificate. */
export async function fullProbeVersusSslscan(ctx: BenchContext): Promise<CaseResult> {
  const id = 'full-probe-vs-sslscan';
  const title = 'Full probe incl. TLS versions vs sslscan (versions + cert)';
  const url = ctx.servers.endpoints.smtp;
  const u = new URL(url);
  const sslscanArgs = [
    '--no-colour', '--starttls-smtp', `--sni-name=${ctx.servers.serverName}`,
    '--no-ciphersuites', '--no-cipher-details', '--no-compression', '--no-fallback', '--no-groups',
    '--no-heartbleed', '--no-renegotiation', `${u.hostname}:${u.port}`,
  ];
  const sslscan = async () => {
    const r = await timeProcess('sslscan', sslscanArgs);
    if (r.code !== 0 || !/TLSv1\.2\s+enabled/.test(r.stdout)) throw new Error(`sslscan failed on ${url}: ${r.stderr.trim()}`);
    return r.ms;
  };
  const baselineLabel = 'sslscan (process)';
  if (ctx.probe instanceof Error) {
    const baseline = (await alternate({ sslscan }, ctx.runs)).sslscan!;
    return { ...notMeasured(id, title, '<= 0.5', ctx.probe.message), baseline, baselineLabel };
  }
  const probe = ctx.probe;
  let versions = '';
  const ours = async () => {
    const { ms, value } = await timeAsync(() => probe(url, trustOptions(ctx.servers)));
    assertProbeOk(value, id);
    versions = Object.entries(value.versions).map(([v, on]) => `${v}=${on}`).join(' ');
    return ms;
  };
  const s = await alternate({ ours, sslscan }, ctx.runs);
  const ratio = s.ours!.median / s.sslscan!.median;
  return {
    id, title, ours: s.ours!, oursLabel: 'probe() in-process, defaults', baseline: s.sslscan!, baselineLabel,
    ratio, target: '<= 0.5', met: ratio <= 0.5,
    notes: [`${url}; sslscan ${sslscanArgs.slice(0, -1).join(' ')}`, `versions seen by the probe: ${versions}`],
  };
}

/** 3: the eight local endpoints probed at once, full probes; wall time. */
export async function eightAtOnce(ctx: BenchContext): Promise<CaseResult> {
  const id = 'eight-endpoints-at-once';
  const title = 'All 8 endpoints at once, full probes (wall)';
  if (ctx.probe instanceof Error) return notMeasured(id, title, '< 1000 ms', ctx.probe.message);
  const probe = ctx.probe;
  const e = ctx.servers.endpoints;
  const urls = [e.smtp, e.submission, e.smtps, e.imap, e.imaps, e.pop3, e.pop3s, e.sieve];
  const samples: number[] = [];
  const rounds = Math.max(5, Math.ceil(ctx.runs / 3));
  for (let i = 0; i < rounds + 1; i++) {
    const { ms, value } = await timeAsync(() => Promise.all(urls.map((u) => probe(u, trustOptions(ctx.servers)))));
    value.forEach((r) => assertProbeOk(r, id));
    if (i > 0) samples.push(ms); // the first round warms up
  }
  const ours = summarize(samples);
  return {
    id, title, ours, oursLabel: 'Promise.all(8 × probe())', baseline: null, baselineLabel: '',
    ratio: null, target: '< 1000 ms', met: ours.max < 1000,
    notes: [`${urls.join(' ')}; met = slowest of ${rounds} rounds under 1 s`],
  };
}
