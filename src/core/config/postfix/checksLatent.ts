/**
 * Latent weaknesses: main.cf settings that no service uses today but that become live the day a
 * service requires TLS (`-o smtpd_tls_security_level=encrypt`). Postfix reads the mandatory
 * protocol and cipher lists only at level `encrypt`, so `smtpd_tls_mandatory_protocols =
 * !SSLv2, !SSLv3` is harmless until then, and silent then.
 */
import type { ConfigFinding } from '../types';
import type { ParamScope } from './effective';
import { weakEnabled } from './protocols';
import { finding, paramDoc } from './rules';
import { isSmtpd, smtpdTlsLevel, type PostfixService } from './services';

const WEAK_GRADES = new Set(['export', 'low', 'null']);

export function checkLatent(global: ParamScope, services: PostfixService[]): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  // A service reads main.cf's mandatory list when it requires TLS and does not override it.
  const readers = (param: string) => services.filter((s) => isSmtpd(s) && smtpdTlsLevel(s.scope) === 'encrypt' && s.effective(param).source === 'main.cf');
  const why = 'no service requires TLS today, so it is not in use; it becomes live the day a service requires TLS (smtpd_tls_security_level = encrypt)';

  const protocols = global.effective('smtpd_tls_mandatory_protocols');
  const weak = weakEnabled(protocols.expanded);
  if (protocols.source === 'main.cf' && protocols.range && weak.length > 0 && readers('smtpd_tls_mandatory_protocols').length === 0) {
    out.push(finding('postfix-latent-weak-protocols', 'info', `smtpd_tls_mandatory_protocols = '${protocols.expanded}' allows ${weak.join(', ')}; ${why}.`, protocols.range, paramDoc('smtpd_tls_mandatory_protocols')));
  }
  const ciphers = global.effective('smtpd_tls_mandatory_ciphers');
  const grade = ciphers.expanded.trim().toLowerCase();
  if (ciphers.source === 'main.cf' && ciphers.range && WEAK_GRADES.has(grade) && readers('smtpd_tls_mandatory_ciphers').length === 0) {
    out.push(finding('postfix-latent-weak-ciphers', 'info', `smtpd_tls_mandatory_ciphers = ${grade} is a weak cipher grade; ${why}.`, ciphers.range, paramDoc('smtpd_tls_mandatory_ciphers')));
  }
  return out;
}
