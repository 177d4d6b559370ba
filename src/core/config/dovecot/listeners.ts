/**
 * Dovecot's inet listeners and the probe endpoints they make. Listeners Dovecot defines
 * itself (imap 143, imaps 993, ...) count even when the config never names them, as
 * `doveconf` shows. Host choice: the first `listen` address as written; a wildcard (`*`, `::`)
 * is the config root's host (../host.ts), loopback only for this machine's live config.
 */
import type { Protocol, TlsMode } from '../../probe/types';
import { endpointHost, type DescribedHost } from '../host';
import type { ConfigEndpoint, SourceRange } from '../types';
import type { EffectiveConfig, EffectiveSection } from './effective';

export interface DovecotListener {
  service: string;
  name: string;
  /** Dovecot protocol name (`imap`, `pop3`, `sieve`, `lmtp`, `submission`), when it is a mail one. */
  protocol?: string;
  port: number;
  addresses: string[];
  /** `ssl = yes` on the listener: implicit TLS. */
  ssl: boolean;
  /** The global `ssl` in force for the listener's protocol: `no`, `yes` or `required`. */
  globalSsl: string;
  /** How TLS starts here: implicit, STARTTLS offered, or none at all (ssl = no). */
  tls: 'implicit' | 'starttls' | 'none';
  haproxy: boolean;
  enabled: boolean;
  /** Why the listener does not listen (port 0, protocol not enabled, ssl = no...). */
  disabledReason?: string;
  /** False for Dovecot's built-in listeners the config does not mention. */
  declared: boolean;
  /** The inet_listener block (or what stands in for a built-in one). */
  range: SourceRange;
}

const SERVICE_PROTOCOL: Record<string, string> = {
  'imap-login': 'imap',
  'pop3-login': 'pop3',
  'managesieve-login': 'sieve',
  'submission-login': 'submission',
  lmtp: 'lmtp',
};

/** Listeners Dovecot 2.3 defines by default (`doveconf` without a config shows them). */
const BUILT_IN: { service: string; name: string; port: number; ssl: boolean }[] = [
  { service: 'imap-login', name: 'imap', port: 143, ssl: false },
  { service: 'imap-login', name: 'imaps', port: 993, ssl: true },
  { service: 'pop3-login', name: 'pop3', port: 110, ssl: false },
  { service: 'pop3-login', name: 'pop3s', port: 995, ssl: true },
  { service: 'managesieve-login', name: 'sieve', port: 4190, ssl: false },
  { service: 'submission-login', name: 'submission', port: 587, ssl: false },
];

export function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

export function findListeners(config: EffectiveConfig, fallbackRange: SourceRange): DovecotListener[] {
  const out: DovecotListener[] = [];
  const protocolsSetting = config.get('protocols');
  const enabledProtocols = new Set(splitList(protocolsSetting?.value ?? '').filter((p) => p !== 'none'));
  // Dovecot 2.4 boolean-list form: `protocols { imap = yes  pop3 = no }` adds and removes.
  for (const [name, a] of config.global.sections.get('protocols')?.settings ?? []) {
    if (a.value === 'yes') enabledProtocols.add(name);
    else if (a.value === 'no') enabledProtocols.delete(name);
  }
  const services = new Map(config.services().map((s) => [s.name, s]));
  const serviceNames = new Set([...services.keys(), ...BUILT_IN.map((b) => b.service)]);

  for (const serviceName of serviceNames) {
    const service = services.get(serviceName);
    const protocol = service?.settings.get('protocol')?.value || SERVICE_PROTOCOL[serviceName];
    const declaredListeners = service ? [...service.sections.values()].filter((s) => s.type === 'inet_listener') : [];
    const seen = new Set<string>();
    const candidates: { section?: EffectiveSection; name: string; builtIn?: (typeof BUILT_IN)[number] }[] = [];
    for (const section of declaredListeners) {
      seen.add(section.name);
      candidates.push({ section, name: section.name, builtIn: BUILT_IN.find((b) => b.service === serviceName && b.name === section.name) });
    }
    for (const b of BUILT_IN) if (b.service === serviceName && !seen.has(b.name)) candidates.push({ name: b.name, builtIn: b });

    for (const { section, name, builtIn } of candidates) {
      const setting = (key: string) => section?.settings.get(key)?.value;
      const portText = setting('port');
      const port = portText !== undefined ? Number.parseInt(portText, 10) || 0 : (builtIn?.port ?? 0);
      const sslText = setting('ssl');
      const ssl = sslText !== undefined ? /^(yes|y|1)$/i.test(sslText) : (builtIn?.ssl ?? false);
      const address = setting('address');
      const listen = config.get('listen', protocol ? { protocol } : {})?.value ?? '*, ::';
      const addresses = splitList(address || listen);
      const globalSsl = config.get('ssl', protocol ? { protocol } : {})?.value ?? 'yes';
      const range = section?.decls[0]?.range ?? service?.decls[0]?.range ?? protocolsSetting?.range ?? fallbackRange;
      const tls = globalSsl === 'no' ? 'none' : ssl ? 'implicit' : 'starttls';
      const listener: DovecotListener = { service: serviceName, name, port, addresses, ssl, globalSsl, tls, haproxy: /^(yes|y|1)$/i.test(setting('haproxy') ?? ''), enabled: true, declared: section !== undefined, range };
      if (protocol) listener.protocol = protocol;
      const reason =
        port <= 0 ? 'port = 0 disables it'
        : protocol && SERVICE_PROTOCOL[serviceName] && !enabledProtocols.has(protocol) ? `protocol ${protocol} is not in "protocols"`
        : addresses.length === 0 ? 'no listen address'
        : ssl && globalSsl === 'no' ? 'ssl = no disables TLS listeners'
        : undefined;
      if (reason) {
        listener.enabled = false;
        listener.disabledReason = reason;
      }
      out.push(listener);
    }
  }
  return out;
}

/** Probe host for a listen address: wildcards map to loopback. */
export function probeHost(address: string): string {
  const a = address.replace(/^\[(.*)\]$/, '$1');
  if (a === '*' || a === '0.0.0.0') return '127.0.0.1';
  if (a === '::') return '::1';
  return a;
}

function endpointKind(protocol: string, ssl: boolean): { protocol: Protocol; tlsMode: TlsMode } | undefined {
  switch (protocol) {
    case 'imap':
      return ssl ? { protocol: 'imaps', tlsMode: 'implicit' } : { protocol: 'imap', tlsMode: 'starttls' };
    case 'pop3':
      return ssl ? { protocol: 'pop3s', tlsMode: 'implicit' } : { protocol: 'pop3', tlsMode: 'starttls' };
    case 'submission':
      return ssl ? { protocol: 'smtps', tlsMode: 'implicit' } : { protocol: 'submission', tlsMode: 'starttls' };
    case 'sieve':
      return ssl ? undefined : { protocol: 'sieve', tlsMode: 'starttls' };
    case 'lmtp':
      return ssl ? undefined : { protocol: 'lmtp', tlsMode: 'starttls' };
    default:
      return undefined;
  }
}

export function endpointsOf(listeners: DovecotListener[], rootHost: DescribedHost): ConfigEndpoint[] {
  const out: ConfigEndpoint[] = [];
  for (const l of listeners) {
    if (!l.enabled || l.haproxy || !l.protocol) continue;
    const kind = endpointKind(l.protocol, l.ssl);
    if (!kind) continue;
    const written = (l.addresses[0] ?? '*').replace(/^\[(.*)\]$/, '$1');
    const loopback = probeHost(written);
    const host = endpointHost(written, rootHost, loopback === '::1' ? '::1' : '127.0.0.1');
    const address = host.name ?? loopback;
    const hostPart = address.includes(':') ? `[${address}]` : address;
    out.push({ target: `${kind.protocol}://${hostPart}:${l.port}`, protocol: kind.protocol, tlsMode: kind.tlsMode, server: 'dovecot', service: `${l.service}/${l.name}`, range: l.range, host });
  }
  return out;
}
