// The edits behind the cipher quick fixes: add exclusions to Postfix's `*_exclude_ciphers`
// (extend the value, or write the setting where it belongs) or to Dovecot's `ssl_cipher_list`,
// and make the server's order win. Only where the edit is plain; otherwise no fix. Pure.
import type { ConfigFinding, SourceRange } from '../config/types';
import type { CipherSetting, EndpointCiphers, InsertPoint } from './cipherSettings';

export type Fix = NonNullable<ConfigFinding['fix']>;

/** The tokens of a cipher list or exclusion list (`aNULL, RC4:!3DES` -> aNULL, RC4, 3DES). */
export function listTokens(text: string): string[] {
  return text.split(/[\s,:]+/).map((t) => t.replace(/^[!-]/, '')).filter(Boolean);
}

/** The setting a new exclusion goes to: Postfix's (mandatory) exclusion list, Dovecot's cipher list. */
export function exclusionSetting(ciphers: EndpointCiphers): CipherSetting | undefined {
  if (ciphers.server === 'dovecot') return ciphers.settings.find((s) => s.role === 'list');
  const suffix = ciphers.mandatory ? '_tls_mandatory_exclude_ciphers' : '_tls_exclude_ciphers';
  // Behind postscreen a written tlsproxy_tls_* stands for the smtpd_tls_* one.
  return ciphers.settings.find((s) => s.role === 'exclude' && (s.name === `smtpd${suffix}` || s.name === `tlsproxy${suffix}`));
}

/**
 * Tokens the config does not exclude yet. Postfix applies `smtpd_tls_exclude_ciphers` with
 * mandatory TLS too, beside `smtpd_tls_mandatory_exclude_ciphers`: both count.
 */
export function missingTokens(ciphers: EndpointCiphers, tokens: readonly string[]): string[] {
  const present = new Set<string>();
  if (ciphers.server === 'postfix') {
    for (const s of ciphers.settings) if (s.role === 'exclude') for (const t of listTokens(s.value)) present.add(t);
  } else {
    const list = ciphers.settings.find((s) => s.role === 'list')?.value ?? '';
    for (const t of list.split(':')) if (t.startsWith('!')) present.add(t.slice(1).replace(/@.*$/, ''));
  }
  return tokens.filter((t) => !present.has(t));
}

export function excludeFix(ciphers: EndpointCiphers, tokens: readonly string[]): Fix | undefined {
  const setting = exclusionSetting(ciphers);
  if (!setting) return undefined;
  const missing = missingTokens(ciphers, tokens);
  if (missing.length === 0) return undefined;
  if (ciphers.server === 'dovecot') {
    // Dovecot's own default already excludes every weak class: nothing obvious to write there.
    if (!setting.explicit) return undefined;
    const written = (setting.written ?? setting.value).trim();
    // Keep `@STRENGTH` / `@SECLEVEL=n` at the end, where OpenSSL reads them.
    const [, head = written, tail = ''] = /^(.*?)((?:@[A-Z]+(?:=\d+)?)*)$/.exec(written) ?? [];
    const added = missing.map((t) => `!${t}`).join(':');
    const newText = head ? `${head.replace(/:$/, '')}:${added}${tail}` : `${added}${tail}`;
    return { title: `Exclude ${missing.join(', ')} in ${setting.name}`, range: setting.range, newText };
  }
  const title = `Add ${missing.join(', ')} to ${setting.name}`;
  if (setting.explicit) {
    const written = setting.written ?? setting.value;
    // A -o value must stay one word: commas without spaces there.
    const sep = setting.perService ? ',' : ', ';
    const newText = written.trim() === '' ? missing.join(sep) : `${sep}${missing.join(sep)}`;
    return { title, range: written.trim() === '' ? setting.range : atEnd(setting.range), newText };
  }
  if (!setting.insertAt) return undefined;
  return { title, ...insertion(setting.insertAt, setting.name, missing.join(setting.insertAt.form === 'master.cf' ? ',' : ', ')) };
}

/** Make the server's order win: Postfix `tls_preempt_cipherlist = yes`, Dovecot 2.3 `yes`, 2.4 `server`. */
export function orderFix(ciphers: EndpointCiphers): Fix | undefined {
  const setting = ciphers.settings.find((s) => s.role === 'order');
  if (!setting || serverOrderWins(setting)) return undefined;
  const value = setting.name === 'ssl_server_prefer_ciphers' ? 'server' : 'yes';
  const title = `Set ${setting.name} = ${value} (the server's order wins)`;
  if (setting.explicit) return { title, range: setting.range, newText: value };
  if (ciphers.server === 'dovecot' || !setting.insertAt) return undefined;
  return { title, ...insertion(setting.insertAt, setting.name, value) };
}

export function serverOrderWins(setting: CipherSetting): boolean {
  return /^(yes|server)$/i.test(setting.value.trim());
}

function atEnd(range: SourceRange): SourceRange {
  return { file: range.file, start: range.end, end: range.end };
}

function insertion(at: InsertPoint, name: string, value: string): { range: SourceRange; newText: string } {
  const pos = { line: at.line, character: at.character };
  const text = at.form === 'master.cf' ? `  -o ${name}=${value}` : `${name} = ${value}`;
  return { range: { file: at.file, start: pos, end: pos }, newText: at.newlineBefore ? `\n${text}\n` : `${text}\n` };
}
