// The `mailTls.*` settings, typed, read per resource (most are `resource`-scoped).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_EXPIRY_WARNING_DAYS } from '../core/defaults';
import type { PhaseTimeouts } from '../core/probe/types';

export const SECTION = 'mailTls';

export interface MailTlsSettings {
  timeouts: Partial<PhaseTimeouts>;
  /** Absolute path, or undefined when unset. */
  caFile: string | undefined;
  expiryWarningDays: number;
  probeOnOpen: boolean;
  probeOnSave: boolean;
  checkInjection: boolean;
  /** Finding ids not to show (`mailTls.lint.ignore`); the analysis counts them as suppressed. */
  lintIgnore: string[];
  /** When the cipher scan runs: for a probe of one endpoint only (default), always, or never. */
  cipherScan: 'single' | 'always' | 'never';
}

/** An endpoint listed in the `mailTls.endpoints` setting, and who listed it. */
export interface SettingsEndpoint {
  target: string;
  /** `user` values are the person's own; `workspace` values come from a workspace file. */
  origin: 'user' | 'workspace';
}

const TIMEOUT_KEYS: (keyof PhaseTimeouts)[] = ['connect', 'greeting', 'command', 'handshake', 'total'];

export function readSettings(resource?: vscode.Uri): MailTlsSettings {
  const config = vscode.workspace.getConfiguration(SECTION, resource);
  return {
    timeouts: readTimeouts(config.get<Record<string, unknown>>('timeouts') ?? {}),
    caFile: resolveCaFile(config.get<string>('caFile', ''), resource),
    expiryWarningDays: Math.max(0, config.get<number>('expiryWarningDays', DEFAULT_EXPIRY_WARNING_DAYS)),
    probeOnOpen: config.get<boolean>('probeOnOpen', false),
    probeOnSave: config.get<boolean>('probeOnSave', false),
    checkInjection: config.get<boolean>('checkInjection', true),
    lintIgnore: (config.get<unknown[]>('lint.ignore') ?? []).filter((id): id is string => typeof id === 'string' && /^[a-z0-9-]+$/.test(id)),
    cipherScan: (['single', 'always', 'never'] as const).find((v) => v === config.get<string>('cipherScan', 'single')) ?? 'single',
  };
}

/** The endpoints setting with each value's origin (workspace values need consent when untrusted). */
export function readSettingsEndpoints(): SettingsEndpoint[] {
  const seen = new Set<string>();
  const out: SettingsEndpoint[] = [];
  const add = (values: unknown, origin: SettingsEndpoint['origin']) => {
    if (!Array.isArray(values)) return;
    for (const value of values) {
      if (typeof value !== 'string' || value.trim() === '' || seen.has(value.trim())) continue;
      seen.add(value.trim());
      out.push({ target: value.trim(), origin });
    }
  };
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string[]>('endpoints');
  add(inspected?.globalValue, 'user');
  add(inspected?.workspaceValue, 'workspace');
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const perFolder = vscode.workspace.getConfiguration(SECTION, folder.uri).inspect<string[]>('endpoints');
    add(perFolder?.workspaceFolderValue, 'workspace');
  }
  return out;
}

/**
 * `mailTls.configHosts`: the host each config root describes, `{ "<folder-relative config
 * directory or dovecot.conf>": "mx.example.org" }`, from every workspace folder, as absolute keys.
 */
export function readConfigHosts(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const value = vscode.workspace.getConfiguration(SECTION, folder.uri).get<Record<string, unknown>>('configHosts', {});
    for (const [root, host] of Object.entries(value ?? {})) {
      if (typeof host !== 'string' || host.trim() === '') continue;
      out[path.resolve(folder.uri.fsPath, root)] = host.trim();
    }
  }
  return out;
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener();
  });
}

function readTimeouts(raw: Record<string, unknown>): Partial<PhaseTimeouts> {
  const timeouts: Partial<PhaseTimeouts> = {};
  for (const key of TIMEOUT_KEYS) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) timeouts[key] = value;
  }
  return timeouts;
}

function resolveCaFile(value: string, resource: vscode.Uri | undefined): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (path.isAbsolute(trimmed)) return trimmed;
  const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, trimmed) : trimmed;
}
