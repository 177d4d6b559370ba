/** master.cf services with their effective settings (main.cf overridden by `-o`). */
import type { SourceRange } from '../types';
import { EffectiveValue, ParamScope } from './effective';
import type { MainCfDocument } from './mainCf';
import type { MasterCfDocument, MasterEntry } from './masterCf';
import { resolvePort, splitInetService } from './ports';

/** What a listener is for, which decides how strict its TLS must be. */
export type ServiceRole = 'mx' | 'submission' | 'submissions' | 'other';

export type TlsLevel = 'none' | 'may' | 'encrypt' | 'other';

export interface PostfixService {
  /** Column 1 as written, e.g. `submission` or `127.0.0.1:10587`. */
  name: string;
  type: string;
  /** Column 8, e.g. `smtpd`, `postscreen`. */
  command: string;
  /** inet services: the host part of the name, when there is one. */
  host?: string;
  /** inet services: the resolved port; undefined when the name does not resolve. */
  port?: number;
  /** The whole service line. */
  range: SourceRange;
  entry: MasterEntry;
  role: ServiceRole;
  /** `-o` over main.cf over Postfix's defaults, expanded. */
  effective(name: string): EffectiveValue;
  scope: ParamScope;
}

export function buildServices(main: MainCfDocument | undefined, master: MasterCfDocument | undefined, version: string, global?: ParamScope): PostfixService[] {
  if (!master) return [];
  const behindPostscreen = master.entries.some((e) => e.type === 'inet' && e.command === 'postscreen');
  return master.entries.map((entry) => {
    const scope = new ParamScope(main, entry.options, version, { name: entry.service, command: entry.command }, global);
    let host: string | undefined;
    let port: number | undefined;
    if (entry.type === 'inet') {
      const split = splitInetService(entry.service);
      host = split.host;
      port = resolvePort(split.portName);
    }
    const role = serviceRole(entry, port, scope, behindPostscreen);
    return {
      name: entry.service,
      type: entry.type,
      command: entry.command,
      host,
      port,
      range: entry.range,
      entry,
      role,
      scope,
      effective: (name: string) => scope.effective(name),
    };
  });
}

function serviceRole(entry: MasterEntry, port: number | undefined, scope: ParamScope, behindPostscreen: boolean): ServiceRole {
  if (entry.command === 'smtpd' && scope.word('smtpd_tls_wrappermode') === 'yes') return 'submissions';
  if (port === 25) return 'mx';
  if (port === 587) return 'submission';
  if (port === 465) return 'submissions';
  // The smtpd that postscreen hands port 25 connections to.
  if (entry.type === 'pass' && behindPostscreen) return 'mx';
  return 'other';
}

/** smtpd's TLS level, honouring the deprecated `smtpd_use_tls`/`smtpd_enforce_tls` when the level is empty. */
export function smtpdTlsLevel(scope: ParamScope): TlsLevel {
  const level = scope.word('smtpd_tls_security_level');
  if (level === 'none' || level === 'may' || level === 'encrypt') return level;
  if (level) return 'other';
  if (scope.word('smtpd_enforce_tls') === 'yes') return 'encrypt';
  if (scope.word('smtpd_use_tls') === 'yes') return 'may';
  return 'none';
}

export function tlsRequired(service: PostfixService): boolean {
  return service.scope.word('smtpd_tls_wrappermode') === 'yes' || smtpdTlsLevel(service.scope) === 'encrypt';
}

export function tlsOffered(service: PostfixService): boolean {
  return service.scope.word('smtpd_tls_wrappermode') === 'yes' || smtpdTlsLevel(service.scope) !== 'none';
}

/** Services that run the SMTP server (the ones whose TLS settings matter). */
export function isSmtpd(service: PostfixService): boolean {
  return service.command === 'smtpd';
}

/** `master_service_disable` switches services off by `name.type` or by type. */
export function isDisabled(service: PostfixService): boolean {
  const list = service.scope.effective('master_service_disable').expanded.split(/[\s,]+/).filter(Boolean);
  return list.includes(service.type) || list.includes(`${service.name}.${service.type}`);
}
