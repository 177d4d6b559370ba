/** Service names to TCP ports, as Postfix resolves them through /etc/services. */
import { readFileSync } from 'node:fs';

/** The mail names, so results do not depend on the machine's /etc/services. */
const MAIL_PORTS: Record<string, number> = {
  smtp: 25,
  submission: 587,
  submissions: 465,
  smtps: 465,
  ssmtp: 465,
  urd: 465,
  lmtp: 24,
};

let systemPorts: Map<string, number> | undefined;

function readSystemPorts(): Map<string, number> {
  const map = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync('/etc/services', 'utf8').slice(0, 1 << 20);
  } catch {
    return map;
  }
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9][\w.+-]*)\s+(\d+)\/tcp\b([^#]*)/.exec(line);
    if (!m) continue;
    const port = Number(m[2]);
    for (const name of [m[1]!, ...m[3]!.trim().split(/\s+/)]) if (name && !map.has(name)) map.set(name, port);
  }
  return map;
}

/** The port for a number or service name, or undefined when unknown. */
export function resolvePort(name: string): number | undefined {
  if (/^\d{1,5}$/.test(name)) {
    const n = Number(name);
    return n > 0 && n < 65536 ? n : undefined;
  }
  if (Object.hasOwn(MAIL_PORTS, name)) return MAIL_PORTS[name];
  systemPorts ??= readSystemPorts();
  return systemPorts.get(name);
}

/** Splits an inet service name into host and port: `smtp`, `127.0.0.1:smtp`, `[::1]:10025`. */
export function splitInetService(service: string): { host?: string; portName: string } {
  const colon = service.lastIndexOf(':');
  if (colon < 0) return { portName: service };
  let host = service.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host || undefined, portName: service.slice(colon + 1) };
}
