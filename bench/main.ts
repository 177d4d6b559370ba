/**
 * `npm run bench` (through bench/run.mjs, which builds first): starts a private Postfix and
 * Dovecot, compares the probe engine with openssl s_client and sslscan on the same endpoints,
 * prints one table and writes the samples to bench/results/.
 */
import { cipherScanVersusSslscan } from './cipherCases';
import { join } from 'node:path';
import { REPO_ROOT, startServers, stopServers } from '../test/servers/instance';
import { cliProcess, eightAtOnce, fullProbeVersusSslscan, starttlsVersusOpenssl, type BenchContext, type CaseResult } from './cases';
import { bigMasterVersusPostconf, pathologicalConfigs } from './configCases';
import { loadProbe } from './engine';
import { environment, formatTable, writeResults } from './report';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number`);
  return value;
}

async function main(args: string[]): Promise<number> {
  const runs = option(args, '--runs', 30);
  const strict = args.includes('--strict');
  // `--only cipher`: the cipher scan cases alone (sslscan and testssl.sh beside), a few minutes instead of a quarter hour.
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== undefined && only !== 'cipher') throw new Error('--only takes: cipher');
  const stateFile = join(REPO_ROOT, '.test-run', 'bench-servers.json');
  const stop = () => stopServers(stateFile);
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));

  const servers = await startServers(stateFile);
  const results: CaseResult[] = [];
  try {
    const ctx: BenchContext = { servers, probe: loadProbe(), runs, repoRoot: REPO_ROOT };
    if (ctx.probe instanceof Error) console.log(`note: ${ctx.probe.message}; measuring the baselines only`);
    for (const run of only ? [] : [starttlsVersusOpenssl, cliProcess, fullProbeVersusSslscan, eightAtOnce]) {
      process.stdout.write(`measuring: ${run.name} ...\n`);
      results.push(await run(ctx, results));
    }
    process.stdout.write('measuring: cipherScanVersusSslscan (and testssl.sh once) ...\n');
    results.push(...(await cipherScanVersusSslscan(ctx)));
    for (const run of only ? [] : [bigMasterVersusPostconf, pathologicalConfigs]) {
      process.stdout.write(`measuring: ${run.name} ...\n`);
      results.push(await run(Math.max(5, Math.ceil(runs / 3))));
    }
  } finally {
    await stop();
  }
  console.log(`\nMail TLS Inspector benchmark (${runs} runs per contender, local Postfix/Dovecot)\n`);
  console.log(formatTable(results));
  const env = environment();
  const file = writeResults(join(REPO_ROOT, 'bench', 'results'), { date: new Date().toISOString(), runs, environment: env, results });
  console.log(`\n${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadAverage}, Node ${env.node}, ${env.openssl}\nsamples in ${file}`);
  const missed = results.filter((r) => r.met === false).length;
  return strict && missed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
