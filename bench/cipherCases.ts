/**
 * The cipher scan side by side with sslscan's default run on the test Postfix's port 25
 * (STARTTLS, and testssl.sh once) and on the test Dovecot's IMAPS, with the connections each
 * tool opened counted in the server's own log.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, CaseResult } from './cases';
import { assertProbeOk } from './engine';
import { alternate, summarize, timeAsync, timeProcess } from './stats';

/** Lines of `log` after byte offset `from` that record one connection each. */
function linesSince(log: string, from: number, oneConnection: RegExp): number {
  return readFileSync(log, 'utf8').slice(from).split('\n').filter((l) => oneConnection.test(l)).length;
}

/** An endpoint to scan, the sslscan run to compare with, and how its server's log counts connections. */
interface ScanEndpoint {
  /** In the titles (`port 25`), and appended to the case ids ('' for port 25, whose ids came first). */
  name: string;
  idSuffix: string;
  url: string;
  sslscanArgs: string[];
  log: string;
  /** One line per connection: smtpd's `connect from` for the port-25 service, imap-login's `Disconnected`. */
  oneConnection: RegExp;
}

function sslscanArgs(url: string): string[] {
  const u = new URL(url);
  return ['--no-colour', '--starttls-smtp', `${u.hostname}:${u.port}`];
}

async function counted<T>(where: ScanEndpoint, run: () => Promise<T>): Promise<{ value: T; connections: number }> {
  const from = statSync(where.log).size;
  const value = await run();
  await new Promise((r) => setTimeout(r, 300)); // the last disconnects reach the log
  return { value, connections: linesSince(where.log, from, where.oneConnection) };
}

/** 4: full scan of one endpoint in-process vs sslscan's default run, and the CLI as a process; port 25 and IMAPS. */
export async function cipherScanVersusSslscan(ctx: BenchContext): Promise<CaseResult[]> {
  const smtp = ctx.servers.endpoints.smtp;
  const imaps = ctx.servers.endpoints.imaps;
  const port25: ScanEndpoint = { name: 'port 25', idSuffix: '', url: smtp, sslscanArgs: sslscanArgs(smtp), log: ctx.servers.postfixLog, oneConnection: /postfix\/smtp\/smtpd\[\d+\]: connect from/ };
  // IMAPS: Dovecot starts a login process per connection, so there the server's cost per connection dominates.
  const imapsEndpoint: ScanEndpoint = { name: 'IMAPS', idSuffix: '-imaps', url: imaps, sslscanArgs: ['--no-colour', `${new URL(imaps).hostname}:${new URL(imaps).port}`], log: ctx.servers.dovecotLog, oneConnection: /imap-login: .*Disconnected/ };
  const results = await versusSslscan(ctx, port25, true);
  results.push(...(await versusSslscan(ctx, imapsEndpoint, false)));
  return results;
}

async function versusSslscan(ctx: BenchContext, where: ScanEndpoint, withTestssl: boolean): Promise<CaseResult[]> {
  const { url, name, idSuffix: suffix } = where;
  const runs = ctx.runs;
  const sslscan = async () => {
    const r = await timeProcess('sslscan', where.sslscanArgs);
    if (r.code !== 0 || !/Preferred/.test(r.stdout)) throw new Error(`sslscan failed on ${url}: ${r.stderr.trim()}`);
    return r.ms;
  };
  const connections: Record<string, number> = {};
  connections.sslscan = (await counted(where, sslscan)).connections;
  if (ctx.probe instanceof Error) return [];
  const probe = ctx.probe;
  const options = { caFile: ctx.servers.caFile, servername: ctx.servers.serverName, ciphers: true };
  const first = await counted(where, () => probe(url, options));
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
  const cliIn = (env: NodeJS.ProcessEnv) => async () => {
    const r = await timeProcess(process.execPath, cliArgs, 60_000, env);
    if (r.code !== 0 && r.code !== 1) throw new Error(`CLI exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
    return r.ms;
  };
  // NODE_EXTRA_CA_CERTS makes every Node process read and parse that file before any of its own
  // code runs. Where the environment sets it (not Node's default, nor ours), the CLI is timed
  // without it for the target, and with it as well, on a row of its own.
  const { NODE_EXTRA_CA_CERTS: extraCa, ...clean } = process.env;
  const cliRun = cliIn(clean);
  const contenders: Record<string, () => Promise<number>> = existsSync(cli)
    ? { ours, cliRun, sslscan, ...(extraCa ? { cliWithExtraCa: cliIn(process.env) } : {}) }
    : { ours, sslscan };
  const s = await alternate(contenders, runs);
  const results: CaseResult[] = [];
  const inProcess = s.ours!.median / s.sslscan!.median;
  const sslscanLabel = `sslscan ${where.sslscanArgs.slice(0, -1).join(' ')} (process)`;
  results.push({
    id: `cipher-scan-vs-sslscan${suffix}`, title: `Full cipher scan of ${name} vs sslscan default run`,
    ours: s.ours!, oursLabel: 'probe({ ciphers: true }) in-process', baseline: s.sslscan!, baselineLabel: sslscanLabel,
    ratio: inProcess, target: '<= 0.3', met: inProcess <= 0.3,
    notes: [`${url}; suites per version: ${suites}`, `connections (server log): ours ${connections.ours} (probe counted ${first.value.connections}), sslscan ${connections.sslscan}`],
  });
  if (s.cliRun) {
    const whole = s.cliRun.median / s.sslscan!.median;
    results.push({
      id: `cipher-cli-vs-sslscan${suffix}`, title: `mail-tls probe --ciphers (process) vs sslscan, ${name}`,
      ours: s.cliRun, oursLabel: 'node dist/cli.js probe --ciphers', baseline: s.sslscan!, baselineLabel: sslscanLabel,
      ratio: whole, target: '<= 0.5', met: whole <= 0.5, notes: [cliArgs.slice(1, 3).join(' '), ...(extraCa ? ['without the environment\'s NODE_EXTRA_CA_CERTS (see the next row)'] : [])],
    });
    if (s.cliWithExtraCa) {
      results.push({
        id: `cipher-cli-extra-ca-vs-sslscan${suffix}`, title: `the same with NODE_EXTRA_CA_CERTS as this environment sets it, ${name}`,
        ours: s.cliWithExtraCa, oursLabel: 'NODE_EXTRA_CA_CERTS=... node dist/cli.js probe --ciphers', baseline: s.sslscan!, baselineLabel: sslscanLabel,
        ratio: s.cliWithExtraCa.median / s.sslscan!.median, target: '-', met: null, notes: [`NODE_EXTRA_CA_CERTS=${extraCa}: every Node process parses it at start-up`],
      });
    }
    // testssl.sh takes minutes: one run, not a loop, and on port 25 only.
    if (!withTestssl) return results;
    const testssl = await counted(where, () => timeProcess('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--starttls', 'smtp', `${new URL(url).hostname}:${new URL(url).port}`], 600_000));
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
