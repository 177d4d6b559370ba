// A domain's report: every probed MX (and SRV) endpoint graded on its own, the domain graded as
// its weakest MX (a sender may be sent to any of them), and the DNS findings beside the grade.
import type { DomainResult } from '../domain/types';
import type { ProbeResult } from '../probe/types';
import { gradeEndpoint, letterRank, worseOf, type Letter } from './grade';
import { reportInput, type DomainSection, type ReportInput, type ReportOptions } from './input';

export function domainSection(r: DomainResult): DomainSection {
  const mx = r.mx.map((h) => {
    const probes = h.addresses.map((a) => a.probe).filter((p): p is ProbeResult => p !== null);
    const letters = probes.map((p) => gradeEndpoint(p).letter).filter((l): l is Letter => l !== null);
    const letter = letters.length ? letters.reduce(worseOf) : null;
    return { host: h.host, preference: h.preference, targets: probes.map((p) => p.target), letter };
  });
  const graded = mx.filter((m) => m.letter !== null);
  const weakest = graded.length ? graded.reduce((a, b) => (letterRank(b.letter!) > letterRank(a.letter!) ? b : a)) : null;
  const reasons: string[] = [];
  if (weakest) {
    reasons.push(graded.length > 1
      ? `the weakest MX's grade: ${weakest.host} (${weakest.letter}); a sender may deliver to any of the ${graded.length} MX hosts`
      : `the grade of its MX, ${weakest.host}`);
    const unreached = mx.filter((m) => m.letter === null);
    if (unreached.length) reasons.push(`not graded: ${unreached.map((m) => m.host).join(', ')} (no completed probe)`);
  } else reasons.push(r.mxKind === 'null-mx' ? 'no grade: the domain accepts no mail (null MX)' : r.mxKind === 'unreadable' ? 'no grade: the MX records could not be read' : 'no grade: no MX host could be probed');
  const counts = (['error', 'warning'] as const).map((s) => `${r.findings.filter((f) => f.severity === s).length} ${s === 'error' ? 'error(s)' : 'warning(s)'}`);
  reasons.push(`DNS, DANE, MTA-STS and TLS-RPT: ${counts.join(', ')} (listed below; they do not change the grade)`);
  return {
    domain: r.domain,
    letter: weakest?.letter ?? null,
    reasons,
    mx,
    findings: r.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title, detail: f.subject && f.subject !== r.domain ? `${f.subject}: ${f.detail}` : f.detail })),
  };
}

/** Every probe a domain check made: MX addresses first, then the SRV targets. */
export function domainProbes(r: DomainResult): ProbeResult[] {
  const all = [...r.mx.flatMap((h) => h.addresses), ...r.srv.flatMap((s) => s.targets.flatMap((t) => t.addresses))];
  return all.map((a) => a.probe).filter((p): p is ProbeResult => p !== null);
}

export function domainReportInput(results: readonly DomainResult[], options: Omit<ReportOptions, 'domains'> = {}): ReportInput {
  return reportInput(results.flatMap(domainProbes), { ...options, domains: results.map(domainSection) });
}
