/** The benchmark's table on stdout and its JSON record in bench/results/. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from './cases';

const ms = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);

export function formatTable(results: CaseResult[]): string {
  const rows = [['#', 'case', 'ours (median, p90)', 'baseline (median, p90)', 'ratio', 'target', 'result']];
  results.forEach((r, i) => {
    rows.push([
      String(i + 1),
      r.title,
      r.ours ? `${ms(r.ours.median)}, ${ms(r.ours.p90)}  ${r.oursLabel}` : 'not measured',
      r.baseline ? `${ms(r.baseline.median)}, ${ms(r.baseline.p90)}  ${r.baselineLabel}` : r.baselineLabel ? `not measured  ${r.baselineLabel}` : '-',
      r.ratio === null ? '-' : r.ratio.toFixed(2),
      r.target,
      r.met === null ? (r.baselineLabel && !r.baseline ? 'NOT MEASURED' : r.ours ? 'info' : 'n/a') : r.met ? 'MET' : 'MISSED',
    ]);
  });
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  for (const [i, r] of results.entries()) for (const note of r.notes) out.push(`  [${i + 1}] ${note}`);
  return out.join('\n');
}

function toolVersion(command: string, args: string[]): string | null {
  try {
    const text = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return text.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').find((l) => l.trim())?.trim() ?? null;
  } catch {
    return null;
  }
}

export function environment(): Record<string, unknown> {
  return {
    node: process.version,
    kernel: release(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    /** 1-minute load average when the run ended: other work on the machine skews every figure. */
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    openssl: toolVersion('openssl', ['version']),
    sslscan: toolVersion('sslscan', ['--version', '--no-colour'])?.replace(/\s+/g, ' ') ?? null,
    postfix: toolVersion('postconf', ['-d', '-h', 'mail_version']),
    dovecot: toolVersion('dovecot', ['--version']),
  };
}

export function writeResults(dir: string, record: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
