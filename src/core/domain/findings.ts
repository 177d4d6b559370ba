// Domain findings: one constructor so that every finding names what it is about.
import { SEVERITY_ORDER, Severity } from '../findings';
import type { DomainFinding, DomainResult } from './types';

export function domainFinding(id: string, severity: Severity, subject: string, title: string, detail: string): DomainFinding {
  return { id, severity, title, detail, subject };
}

/**
 * The domain's findings and every probe's warnings and errors (subject: the probed URL and the
 * host name), errors first: what a report or an exit status weighs.
 */
export function everyFinding(r: DomainResult): DomainFinding[] {
  const probed = [
    ...r.mx.flatMap((h) => h.addresses.map((a) => ({ a, name: h.host }))),
    ...r.srv.flatMap((s) => s.targets.flatMap((t) => t.addresses.map((a) => ({ a, name: t.target })))),
  ];
  const fromProbes = probed.flatMap(({ a, name }) =>
    (a.probe?.findings ?? []).filter((f) => f.severity !== 'info').map((f) => ({ ...f, subject: `${a.probe!.target} (${name})` })),
  );
  return [...r.findings, ...fromProbes].sort((x, y) => SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity]);
}
