/**
 * The endpoints a Postfix config listens on, as probe targets. Which host to probe:
 * - a `host:port` service name: that host;
 * - otherwise each `inet_interfaces` entry: `all` is the config root's host (see ../host.ts:
 *   loopback on the live /etc/postfix, else the user's host, `myhostname`, the certificate's
 *   name, or unknown); `loopback-only` and `localhost` become 127.0.0.1 (::1 when
 *   `inet_protocols = ipv6`); addresses and names are used as written, one endpoint per entry.
 */
import { isIPv6 } from 'node:net';
import type { Protocol, TlsMode } from '../../probe/types';
import { endpointHost, type DescribedHost } from '../host';
import type { ConfigEndpoint } from '../types';
import type { ParamScope } from './effective';
import { isDisabled, isSmtpd, PostfixService, smtpdTlsLevel } from './services';

/** `global` is main.cf's scope: the master daemon binds by main.cf's settings, not a service's `-o`. */
export function postfixEndpoints(services: PostfixService[], global: ParamScope, rootHost: DescribedHost): ConfigEndpoint[] {
  const out: ConfigEndpoint[] = [];
  const seen = new Set<string>();
  const loopback = loopbackOf(global);
  const interfaces = interfaceEntries(global);
  for (const s of services) {
    if (s.type !== 'inet' || s.port === undefined || isDisabled(s)) continue;
    if (!isSmtpd(s) && s.command !== 'postscreen') continue;
    const { protocol, tlsMode } = modeOf(s);
    for (const entry of s.host && s.host !== '*' ? [s.host] : interfaces) {
      const host = endpointHost(entry, rootHost, loopback);
      const address = host.name ?? loopback;
      const target = `${protocol}://${isIPv6(address) ? `[${address}]` : address}:${s.port}`;
      if (seen.has(target)) continue;
      seen.add(target);
      out.push({ target, protocol, tlsMode, server: 'postfix', service: s.name, range: s.range, host });
    }
  }
  return out;
}

function modeOf(s: PostfixService): { protocol: Protocol; tlsMode: TlsMode } {
  if (isSmtpd(s) && s.scope.word('smtpd_tls_wrappermode') === 'yes') return { protocol: 'smtps', tlsMode: 'implicit' };
  if (s.port === 25) return { protocol: 'smtp', tlsMode: 'starttls' };
  if (s.port === 587) return { protocol: 'submission', tlsMode: 'starttls' };
  if (isSmtpd(s) && smtpdTlsLevel(s.scope) === 'encrypt') return { protocol: 'submission', tlsMode: 'starttls' };
  return { protocol: 'smtp', tlsMode: 'starttls' };
}

/** An IPv6-only Postfix listens on ::1, not 127.0.0.1. */
function loopbackOf(global: ParamScope): string {
  return global.word('inet_protocols') === 'ipv6' ? '::1' : '127.0.0.1';
}

/** `inet_interfaces` entries: `all` kept as the wildcard, loopback keywords as the address. */
function interfaceEntries(global: ParamScope): string[] {
  const interfaces = global.effective('inet_interfaces').expanded.split(/[\s,]+/).filter(Boolean);
  const loopback = loopbackOf(global);
  const out: string[] = [];
  for (const raw of interfaces.length ? interfaces.slice(0, 64) : ['all']) {
    const entry = raw.replace(/^\[(.*)\]$/, '$1');
    const lower = entry.toLowerCase();
    out.push(lower === 'all' ? 'all' : lower === 'loopback-only' || lower === 'localhost' ? loopback : entry);
  }
  return [...new Set(out)];
}

/** True when every address a service binds to is loopback: only local clients reach it. */
export function loopbackOnly(s: PostfixService, global: ParamScope): boolean {
  const entries = s.host && s.host !== '*' ? [s.host] : interfaceEntries(global);
  return entries.length > 0 && entries.every(isLoopbackAddress);
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return /^127\./.test(a) || a === '::1' || a === 'localhost' || a === '::ffff:127.0.0.1';
}
