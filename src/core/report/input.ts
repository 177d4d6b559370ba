// What a report shows: endpoints (a probe result, its grade, the config lines behind its
// findings) and, for a domain, its MX hosts and DNS findings. Plain data, so the extension can
// post it to the webview and the CLI can render it the same way.
import type { Severity } from '../findings';
import type { ProbeResult } from '../probe/types';
import { gradeEndpoint, type EndpointGrade, type Letter } from './grade';

/** A config finding at a file and line, e.g. the `smtpd_tls_protocols` line behind TLS 1.0. */
export interface LocatedFinding {
  id: string;
  severity: Severity;
  message: string;
  /** Absolute path (the editor opens it); `display` is what the report prints. */
  file: string;
  display: string;
  /** 1-based. */
  line: number;
  /** The probe finding this config line explains, when there is one. */
  explains?: string;
}

export interface EndpointSection {
  result: ProbeResult;
  grade: EndpointGrade;
  located: LocatedFinding[];
}

export interface DnsFindingView {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
}

export interface DomainSection {
  domain: string;
  /** The weakest MX's grade; null when none could be graded. */
  letter: Letter | null;
  reasons: string[];
  mx: { host: string; preference: number | null; targets: string[]; letter: Letter | null }[];
  findings: DnsFindingView[];
}

export interface ReportInput {
  title: string;
  /** ISO time the report was made (validity is judged against the probe's own time). */
  generatedAt: string;
  endpoints: EndpointSection[];
  /** Domains first (each with its weakest MX's grade), then every endpoint. */
  domains: DomainSection[];
}

export interface ReportOptions {
  located?: (target: string) => LocatedFinding[];
  domains?: DomainSection[];
  now?: Date;
  title?: string;
}

export function reportInput(results: readonly ProbeResult[], options: ReportOptions = {}): ReportInput {
  const endpoints = results.map((result) => ({ result, grade: gradeEndpoint(result), located: options.located?.(result.target) ?? [] }));
  const domains = options.domains ?? [];
  const title = options.title ?? (domains.length ? `Mail TLS report: ${domains.map((d) => d.domain).join(', ')}` : results.length === 1 ? `Mail TLS report: ${results[0]!.target}` : `Mail TLS report: ${results.length} endpoints`);
  return { title, generatedAt: (options.now ?? new Date()).toISOString(), endpoints, domains };
}
