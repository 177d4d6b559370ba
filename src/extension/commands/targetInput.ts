// What the "Probe Endpoint…" input accepts: a target URL, or a host (optionally with a port)
// whose protocol is picked next. Pure: no vscode.
import { parseTarget, SCHEMES } from '../../core/probe/target';
import type { Protocol } from '../../core/probe/types';

export function splitHostPort(text: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return bracketed[2] ? { host: bracketed[1]!, port: Number(bracketed[2]) } : { host: bracketed[1]! };
  const plain = /^([^:]+):(\d+)$/.exec(text);
  if (plain) return { host: plain[1]!, port: Number(plain[2]) };
  return { host: text };
}

/** The canonical target for a host (and port, else the protocol's own) spoken to with `protocol`. */
export function targetFor(host: string, port: number | undefined, protocol: Protocol): string {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return parseTarget(`${protocol}://${hostPart}:${port ?? SCHEMES[protocol].port}`).url;
}

/** Why the input is not usable, or undefined when it is. */
export function inputProblem(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'Enter a URL or a host name';
  try {
    if (text.includes('://')) parseTarget(text);
    else {
      const { host, port } = splitHostPort(text);
      targetFor(host, port, 'smtp');
    }
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
