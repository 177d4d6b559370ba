// What each declared endpoint's config says about it, read from the config core's analyses:
// the oldest TLS version allowed (and the setting that decides it) and the served certificate.
import { isIP } from 'node:net';
import type { ConfigAnalysis } from '../config';
import { settingDoc, settingFilePath } from '../config/dovecot';
import { parseTarget } from '../probe/target';
import { paramDoc } from '../config/postfix/rules';
import { smtpdTlsLevel } from '../config/postfix/services';
import type { ConfigEndpoint, SourceRange } from '../config/types';
import type { PostfixAnalysis } from '../config/postfix';
import type { PostfixService } from '../config/postfix/services';
import { dovecotCiphers, postfixCiphers, tlsproxyOf } from './cipherSettings';
import { minVersionOfDovecot, minVersionOfPostfixList, type JoinEndpoint } from './joinFindings';

export function buildJoinEndpoints(result: { readonly analyses: readonly ConfigAnalysis[] }, endpoints: readonly ConfigEndpoint[]): JoinEndpoint[] {
  const out: JoinEndpoint[] = [];
  for (const endpoint of endpoints) {
    const analysis = result.analyses.find((a) => a.endpoints.includes(endpoint));
    if (!analysis) continue;
    const join = endpoint.server === 'postfix' ? postfixJoin(analysis, endpoint) : dovecotJoin(analysis, endpoint);
    if (join) out.push(join);
  }
  return out;
}

function postfixJoin(analysis: ConfigAnalysis, endpoint: ConfigEndpoint): JoinEndpoint | undefined {
  const postfix = analysis.postfix;
  const service = postfix?.services.find((s) => s.name === endpoint.service && s.type === 'inet');
  if (!postfix || !service) return undefined;
  const join: JoinEndpoint = { target: endpoint.target, declaredAt: endpoint.range };
  // postscreen's STARTTLS is tlsproxy's: tlsproxy_tls_* when written, else the smtpd_tls_* it defaults to, in tlsproxy's scope.
  const proxy = service.command === 'postscreen' ? tlsproxyOf(postfix, service) : undefined;
  const encrypt = proxy ? proxy.scope.word('tlsproxy_tls_security_level') === 'encrypt' : smtpdTlsLevel(service.scope) === 'encrypt';
  // With TLS required (encrypt) the mandatory list applies; otherwise the opportunistic one.
  let param = encrypt ? 'smtpd_tls_mandatory_protocols' : 'smtpd_tls_protocols';
  const proxied = proxy?.effective(param.replace('smtpd_', 'tlsproxy_'));
  if (proxied && proxied.source !== 'default') param = param.replace('smtpd_', 'tlsproxy_');
  const value = proxied && proxied.source !== 'default' ? proxied : (proxy ?? service).effective(param);
  const version = minVersionOfPostfixList(value.expanded);
  if (version) join.minVersion = { version, setting: param, range: value.range ?? endpoint.range, docUrl: paramDoc(param) };

  if (proxy) {
    const served = proxyCertificates(postfix, proxy, endpoint.range);
    if (served.length > 0) join.certificates = served;
  } else {
    const certParam = service.scope.isSet('smtpd_tls_chain_files') ? 'smtpd_tls_chain_files' : 'smtpd_tls_cert_file';
    const certRange = service.effective(certParam).range ?? endpoint.range;
    const setup = postfix.certificates.find((c) => c.services.includes(`${service.name}/${service.type}`));
    if (setup && setup.leaves.length > 0) {
      join.certificates = setup.leaves.map((leaf) => ({ setting: certParam, file: leaf.file, fingerprint256: leaf.fingerprint256, range: certRange, docUrl: paramDoc(certParam), chainDer: leaf.chainDer }));
    }
  }
  join.ciphers = postfixCiphers(postfix, service, endpoint.range);
  const myhostname = service.effective('myhostname').expanded.trim();
  if (myhostname) join.serverNames = [myhostname];
  return join;
}

/**
 * Behind postscreen the certificate is tlsproxy's: tlsproxy_tls_chain_files (or _cert_file and
 * _eccert_file), which default to the smtpd_tls_* files in tlsproxy's own scope. Their leaves were
 * read where an smtpd service names the same files; files no smtpd service names are not read.
 */
function proxyCertificates(postfix: PostfixAnalysis, proxy: PostfixService, fallback: SourceRange): NonNullable<JoinEndpoint['certificates']> {
  const chain = proxy.effective('tlsproxy_tls_chain_files').expanded.trim();
  const params = chain ? ['tlsproxy_tls_chain_files'] : ['tlsproxy_tls_cert_file', 'tlsproxy_tls_eccert_file'];
  const leaves = postfix.certificates.flatMap((c) => c.leaves);
  const out: NonNullable<JoinEndpoint['certificates']> = [];
  for (const param of params) {
    const own = proxy.effective(param);
    // Not written for tlsproxy: the smtpd_tls_* setting it defaults to is the line to show.
    const setting = own.source === 'default' ? param.replace('tlsproxy_', 'smtpd_') : param;
    const range = (own.source === 'default' ? proxy.effective(setting).range : own.range) ?? fallback;
    const files = new Set(own.expanded.split(/[\s,]+/).filter(Boolean));
    for (const leaf of leaves) {
      if (!files.has(leaf.file) || out.some((c) => c.file === leaf.file)) continue;
      out.push({ setting, file: leaf.file, fingerprint256: leaf.fingerprint256, range, docUrl: paramDoc(setting), chainDer: leaf.chainDer });
    }
  }
  return out;
}

function dovecotJoin(analysis: ConfigAnalysis, endpoint: ConfigEndpoint): JoinEndpoint | undefined {
  const dovecot = analysis.dovecot;
  const listener = dovecot?.listeners.find((l) => `${l.service}/${l.name}` === endpoint.service);
  if (!dovecot || !listener) return undefined;
  const join: JoinEndpoint = { target: endpoint.target, declaredAt: endpoint.range };
  const context = { service: listener.service, listener: listener.name, ...(listener.protocol ? { protocol: listener.protocol } : {}) };
  const minSetting = dovecot.effective('ssl_min_protocol', context);
  const doc = settingDoc('ssl_min_protocol', dovecot.version);
  const version = minVersionOfDovecot(minSetting?.value ?? doc?.default ?? 'TLSv1.2');
  if (version) {
    join.minVersion = {
      version,
      setting: 'ssl_min_protocol',
      range: minSetting?.node.valueRange ?? endpoint.range,
      docUrl: doc?.docUrl ?? 'https://doc.dovecot.org/2.3/settings/core/#core_setting-ssl_min_protocol',
    };
  }
  // The certificate served to this listener's address: a `local <address> { }` block (or a
  // `local_name` matching the name the probe sends) wins over the global setting.
  const host = parseTarget(endpoint.target).host;
  const served = { ...context, ...(isIP(host) ? { local: host } : { localName: host }) };
  join.ciphers = dovecotCiphers(dovecot, served, endpoint.range);
  const certName = dovecot.version === '2.4' ? 'ssl_server_cert_file' : 'ssl_cert';
  const certSetting = dovecot.effective(certName, served);
  // 2.3 also takes the PEM text inline; only a file can be matched with the certificate checks.
  const certPath = certSetting && (dovecot.version === '2.4' || certSetting.node.valueKind === 'file') ? settingFilePath(certSetting) : undefined;
  const leaves = certPath ? dovecot.certificates.filter((leaf) => leaf.file === certPath) : [];
  if (certSetting && leaves.length > 0) {
    const docUrl = settingDoc(certName, dovecot.version)?.docUrl ?? 'https://doc.dovecot.org/2.3/configuration_manual/dovecot_ssl_configuration/';
    join.certificates = leaves.map((leaf) => ({ setting: certName, file: leaf.file, fingerprint256: leaf.fingerprint256, range: certSetting.node.valueRange, docUrl }));
  }
  return join;
}
