// Target URLs (`smtp://host:25`, `imaps://[::1]`) to ProbeTarget.
import { isIP } from 'node:net';
import type { Dialect, ProbeTarget, Protocol, TlsMode } from './types';

interface SchemeInfo {
  port: number;
  tlsMode: TlsMode;
  dialect: Dialect;
}

export const SCHEMES: Record<Protocol, SchemeInfo> = {
  smtp: { port: 25, tlsMode: 'starttls', dialect: 'smtp' },
  submission: { port: 587, tlsMode: 'starttls', dialect: 'smtp' },
  lmtp: { port: 24, tlsMode: 'starttls', dialect: 'lmtp' },
  smtps: { port: 465, tlsMode: 'implicit', dialect: 'smtp' },
  imap: { port: 143, tlsMode: 'starttls', dialect: 'imap' },
  imaps: { port: 993, tlsMode: 'implicit', dialect: 'imap' },
  pop3: { port: 110, tlsMode: 'starttls', dialect: 'pop3' },
  pop3s: { port: 995, tlsMode: 'implicit', dialect: 'pop3' },
  sieve: { port: 4190, tlsMode: 'starttls', dialect: 'sieve' },
};

const SCHEME_LIST = Object.keys(SCHEMES).join(', ');
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** Formats host and port as they appear in a URL (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses a target URL; throws an Error that says what is wrong with it. */
export function parseTarget(input: string): ProbeTarget {
  const text = input.trim();
  const match = /^([A-Za-z0-9+.-]+):\/\/(.*)$/.exec(text);
  if (!match) throw new Error(`'${input}' is not a target URL: expected scheme://host[:port] (schemes: ${SCHEME_LIST})`);
  const scheme = match[1]!.toLowerCase();
  if (!Object.hasOwn(SCHEMES, scheme)) {
    throw new Error(`'${input}': unknown scheme '${scheme}' (expected one of ${SCHEME_LIST})`);
  }
  const protocol = scheme as Protocol;
  const info = SCHEMES[protocol];
  const rest = match[2]!.replace(/\/$/, '');
  if (/[/?#@]/.test(rest)) throw new Error(`'${input}': a target is scheme://host[:port], without user, path or query`);

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new Error(`'${input}': unclosed '[' in an IPv6 address`);
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new Error(`'${input}': unexpected text after ']'`);
    portText = after === '' ? undefined : after.slice(1);
    if (isIP(host) !== 6) throw new Error(`'${input}': '${host}' is not an IPv6 address`);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) throw new Error(`'${input}': write an IPv6 address in brackets, e.g. ${scheme}://[::1]`);
    host = parts[0]!;
    portText = parts[1];
    if (host === '') throw new Error(`'${input}': the host is missing`);
    if (isIP(host) === 0 && !HOSTNAME.test(host)) throw new Error(`'${input}': '${host}' is not a valid host name`);
  }

  let port = info.port;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error(`'${input}': port '${portText}' is not a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  host = host.toLowerCase();
  return { url: `${protocol}://${hostPort(host, port)}`, protocol, tlsMode: info.tlsMode, dialect: info.dialect, host, port };
}
