/**
 * Config analysis timings that tests used to hold as budgets 100 times looser than the README's
 * figures: a 10,000-line master.cf next to `postconf -M` reading the same directory, and the
 * pathological inputs of the fuzz tests (a 5,000-deep `$` chain, doubling expansion, 10,000-deep
 * `${x?{...}}` nesting, 10,000-deep Dovecot sections), each timed in-process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from './cases';
import { alternate, timeAsync, timeProcess } from './stats';

type Analyze = (dir: string) => { findings: unknown[] };
type Expand = (value: string, lookup: (name: string) => string | undefined) => { loop?: boolean };
type AnalyzeDovecot = (file: string, options: { checkCertificateFiles: boolean; readText: (p: string) => string | undefined }) => unknown;

function loadAnalyzer(): { analyzePostfix: Analyze; expandValue: Expand; analyzeDovecot: AnalyzeDovecot } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { analyzePostfix } = require('../src/core/config/postfix') as { analyzePostfix: Analyze };
  const { expandValue } = require('../src/core/config/postfix/expand') as { expandValue: Expand };
  const { analyzeDovecot } = require('../src/core/config/dovecot/index') as { analyzeDovecot: AnalyzeDovecot };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { analyzePostfix, expandValue, analyzeDovecot };
}

const masterLines = (n: number) =>
  Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}:${2000 + (i % 60000)} inet n - y - - smtpd\n  -o smtpd_tls_security_level=${i % 2 ? 'may' : 'encrypt'}`).join('\n') + '\n';

/** A 10,000-service master.cf analysed in-process vs `postconf -c dir -M` (a process). */
export async function bigMasterVersusPostconf(runs: number): Promise<CaseResult> {
  const { analyzePostfix } = loadAnalyzer();
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-bench-cf-'));
  try {
    writeFileSync(join(dir, 'main.cf'), 'compatibility_level = 3.6\nsmtpd_tls_security_level = may\n');
    writeFileSync(join(dir, 'master.cf'), masterLines(10_000));
    const postconf = async () => {
      const r = await timeProcess('postconf', ['-c', dir, '-M']);
      if (r.code !== 0) throw new Error(`postconf -M failed: ${r.stderr.trim().slice(0, 200)}`);
      return r.ms;
    };
    const ours = async () => (await timeAsync(async () => analyzePostfix(dir))).ms;
    const s = await alternate({ ours, postconf }, runs);
    return {
      id: 'master-cf-10k-vs-postconf', title: '10,000-service master.cf: parse and check',
      ours: s.ours!, oursLabel: 'analyzePostfix() in-process', baseline: s.postconf!, baselineLabel: 'postconf -M (process)',
      ratio: s.ours!.median / s.postconf!.median, target: '-', met: null,
      notes: ['README: a 10,000-line master.cf in about 30–50 ms'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fuzz tests' worst inputs: how long the analysis takes to refuse them. */
export async function pathologicalConfigs(runs: number): Promise<CaseResult> {
  const { analyzePostfix, expandValue, analyzeDovecot } = loadAnalyzer();
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-bench-cf-'));
  try {
    const deepDovecot = `${'a {\n'.repeat(10_000)}ssl = no\n${'}\n'.repeat(10_000)}ssl_min_protocol = TLSv1.3\n`;
    const chain = Array.from({ length: 5000 }, (_, i) => `p${i} = $p${i + 1} x`).join('\n') + '\nsmtpd_banner = $p0\n';
    const doubling = Array.from({ length: 60 }, (_, i) => `d${i} = $d${i + 1} $d${i + 1} \${d${i + 1}?{$d${i + 1}}}`).join('\n') + '\nd60 = boom\nsmtpd_banner = $d0\n';
    const nested = `${'${x?{'.repeat(10_000)}y${'}}'.repeat(10_000)}`;
    const analyse = (main: string) => async () => {
      writeFileSync(join(dir, 'main.cf'), main);
      writeFileSync(join(dir, 'master.cf'), 'smtp inet n - n - - smtpd -o smtpd_tls_security_level=$d0\n');
      return (await timeAsync(async () => analyzePostfix(dir))).ms;
    };
    const s = await alternate({
      chain: analyse(chain),
      doubling: analyse(doubling),
      nesting: async () => (await timeAsync(async () => expandValue(nested, (n) => (n === 'x' ? 'set' : undefined)))).ms,
      dovecot: async () => (await timeAsync(async () => analyzeDovecot('/virtual/dovecot.conf', { checkCertificateFiles: false, readText: (p) => (p === '/virtual/dovecot.conf' ? deepDovecot : undefined) }))).ms,
    }, runs);
    return {
      id: 'pathological-postfix-configs', title: 'Postfix: 5,000-deep $ chain (ours; the others in notes)',
      ours: s.chain!, oursLabel: 'analyzePostfix() in-process', baseline: null, baselineLabel: '',
      ratio: null, target: '-', met: null,
      notes: [
        `doubling expansion, 60 levels: median ${s.doubling!.median.toFixed(1)} ms`,
        `10,000-deep \${x?{...}} nesting, expandValue(): median ${s.nesting!.median.toFixed(1)} ms`,
        `Dovecot, 10,000-deep sections, analyzeDovecot(): median ${s.dovecot!.median.toFixed(1)} ms`,
        'README: a Postfix plus Dovecot configuration parses and checks in 1–4 ms',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
