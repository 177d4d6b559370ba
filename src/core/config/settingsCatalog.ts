/** Per-setting documentation for the editor's hover, for either server. */
import { settingDoc as dovecotSettingDoc } from './dovecot';
import { postfixSettingDoc } from './postfix/settingsDocs';

export interface SettingDoc {
  name: string;
  description: string;
  default: string;
  recommended?: string;
  docUrl: string;
}

export function settingDoc(server: 'postfix' | 'dovecot', name: string, version?: string): SettingDoc | undefined {
  if (server === 'postfix') return postfixSettingDoc(name, version);
  return dovecotSettingDoc(name, version === '2.4' ? '2.4' : '2.3');
}
