// Config core benchmark: parse + check Debian's Postfix files (with the Dovecot tree when it is
// installed) and a 10,000-line synthetic master.cf. Targets: < 10 ms and < 50 ms (median).
//   node bench/config.mjs [--runs N] [--strict]     (needs `tsc -p .` output in out/)
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const entry = resolve(root, 'out/src/core/config/index.js');
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run 'npx tsc -p .' first.`);
  process.exit(1);
}
const { analyzePostfix, analyzeDovecot } = require(entry);

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) || 50 : 50;
const strict = args.includes('--strict');

const DIST = '/usr/share/postfix';
const DOVECOT = '/etc/dovecot/dovecot.conf';

function inMemory(files) {
  return { readText: (p) => files[p] };
}

function measure(fn) {
  for (let i = 0; i < 5; i++) fn();
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  // CPU time next to wall time: on a busy machine the wall clock also counts waiting for a core.
  return { min: times[0], median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], cpu: cpu[Math.floor(cpu.length / 2)] };
}

function syntheticMaster(lines) {
  const out = ['# synthetic master.cf'];
  let port = 10000;
  while (out.length < lines) {
    out.push(`127.0.0.1:${port++} inet n - n - - smtpd`);
    out.push('  -o smtpd_tls_security_level=encrypt');
    out.push('  -o { smtpd_tls_mandatory_protocols = >=TLSv1.2 }');
    out.push('  -o smtpd_sasl_auth_enable=yes');
    out.push('  -o smtpd_client_restrictions=$mua_client_restrictions');
  }
  return out.slice(0, lines).join('\n') + '\n';
}

const results = [];
const missed = [];
function report(name, r, target) {
  const ok = target === undefined || r.median < target;
  if (!ok) missed.push(name);
  results.push({ name, min: r.min, median: r.median, p95: r.p95, cpu: r.cpu, target });
  console.log(`${name.padEnd(58)} min ${r.min.toFixed(2).padStart(6)}  median ${r.median.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms   cpu ${r.cpu.toFixed(2).padStart(7)} ms${target ? `   target < ${target} ms ${ok ? 'ok' : 'MISSED'}` : ''}`);
}

const load = (await import('node:os')).loadavg()[0];
console.log(`== config core (${runs} runs each, after 5 warm-up runs; load average ${load.toFixed(2)})`);
if (existsSync(`${DIST}/main.cf.dist`)) {
  const dir = '/bench/postfix';
  const files = { [`${dir}/main.cf`]: readFileSync(`${DIST}/main.cf.dist`, 'utf8'), [`${dir}/master.cf`]: readFileSync(`${DIST}/master.cf.dist`, 'utf8') };
  const postfix = () => analyzePostfix(dir, inMemory(files));
  report('postfix main.cf.dist + master.cf.dist', measure(postfix));
  const tlsFiles = {
    [`${dir}/main.cf`]: readFileSync(`${DIST}/main.cf.debian`, 'utf8') + readFileSync(`${DIST}/main.cf.tls`, 'utf8'),
    [`${dir}/master.cf`]: files[`${dir}/master.cf`].replace(/^#(?=\S+\s+(inet|unix|pass)\s)/gm, '').replace(/^#(?=\s+-o )/gm, ''),
  };
  report('postfix main.cf.debian+tls, all master.cf services on', measure(() => analyzePostfix(dir, inMemory(tlsFiles))));
  if (existsSync(DOVECOT) && analyzeDovecot) {
    report('dovecot /etc/dovecot tree (from disk)', measure(() => analyzeDovecot(DOVECOT)));
    report('postfix dist files + dovecot tree, together', measure(() => (postfix(), analyzeDovecot(DOVECOT))), 10);
  } else {
    report('postfix dist files (no Dovecot tree installed)', measure(postfix), 10);
  }
} else {
  console.log('Debian postfix files not installed: skipping the dist-file cases');
}
const master = syntheticMaster(10_000);
const big = { '/bench/big/master.cf': master, '/bench/big/main.cf': 'mua_client_restrictions = permit_sasl_authenticated, reject\nsmtpd_tls_chain_files = /nonexistent/key.pem\n' };
report('postfix synthetic master.cf, 10,000 lines (2,000 services)', measure(() => analyzePostfix('/bench/big', inMemory(big))), 50);

if (strict && missed.length > 0) {
  console.error(`missed: ${missed.join(', ')}`);
  process.exit(1);
}
