// One config analysis as the worker thread runs it: unsaved buffers first, then the disk, with a
// size cap that reports itself, a per-file cap on findings, and only plain data in the result
// (it crosses the thread boundary). The parsed analyses stay in the worker for the hover.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { analyzePath, type ConfigAnalysis } from '../../core/config';
import { insideRoots, notCheckedMessage } from '../../core/config/readScope';
import type { ConfigEndpoint, ConfigFinding, DescribedHost } from '../../core/config/types';
import { SEVERITY_ORDER } from '../../core/findings';
import { MAX_CONFIG_BYTES } from '../../core/defaults';
import type { JoinEndpoint } from '../../core/live/joinFindings';
import { buildJoinEndpoints } from '../../core/live/joinInputs';
import type { OutboundDane } from '../../core/live/daneResolverJoin';

/** Larger files are not analysed; a warning at their first line says so. */
/** Past this many findings in one file, a note says how many more there are. */
export const MAX_FINDINGS_PER_FILE = 1000;

export interface AnalysisRequest {
  /** The file the analysis starts from. */
  root: string;
  /** Unsaved editor buffers by absolute path: they win over the disk. */
  overrides: Record<string, string>;
  expiryWarningDays: number;
  /** mailTls.configHosts: the host per config root (absolute directory or dovecot.conf). */
  hosts?: Record<string, string>;
  /** Finding ids to suppress everywhere (`mailTls.lint.ignore`). */
  ignore?: string[];
  /** `mailTls.caFile`: private roots for the chain check of configured certificates. */
  caFile?: string;
  /** Restricted mode: only files under these folders are opened. Absent: every file. */
  readableRoots?: string[];
}

/** One config root an analysis read: a Postfix directory, or a Dovecot root file with its includes. */
export interface AnalysedRoot {
  server: 'postfix' | 'dovecot';
  /** The Postfix config directory, or the Dovecot root file. */
  root: string;
  /** The host this root describes, and why. */
  host: DescribedHost;
  /** Every file of the root that was read (main.cf and master.cf; dovecot.conf and its includes). */
  files: string[];
}

export interface AnalysisData {
  root: string;
  /** The config roots analysed (one per server found); endpoints belong to theirs by `server`. */
  roots: AnalysedRoot[];
  /** Every file the analysis asked for (the root, its includes, main.cf's master.cf ...). */
  reads: string[];
  findings: ConfigFinding[];
  endpoints: ConfigEndpoint[];
  /** What each declared endpoint's config says, for joining with its live result. */
  joins: JoinEndpoint[];
  /** Postfix main.cf's outbound DANE level and where it is set, when it is dane or dane-only. */
  outboundDane?: OutboundDane;
  elapsedMs: number;
}

export function runAnalysis(request: AnalysisRequest): { data: AnalysisData; analyses: ConfigAnalysis[] } {
  const started = performance.now();
  const reads = new Set<string>();
  const tooLarge = new Map<string, number>();
  const mayRead = request.readableRoots ? insideRoots(request.readableRoots) : undefined;
  const outside = new Set<string>();
  const readText = (path: string): string | undefined => {
    reads.add(path);
    // A config file reached through a link out of the workspace is not opened either.
    if (mayRead && !mayRead(path)) {
      outside.add(path);
      return '';
    }
    const buffered = request.overrides[path];
    if (buffered !== undefined) {
      if (buffered.length <= MAX_CONFIG_BYTES) return buffered;
      tooLarge.set(path, buffered.length);
      return '';
    }
    try {
      const st = statSync(path);
      if (!st.isFile()) return undefined;
      if (st.size > MAX_CONFIG_BYTES) {
        tooLarge.set(path, st.size);
        return '';
      }
      return readFileSync(path, 'latin1');
    } catch {
      return undefined;
    }
  };
  const caPem = request.caFile ? readCaPem(request.caFile) : undefined;
  const analyses = analyzePath(request.root, { readText, expiryWarningDays: request.expiryWarningDays, ...(caPem ? { caPem } : {}), ...(request.ignore?.length ? { ignore: request.ignore } : {}), ...(request.hosts ? { hosts: request.hosts } : {}), ...(mayRead ? { mayRead } : {}) });
  const endpoints = analyses.flatMap((a) => a.endpoints);
  const findings = capPerFile(analyses.flatMap((a) => a.findings));
  for (const [file, size] of tooLarge) findings.unshift(tooLargeFinding(file, size));
  for (const file of outside) findings.unshift({ id: 'config-not-checked', severity: 'info', message: notCheckedMessage(file), range: firstLine(file), docUrl: serverDocs(file) });
  const joins = buildJoinEndpoints({ analyses }, endpoints);
  const roots = analyses.map((a): AnalysedRoot => ({ server: a.server, root: a.root, host: a.host, files: a.files }));
  const data: AnalysisData = { root: request.root, roots, reads: [...reads], findings, endpoints, joins, elapsedMs: Math.round(performance.now() - started) };
  const outboundDane = outboundDaneOf(analyses);
  if (outboundDane) data.outboundDane = outboundDane;
  return { data, analyses };
}

/** Keeps the first findings of each file (errors first) and adds a note with the rest's count. */
export function capPerFile(findings: ConfigFinding[], max = MAX_FINDINGS_PER_FILE): ConfigFinding[] {
  const byFile = new Map<string, ConfigFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.range.file);
    if (list) list.push(f);
    else byFile.set(f.range.file, [f]);
  }
  const out: ConfigFinding[] = [];
  for (const [file, list] of byFile) {
    if (list.length <= max) {
      out.push(...list);
      continue;
    }
    const kept = [...list].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]).slice(0, max);
    out.push(...kept, {
      id: 'findings-capped',
      severity: 'info',
      message: `${list.length - max} more findings in this file are not listed (the first ${max} are shown, errors first).`,
      range: firstLine(file),
      docUrl: serverDocs(file),
    });
  }
  return out;
}

function tooLargeFinding(file: string, size: number): ConfigFinding {
  const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return {
    id: 'config-too-large',
    severity: 'warning',
    message: `This file is ${mib(size)} MiB, over the ${mib(MAX_CONFIG_BYTES)} MiB Mail TLS analyses: it was not checked.`,
    range: firstLine(file),
    docUrl: serverDocs(file),
  };
}

const firstLine = (file: string) => ({ file, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });

function serverDocs(file: string): string {
  return /^(main|master)\.cf/.test(basename(file)) ? 'https://www.postfix.org/postconf.5.html' : 'https://doc.dovecot.org/';
}

function outboundDaneOf(analyses: readonly ConfigAnalysis[]): OutboundDane | undefined {
  for (const a of analyses) {
    const level = a.postfix?.global.effective('smtp_tls_security_level');
    const word = level?.expanded.trim().toLowerCase();
    if (level?.range && (word === 'dane' || word === 'dane-only')) return { level: word, range: level.range };
  }
  return undefined;
}

/** The CA file is the user's own setting (not a workspace file's): read up to 1 MiB, PEM only. */
function readCaPem(path: string): string | undefined {
  try {
    if (statSync(path).size > 1024 * 1024) return undefined;
    const text = readFileSync(path, 'latin1');
    return text.includes('-----BEGIN CERTIFICATE-----') ? text : undefined;
  } catch {
    return undefined;
  }
}
