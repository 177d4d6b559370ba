// The one verdict on an endpoint, shown by the explorer, the hover and the probe summary:
// its probe's outcome made worse by the findings that join its config with the live result
// (a server that contradicts its config is no pass).
import type { Severity } from './findings';

export type EndpointStatus = 'unprobed' | 'running' | 'passed' | 'warning' | 'failed';

export interface EndpointState {
  running?: boolean;
  /** The last probe could not produce a result (bad target, engine error). */
  errored?: boolean;
  /** The last probe's result. */
  result?: { readonly ok: boolean; readonly findings: readonly { readonly severity: Severity }[] };
  /** Findings from the config + live join for this endpoint. */
  joined?: readonly { readonly severity: Severity }[];
}

export function endpointStatus(state: EndpointState): EndpointStatus {
  if (state.running) return 'running';
  if (state.errored) return 'failed';
  if (!state.result) return 'unprobed';
  if (!state.result.ok) return 'failed';
  const severities = [...state.result.findings, ...(state.joined ?? [])].map((f) => f.severity);
  if (severities.includes('error')) return 'failed';
  return severities.includes('warning') ? 'warning' : 'passed';
}
