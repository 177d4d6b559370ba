// The domain settings: `mailTls.domains` (domains the explorer lists, each with who listed it)
// and `mailTls.resolver` (the validating resolver to ask; empty means the system's).
import * as vscode from 'vscode';
import { SECTION } from '../settings';

export interface SettingsDomain {
  domain: string;
  /** `workspace` values come from a workspace file: checking them asks first when untrusted. */
  origin: 'user' | 'workspace';
}

export function readSettingsDomains(): SettingsDomain[] {
  const seen = new Set<string>();
  const out: SettingsDomain[] = [];
  const add = (values: unknown, origin: SettingsDomain['origin']) => {
    if (!Array.isArray(values)) return;
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const domain = value.trim().toLowerCase().replace(/\.$/, '');
      if (domain === '' || seen.has(domain)) continue;
      seen.add(domain);
      out.push({ domain, origin });
    }
  };
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string[]>('domains');
  add(inspected?.globalValue, 'user');
  add(inspected?.workspaceValue, 'workspace');
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    add(vscode.workspace.getConfiguration(SECTION, folder.uri).inspect<string[]>('domains')?.workspaceFolderValue, 'workspace');
  }
  return out;
}

/** The resolvers to ask, or undefined for the system's. In restricted mode VS Code ignores a workspace value. */
export function readResolvers(): string[] | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>('resolver', '').trim();
  if (value === '') return undefined;
  return value.split(/[\s,]+/).filter(Boolean);
}
