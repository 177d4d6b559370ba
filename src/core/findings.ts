/** Shared by the probe engine and the config checks. */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A finding from a live probe: `detail` says what was seen, so the user can act on it. */
export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
}

export function hasError(findings: readonly { severity: Severity }[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
