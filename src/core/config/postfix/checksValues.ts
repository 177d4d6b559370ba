/** Values Postfix rejects (a daemon stops with a fatal error): checked where they are written. */
import type { ConfigFinding, SourceRange } from '../types';
import { isTemplateValue } from '../templates';
import { expandValue } from './expand';
import type { MainCfDocument } from './mainCf';
import { finding, paramDoc } from './rules';
import type { PostfixService } from './services';

const BOOLEAN = ['yes', 'no'];
const GRADES = ['export', 'low', 'medium', 'high', 'null'];

const ALLOWED: Record<string, readonly string[]> = {
  smtpd_tls_security_level: ['', 'none', 'may', 'encrypt'],
  smtp_tls_security_level: ['', 'none', 'may', 'encrypt', 'dane', 'dane-only', 'fingerprint', 'verify', 'secure'],
  lmtp_tls_security_level: ['', 'none', 'may', 'encrypt', 'dane', 'dane-only', 'fingerprint', 'verify', 'secure'],
  postscreen_tls_security_level: ['', 'none', 'may', 'encrypt'],
  smtpd_tls_wrappermode: BOOLEAN,
  smtpd_tls_auth_only: BOOLEAN,
  smtpd_sasl_auth_enable: BOOLEAN,
  smtpd_tls_received_header: BOOLEAN,
  smtpd_use_tls: BOOLEAN,
  smtpd_enforce_tls: BOOLEAN,
  tls_preempt_cipherlist: BOOLEAN,
  smtpd_tls_ciphers: GRADES,
  smtpd_tls_mandatory_ciphers: GRADES,
  smtp_tls_ciphers: GRADES,
  smtp_tls_mandatory_ciphers: GRADES,
  smtp_dns_support_level: ['', 'disabled', 'enabled', 'dnssec'],
};

export function checkValues(main: MainCfDocument | undefined, services: PostfixService[]): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const check = (name: string, value: string, range: SourceRange, lookup: (n: string) => string | undefined) => {
    const allowed = Object.hasOwn(ALLOWED, name) ? ALLOWED[name] : undefined;
    // A deploy-time placeholder ({{ var }}, PH_VAR, %VAR%) is filled in later: not a value to judge.
    if (!allowed || isTemplateValue(value)) return;
    const v = expandValue(value, lookup).value.trim().toLowerCase();
    if (allowed.includes(v)) return;
    const choices = allowed.filter(Boolean).join(', ');
    out.push(finding('postfix-invalid-value', 'error', `${name} = '${v.slice(0, 80)}' is not a value Postfix accepts (${choices}).`, range, paramDoc(name)));
  };
  if (main) for (const e of main.byName.values()) check(e.name, e.value, e.valueRange, (n) => main.byName.get(n)?.value);
  for (const s of services) for (const o of s.entry.options) check(o.name, o.value, o.valueRange, (n) => s.scope.raw(n));
  return out;
}
