/**
 * The endpoints a Postfix config listens on, as probe targets. Which host to probe:
 * - a `host:port` service name: that host;
 * - otherwise each `inet_interfaces` entry: `all` becomes `myhostname` when main.cf sets it
 *   explicitly (so the probe also checks the certificate against that name), else 127.0.0.1;
 *   `loopback-only` and `localhost` become 127.0.0.1 (::1 when `inet_protocols = ipv6`);
 *   addresses and names are used as written, one endpoint per entry.
 */
import { isIPv6 } from 'node:net';
import type { Protocol, TlsMode } from '../../probe/types';
import type { ConfigEndpoint } from '../types';
import type { ParamScope } from './effective';
import { isDisabled, isSmtpd, PostfixService, smtpdTlsLevel } from './services';

/** `global` is main.cf's scope: the master daemon binds by main.cf's settings, not a service's `-o`. */
export function postfixEndpoints(services: PostfixService[], global: ParamScope): ConfigEndpoint[] {
  const out: ConfigEndpoint[] = [];
  const seen = new Set<string>();
  const interfaceHosts = hostsOfInterfaces(global);
  for (const s of services) {
    if (s.type !== 'inet' || s.port === undefined || isDisabled(s)) continue;
    if (!isSmtpd(s) && s.command !== 'postscreen') continue;
    const { protocol, tlsMode } = modeOf(s);
    for (const host of s.host && s.host !== '*' ? [s.host] : interfaceHosts) {
      const target = `${protocol}://${isIPv6(host) ? `[${host}]` : host}:${s.port}`;
      if (seen.has(target)) continue;
      seen.add(target);
      out.push({ target, protocol, tlsMode, server: 'postfix', service: s.name, range: s.range });
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

function hostsOfInterfaces(global: ParamScope): string[] {
  const interfaces = global.effective('inet_interfaces').expanded.split(/[\s,]+/).filter(Boolean);
  // An IPv6-only Postfix listens on ::1, not 127.0.0.1.
  const loopback = global.word('inet_protocols') === 'ipv6' ? '::1' : '127.0.0.1';
  const hosts: string[] = [];
  for (const raw of interfaces.length ? interfaces.slice(0, 64) : ['all']) {
    const entry = raw.replace(/^\[(.*)\]$/, '$1');
    const lower = entry.toLowerCase();
    if (lower === 'all') {
      const name = global.isSet('myhostname') ? global.effective('myhostname').expanded.trim() : '';
      hosts.push(name || loopback);
    } else if (lower === 'loopback-only' || lower === 'localhost') {
      hosts.push(loopback);
    } else {
      hosts.push(entry);
    }
  }
  return [...new Set(hosts)];
}
