/**
 * `npm run bench:domain`: one domain check in-process (good.test: two MX hosts with TLSA,
 * SRV submission and imaps, MTA-STS and TLS-RPT; full probes), against the test zones and a
 * validating unbound running in a child process (test/servers/domain). Side by side, Postfix's
 * own DANE check of one of those MX hosts (`posttls-finger -c -l dane`, whole process).
 * Target: the domain check's median under 1 s. Writes bench/results/domain-<time>.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { checkDomain } from '../src/core/domain';
import { domainReportInput, renderReportHtml } from '../src/core/report';
import { alternate, round, timeAsync, timeProcess } from './stats';

const root = resolve(__dirname, '..', '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
const strict = process.argv.includes('--strict');

interface EnvInfo {
  resolver: string;
  caFile: string;
  resolvConf: string;
  dir: string;
}

async function main(): Promise<number> {
  const child = spawn(process.execPath, [join(root, 'out/test/servers/domain/serve.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).once('line', res);
    child.once('exit', (code) => rej(new Error(`the domain environment exited (${code})`)));
  });
  const env = JSON.parse(first) as EnvInfo;
  try {
    const postfixDir = join(env.dir, 'bench-postfix');
    mkdirSync(postfixDir, { recursive: true });
    writeFileSync(join(postfixDir, 'main.cf'), 'compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\ndnssec_probe =\n');
    const stats = { dnsQueries: 0, connections: 0, reportBytes: 0 };
    const result = await alternate({
      'domain check, in-process': async () => {
        const { ms, value } = await timeAsync(() => checkDomain('good.test', { resolvers: [env.resolver], caFile: env.caFile }));
        if (value.findings.some((f) => f.severity === 'error') || value.mx.some((h) => h.addresses.some((a) => a.daneMatch !== true))) {
          throw new Error(`the good domain did not check clean: ${JSON.stringify(value.findings)}`);
        }
        stats.dnsQueries = value.stats.dnsQueries;
        stats.connections = value.stats.connections;
        // The shareable file for this domain, as `mail-tls domain --html` writes it.
        stats.reportBytes = Buffer.byteLength(renderReportHtml(domainReportInput([value])));
        return ms;
      },
      'domain check, no version enumeration or injection test': async () => {
        const { ms } = await timeAsync(() => checkDomain('good.test', { resolvers: [env.resolver], caFile: env.caFile, enumerateVersions: false, checkInjection: false }));
        return ms;
      },
      'posttls-finger -l dane, one MX, whole process': async () => {
        const script = 'mount --bind "$1" /etc/resolv.conf && exec posttls-finger -c -l dane "[mx1.good.test]:25"';
        const r = await timeProcess('env', [`MAIL_CONFIG=${postfixDir}`, 'unshare', '-m', 'sh', '-c', script, 'sh', env.resolvConf]);
        if (!/Verified TLS connection/.test(r.stdout + r.stderr)) throw new Error(`posttls-finger did not verify: ${r.stdout}${r.stderr}`);
        return r.ms;
      },
    }, runs);
    const ours = result['domain check, in-process']!;
    const peer = result['posttls-finger -l dane, one MX, whole process']!;
    console.log('\n| contender | median ms | p90 ms | min | max |');
    console.log('|---|---|---|---|---|');
    for (const [name, s] of Object.entries(result)) console.log(`| ${name} | ${s.median} | ${s.p90} | ${s.min} | ${s.max} |`);
    console.log(`\ndomain check: ${stats.dnsQueries} DNS queries, ${stats.connections} connections (2 MX + 2 SRV targets, full probes, MTA-STS fetch)`);
    console.log(`the exported HTML report of the domain: ${stats.reportBytes} bytes`);
    console.log(`ratio of medians, domain check / posttls-finger on one MX: ${round(ours.median / peer.median)}`);
    const met = ours.median < 1000;
    console.log(`target: median under 1000 ms: ${met ? 'met' : 'MISSED'}`);
    const out = join(root, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `domain-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ runs, cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, stats, result }, null, 2));
    console.log(`samples: ${file}`);
    return strict && !met ? 1 : 0;
  } finally {
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
