// The cipher settings that govern one declared endpoint, read from the config core: for Postfix
// the grade (`smtpd_tls_ciphers`, or `smtpd_tls_mandatory_ciphers` where TLS is required), its
// exclusions, the grade's `tls_*_cipherlist`, `tls_preempt_cipherlist`, `tls_eecdh_auto_curves`
// and the DH file (behind postscreen, tlsproxy's `tlsproxy_tls_*`, whose defaults are the
// `smtpd_tls_*` ones, read in the tlsproxy service's scope); for Dovecot `ssl_cipher_list`, `ssl_cipher_suites`, `ssl_curve_list`, the
// order and DH settings under their 2.3 or 2.4 names. Defaults included: a default is placed
// where it takes effect (the master.cf service line, the Dovecot listener). Plain data: it
// crosses the analysis worker's boundary. Pure.
import type { DovecotAnalysis } from '../config/dovecot';
import { settingDoc } from '../config/dovecot';
import type { LookupContext } from '../config/dovecot/effective';
import type { PostfixAnalysis } from '../config/postfix';
import { paramDoc } from '../config/postfix/rules';
import { tlsRequired, type PostfixService } from '../config/postfix/services';
import type { SourceRange } from '../config/types';

/**
 * What a setting decides: `list` lets TLS ≤ 1.2 suites in (Postfix's grade or the grade's
 * cipherlist, Dovecot's `ssl_cipher_list`); `grade` is Postfix's grade when its cipherlist was
 * rewritten; `exclude` takes suites out; `tls13` the TLS 1.3 suites; `order` whose order wins;
 * `curves` the ECDHE groups; `dh` the DHE parameters.
 */
export type CipherRole = 'list' | 'grade' | 'exclude' | 'tls13' | 'order' | 'curves' | 'dh';

/** Where a new assignment goes when the setting is not written (for quick fixes). */
export interface InsertPoint {
  file: string;
  line: number;
  character: number;
  form: 'main.cf' | 'master.cf';
  /** The file's last line has no newline: start the new line with one. */
  newlineBefore: boolean;
}

export interface CipherSetting {
  role: CipherRole;
  name: string;
  /** The value in effect (Postfix: expanded; the default when not written). */
  value: string;
  /** Written in the config rather than the server's default. */
  explicit: boolean;
  /** The value's text when written; otherwise where the default takes effect. */
  range: SourceRange;
  docUrl: string;
  /** As written, to extend it (Postfix: unexpanded); only when explicit. */
  written?: string;
  /** Postfix: a `-o` option of the service rather than main.cf. */
  perService?: boolean;
  /** Postfix behind postscreen: the tlsproxy parameter left at its default, which is this setting. */
  via?: string;
  insertAt?: InsertPoint;
}

export interface EndpointCiphers {
  server: 'postfix' | 'dovecot';
  /** Postfix: the mandatory grade and exclusions apply (TLS required or wrapper mode). */
  mandatory: boolean;
  settings: CipherSetting[];
}

const GRADES = new Set(['high', 'medium', 'low', 'export', 'null']);

export function postfixCiphers(postfix: PostfixAnalysis, service: PostfixService, declaredAt: SourceRange): EndpointCiphers {
  // postscreen hands STARTTLS to tlsproxy, which reads its own parameters in its own scope.
  const proxy = service.command === 'postscreen' ? tlsproxyOf(postfix, service) : undefined;
  const tls = proxy ?? service;
  const mandatory = proxy ? proxy.scope.word('tlsproxy_tls_security_level') === 'encrypt' : tlsRequired(service);
  // A default takes effect at the service's line in master.cf (the endpoint's declaration).
  const at = service.entry.serviceRange ?? declaredAt;
  const main = postfix.mainCf;
  const mainEnd = main ? endOf(main.file, main.lineLengths, 'main.cf') : undefined;
  const master = postfix.masterCf;
  const lastOfMaster = master && tls.range.end.line >= master.lineLengths.length - 1;
  const afterService = lastOfMaster ? endOf(master.file, master.lineLengths, 'master.cf') : lineAfter(tls.range, 'master.cf');
  const plain = (role: CipherRole, name: string): CipherSetting => {
    const ev = tls.effective(name);
    const explicit = ev.source !== 'default' && ev.range !== undefined;
    const setting: CipherSetting = { role, name, value: ev.expanded.trim(), explicit, range: explicit ? ev.range! : at, docUrl: paramDoc(name) };
    if (explicit) {
      setting.written = ev.value;
      if (ev.source === '-o') setting.perService = true;
    }
    return setting;
  };
  // Behind postscreen: tlsproxy_tls_X when written, else smtpd_tls_X (its default), as tlsproxy sees it.
  const read = (role: CipherRole, name: string): CipherSetting => {
    const proxied = proxy && name.startsWith('smtpd_tls_') ? `tlsproxy_tls_${name.slice('smtpd_tls_'.length)}` : undefined;
    if (!proxied) return plain(role, name);
    const own = plain(role, proxied);
    return own.explicit ? own : { ...plain(role, name), via: proxied };
  };

  const grade = read('list', mandatory ? 'smtpd_tls_mandatory_ciphers' : 'smtpd_tls_ciphers');
  const settings: CipherSetting[] = [grade];
  const gradeWord = grade.value.toLowerCase();
  if (GRADES.has(gradeWord)) {
    const list = read('list', `tls_${gradeWord}_cipherlist`);
    // A rewritten cipherlist is what lets the suites in; the grade only picks it.
    if (list.explicit) {
      grade.role = 'grade';
      settings.push(list);
    }
  }
  // New lines go beside the grade when it is written, else at the end of main.cf (a -o grade: after the service).
  const besideGrade = grade.explicit && main && grade.range.end.line < main.lineLengths.length - 1 ? lineAfter(grade.range, 'main.cf') : mainEnd;
  const insertAt = grade.perService || !besideGrade ? afterService : besideGrade;
  const exclude = (name: string) => ({ ...read('exclude', name), insertAt });
  settings.push(exclude('smtpd_tls_exclude_ciphers'));
  if (mandatory) settings.push(exclude('smtpd_tls_mandatory_exclude_ciphers'));
  const global = mainEnd ?? afterService;
  settings.push({ ...read('order', 'tls_preempt_cipherlist'), insertAt: global });
  settings.push(read('curves', 'tls_eecdh_auto_curves'));
  settings.push(read('dh', 'smtpd_tls_dh1024_param_file'));
  return { server: 'postfix', mandatory, settings };
}

export function dovecotCiphers(dovecot: DovecotAnalysis, context: LookupContext, declaredAt: SourceRange): EndpointCiphers {
  const v24 = dovecot.version === '2.4';
  const read = (role: CipherRole, name: string): CipherSetting => {
    const doc = settingDoc(name, dovecot.version);
    const a = dovecot.effective(name, context);
    const docUrl = doc?.docUrl ?? `https://doc.dovecot.org/${dovecot.version}/settings/core/#core_setting-${name}`;
    if (!a) return { role, name, value: doc?.default ?? '', explicit: false, range: declaredAt, docUrl };
    return { role, name, value: a.value, explicit: true, range: a.node.valueRange, docUrl, written: a.node.value };
  };
  return {
    server: 'dovecot',
    mandatory: false,
    settings: [
      read('list', 'ssl_cipher_list'),
      read('tls13', 'ssl_cipher_suites'),
      read('order', v24 ? 'ssl_server_prefer_ciphers' : 'ssl_prefer_server_ciphers'),
      read('curves', 'ssl_curve_list'),
      read('dh', v24 ? 'ssl_server_dh_file' : 'ssl_dh'),
    ],
  };
}

/** The tlsproxy service postscreen hands STARTTLS to (`tlsproxy_service_name`); postscreen's own scope when master.cf has none. */
function tlsproxyOf(postfix: PostfixAnalysis, postscreen: PostfixService): PostfixService {
  const name = postscreen.scope.word('tlsproxy_service_name') || 'tlsproxy';
  return postfix.services.find((s) => s.name === name && s.type === 'unix' && s.command === 'tlsproxy') ?? postscreen;
}

function lineAfter(range: SourceRange, form: InsertPoint['form']): InsertPoint {
  return { file: range.file, line: range.end.line + 1, character: 0, form, newlineBefore: false };
}

/** The end of a file: the start of its empty last line, or the end of a last line without newline. */
function endOf(file: string, lineLengths: readonly number[], form: InsertPoint['form']): InsertPoint {
  const last = Math.max(0, lineLengths.length - 1);
  const length = lineLengths[last] ?? 0;
  return { file, line: last, character: length, form, newlineBefore: length > 0 };
}
