/**
 * The cipher scan side by side with sslscan's default run and testssl.sh on the test Postfix's
 * port 25 (STARTTLS), with the connections each tool opened counted in Postfix's own log.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, CaseResult } from './cases';
import { assertProbeOk } from './engine';
import { alternate, summarize, timeAsync, timeProcess } from './stats';

/** smtpd's `connect from` lines for the port-25 service since `from` (a byte offset). */
function connectsSince(log: string, from: number): number {
  return readFileSync(log, 'utf8').slice(from).split('\n').filter((l) => /postfix\/smtp\/smtpd\[\d+\]: connect from/.test(l)).length;
}

async function counted<T>(log: string, run: () => Promise<T>): Promise<{ value: T; connections: number }> {
  const from = statSync(log).size;
  const value = await run();
  await new Promise((r) => setTimeout(r, 300)); // the last disconnects reach the log
  return { value, connections: connectsSince(log, from) };
}

function sslscanArgs(url: string): string[] {
  const u = new URL(url);
  return ['--no-colour', '--starttls-smtp', `${u.hostname}:${u.port}`];
}

/** 4: full scan of one endpoint in-process vs sslscan's default run, and the CLI as a process. */
export async function cipherScanVersusSslscan(ctx: BenchContext): Promise<CaseResult[]> {
  const url = ctx.servers.endpoints.smtp;
  const log = ctx.servers.postfixLog;
  const runs = ctx.runs;
  const sslscan = async () => {
    const r = await timeProcess('sslscan', sslscanArgs(url));
    if (r.code !== 0 || !/Preferred/.test(r.stdout)) throw new Error(`sslscan failed on ${url}: ${r.stderr.trim()}`);
    return r.ms;
  };
  const connections: Record<string, number> = {};
  connections.sslscan = (await counted(log, sslscan)).connections;
  if (ctx.probe instanceof Error) return [];
  const probe = ctx.probe;
  const options = { caFile: ctx.servers.caFile, servername: ctx.servers.serverName, ciphers: true };
  const first = await counted(log, () => probe(url, options));
  assertProbeOk(first.value, 'cipher-scan');
  connections.ours = first.connections;
  const suites = first.value.ciphers!.versions.map((v) => `${v.version} ${v.suites.length}`).join(', ');
  const ours = async () => {
    const { ms, value } = await timeAsync(() => probe(url, options));
    assertProbeOk(value, 'cipher-scan');
    return ms;
  };
  const cli = join(ctx.repoRoot, 'dist', 'cli.js');
  const cliArgs = [cli, 'probe', url, '--ca', ctx.servers.caFile, '--servername', ctx.servers.serverName, '--ciphers', '--json'];
  const cliRun = async () => {
    const r = await timeProcess(process.execPath, cliArgs);
    if (r.code !== 0 && r.code !== 1) throw new Error(`CLI exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
    return r.ms;
  };
  const contenders: Record<string, () => Promise<number>> = existsSync(cli) ? { ours, cliRun, sslscan } : { ours, sslscan };
  const s = await alternate(contenders, runs);
  const results: CaseResult[] = [];
  const inProcess = s.ours!.median / s.sslscan!.median;
  results.push({
    id: 'cipher-scan-vs-sslscan', title: 'Full cipher scan of port 25 vs sslscan default run',
    ours: s.ours!, oursLabel: 'probe({ ciphers: true }) in-process', baseline: s.sslscan!, baselineLabel: 'sslscan --starttls-smtp (process)',
    ratio: inProcess, target: '<= 0.3', met: inProcess <= 0.3,
    notes: [`${url}; suites per version: ${suites}`, `connections (Postfix log): ours ${connections.ours} (probe counted ${first.value.connections}), sslscan ${connections.sslscan}`],
  });
  if (s.cliRun) {
    const whole = s.cliRun.median / s.sslscan!.median;
    results.push({
      id: 'cipher-cli-vs-sslscan', title: 'mail-tls probe --ciphers (process) vs sslscan',
      ours: s.cliRun, oursLabel: 'node dist/cli.js probe --ciphers', baseline: s.sslscan!, baselineLabel: 'sslscan --starttls-smtp (process)',
      ratio: whole, target: '<= 0.5', met: whole <= 0.5, notes: [cliArgs.slice(1, 3).join(' ')],
    });
    // testssl.sh takes over a minute: one run, not a loop.
    const testssl = await counted(log, () => timeProcess('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--starttls', 'smtp', `${new URL(url).hostname}:${new URL(url).port}`], 600_000));
    if (testssl.value.code !== null) {
      const baseline = summarize([testssl.value.ms]);
      const ratio = s.cliRun.median / testssl.value.ms;
      results.push({
        id: 'cipher-cli-vs-testssl', title: 'mail-tls probe --ciphers (process) vs testssl.sh (one run)',
        ours: s.cliRun, oursLabel: 'node dist/cli.js probe --ciphers', baseline, baselineLabel: 'testssl --starttls smtp (process, 1 run)',
        ratio, target: '<= 0.01', met: ratio <= 0.01, notes: [`connections (Postfix log): testssl ${testssl.connections}, ours ${connections.ours}, sslscan ${connections.sslscan}`],
      });
    } else {
      // A row that vanished would pass unnoticed: say it was not measured.
      results.push({
        id: 'cipher-cli-vs-testssl', title: 'mail-tls probe --ciphers (process) vs testssl.sh (one run)',
        ours: s.cliRun, oursLabel: 'node dist/cli.js probe --ciphers', baseline: null, baselineLabel: 'testssl --starttls smtp (process, 1 run)',
        ratio: null, target: '<= 0.01', met: null, notes: ['testssl.sh did not finish within 600 s: not measured'],
      });
    }
  }
  return results;
}
