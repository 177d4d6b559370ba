// How the CLI says which host a config describes, and why.
import type { ConfigAnalysis } from '../core/config';
import type { ConfigEndpoint } from '../core/config/types';
import { displayPath } from './configArgs';

export function describedHostLine(a: ConfigAnalysis): string {
  const where = `${a.server} ${displayPath(a.root)}`;
  if (!a.host.name) return `${where}: unknown host (${a.host.reason}); its wildcard listeners are not probed — set one with --host\n`;
  return `${where}: host ${a.host.name} (${a.host.source}: ${a.host.reason})\n`;
}

/** The target column: an unknown host is said, never shown as 127.0.0.1. */
export function endpointLabel(e: ConfigEndpoint): string {
  if (e.host.known) return e.target;
  const port = /:(\d+)$/.exec(e.target)?.[1] ?? '?';
  return `${e.protocol}://<unknown host>:${port}`;
}
