/**
 * The host a config describes: which machine its endpoints are on. A folder of configs copied
 * from other servers must not turn every wildcard listener into a 127.0.0.1 endpoint.
 *
 * Order, first that applies:
 * 1. `user`: the host the user set for the config root (`hosts` option, editor setting, CLI `--host`);
 * 2. `live`: the root is this machine's live /etc/postfix or /etc/dovecot (real paths compared),
 *    so wildcard listeners are reached on loopback;
 * 3. `config`: a name the config gives (Postfix `myhostname`, Dovecot `hostname`);
 * 4. `certificate`: the first DNS name of the configured certificate, when the file is readable;
 * 5. `unknown`: endpoints carry `host.known = false` and callers do not probe them.
 * Listeners bound to an address written in the config (a master.cf `host:port`, an
 * `inet_interfaces` or `listen` entry) are probed at that address whatever the root's host.
 */
import { realpathSync } from 'node:fs';
import { hostname as systemHostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { DescribedHost, EndpointHost, SourceRange } from './types';
import { isTemplateValue } from './templates';

export type { DescribedHost, EndpointHost, HostSource } from './types';

export interface HostOptions {
  /**
   * Host per config root, set by the user: keys are config directories (/srv/cfg/postfix) or
   * Dovecot root files; a Dovecot root file also matches its directory.
   */
  hosts?: Readonly<Record<string, string>>;
  /** Host for every root without its own entry in `hosts` (the CLI's `--host NAME`). */
  defaultHost?: string;
  /** This machine's live config folders. Default: /etc/postfix and /etc/dovecot. */
  liveRoots?: readonly string[];
}

export const DEFAULT_LIVE_ROOTS: readonly string[] = ['/etc/postfix', '/etc/dovecot'];

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The directory a root stands for: the Postfix config dir, the Dovecot root file's dir. */
export function rootDirectory(root: string, server: 'postfix' | 'dovecot'): string {
  return server === 'dovecot' ? dirname(resolve(root)) : resolve(root);
}

/** True when `root` is this machine's live config folder (compared by real path). */
export function isLiveRoot(root: string, server: 'postfix' | 'dovecot', options: HostOptions = {}): boolean {
  const dir = real(rootDirectory(root, server));
  return (options.liveRoots ?? DEFAULT_LIVE_ROOTS).some((r) => real(r) === dir);
}

/** The host the user set for this root, if any (keys compared by real path). */
export function userHostFor(root: string, server: 'postfix' | 'dovecot', options: HostOptions = {}): string | undefined {
  const candidates = new Set([real(root), real(rootDirectory(root, server))]);
  for (const [key, host] of Object.entries(options.hosts ?? {})) {
    const name = host.trim();
    if (name && candidates.has(real(key))) return name;
  }
  return options.defaultHost?.trim() || undefined;
}

/** A name the config gives, accepted only when it looks like a host name, not a template. */
export function plausibleHostName(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v || isTemplateValue(v) || /[\s$%{}<>]/.test(v)) return undefined;
  return /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(v) ? v.replace(/\.$/, '') : undefined;
}

/** The root's host, before certificates are read; `named` is the config's own host setting. */
export function describeHost(
  root: string,
  server: 'postfix' | 'dovecot',
  named: { setting: string; value?: string; range?: SourceRange } | undefined,
  options: HostOptions = {},
): DescribedHost {
  const user = userHostFor(root, server, options);
  if (user) return { name: user, source: 'user', reason: `host set for ${rootDirectory(root, server)}` };
  if (isLiveRoot(root, server, options)) return { name: systemHostname() || 'localhost', source: 'live', reason: `${rootDirectory(root, server)} is this machine's live config` };
  const name = plausibleHostName(named?.value);
  if (name && named) {
    const out: DescribedHost = { name, source: 'config', reason: `${named.setting} = ${name}` };
    if (named.range) out.range = named.range;
    return out;
  }
  return { source: 'unknown', reason: `no host known for ${rootDirectory(root, server)}: not this machine's live config, the config names none and none is set` };
}

/** When no name is known yet: the first DNS name of a configured certificate (not a wildcard). */
export function hostFromCertificate(host: DescribedHost, subjectAltNames: readonly string[][]): DescribedHost {
  if (host.source !== 'unknown') return host;
  for (const sans of subjectAltNames) {
    for (const san of sans) {
      const m = /^DNS:(.+)$/.exec(san.trim());
      const name = m ? plausibleHostName(m[1]) : undefined;
      if (name) return { name, source: 'certificate', reason: `the configured certificate names ${name}` };
    }
  }
  return host;
}

const WILDCARDS = new Set(['*', '0.0.0.0', '::', '[::]', 'all']);

/**
 * Where a listener bound to `address` is probed. A wildcard goes to the root's host (loopback on
 * the live machine); any written address is used as written.
 */
export function endpointHost(address: string, root: DescribedHost, loopback: string): EndpointHost {
  const a = address.trim();
  if (!WILDCARDS.has(a.toLowerCase())) return { known: true, name: a, source: 'binding', reason: `bound to ${a} in the config` };
  if (root.source === 'live') return { known: true, name: loopback, source: 'live', reason: root.reason };
  if (root.name) return { known: true, name: root.name, source: root.source, reason: root.reason };
  return { known: false, source: 'unknown', reason: root.reason };
}

/**
 * Host names a configured certificate should cover: the name the config gives when it gives
 * one; otherwise the user's host, or this machine's name for the live folder only. A copied
 * config is never checked against the editor's machine.
 */
export function certificateNames(root: DescribedHost, configured?: { name: string; range?: SourceRange }): { name: string; range?: SourceRange }[] {
  if (configured?.name.trim()) return [configured];
  if ((root.source === 'user' || root.source === 'live') && root.name) return [{ name: root.name }];
  return [];
}
