/**
 * The Dovecot TLS checks. Each rule has a stable id; findings point at the line that causes
 * them and carry a fix where a safe edit exists. Version-aware: 2.3 names are right in a 2.3
 * config and errors in a 2.4 one.
 */
import type { ConfigFinding, SourceRange } from '../types';
import type { DovecotDocument } from './document';
import { FILTER_TYPES, type Assignment, type EffectiveConfig } from './effective';
import type { DovecotListener } from './listeners';
import { CHILD_SECTIONS_23, KNOWN_SETTINGS_23, SECTION_FIELDS_23, TOP_SECTIONS_23 } from './known23';
import { invalidBoolean24, knownIn24, knownSection, resolvedType, sectionChecks24, unknownSetting24 } from './checks24';
import { describeEvidence, knownIn23, type DovecotGeneration } from './generation';
import { scopeOf, scopedSeverity } from './scope';
import { isTemplateValue } from '../templates';
import { closestName, invalidNetwork, invalidValue, parseDovecotBool } from './values';
import { sectionPath, visitSections, visitSettings, type SettingVisit } from './visit';
import { ONLY_24, RENAME_24_BY_NAME, SERVICE_DOC_23, SERVICE_DOC_24, SYNTAX_DOC_23, UPGRADE_DOC_24, settingDocUrl } from './settingsDocs';

const WEAK_PROTOCOLS = new Set(['SSLv3', 'TLSv1', 'TLSv1.1', 'ANY']);
const WEAK_CIPHER_TOKENS = /^(aNULL|eNULL|NULL|EXPORT|EXP|LOW|RC4|DES|3DES|MD5|ADH|AECDH|ALL:@SECLEVEL=0|.*@SECLEVEL=0)$/i;
const CERT_VALUE_23 = ['ssl_cert', 'ssl_key', 'ssl_ca', 'ssl_dh', 'ssl_alt_cert', 'ssl_alt_key', 'ssl_client_cert', 'ssl_client_key'];
const FILE_SETTINGS_24 = /^ssl_(server|client)_[a-z_]*_file$/;

interface CheckInput {
  doc: DovecotDocument;
  config: EffectiveConfig;
  generation: DovecotGeneration;
  listeners: DovecotListener[];
}

export function runChecks({ doc, config, generation, listeners }: CheckInput): ConfigFinding[] {
  const { version } = generation;
  // A fragment whose names fit both generations, or mix them: a name either knows is accepted.
  const undecided = generation.source === 'undecided';
  const findings: ConfigFinding[] = [];
  const url = (name: string) => settingDocUrl(name, version);
  const add = (f: ConfigFinding) => findings.push(f);
  const settings = visitSettings(doc.children);
  const value = (name: string) => config.get(name)?.value;
  const sslValue = value('ssl') ?? 'yes';
  const tlsMandatory = sslValue === 'required';
  // Implicit-TLS listeners (imaps, pop3s) have no plaintext fallback: TLS is mandatory there.
  const implicitListeners = listeners.filter((l) => l.enabled && l.ssl).map((l) => `${l.service}/${l.name}`);

  for (const { node, sections } of settings) {
    const n = node.name;
    const invalid = invalidValue(node, sections) ?? (version === '2.4' ? invalidBoolean24(node, sections) : undefined);
    if (invalid) add({ id: 'dovecot-invalid-value', severity: 'error', message: invalid, range: node.valueRange, docUrl: url(n) });
    if (version === '2.4') {
      const rename = RENAME_24_BY_NAME.get(n);
      if (rename) {
        const finding: ConfigFinding = {
          id: 'dovecot-24-renamed-setting',
          severity: 'error',
          message: `${n} is a Dovecot 2.3 setting; 2.4 rejects it. Use ${rename.to}.`,
          range: node.nameRange,
          docUrl: UPGRADE_DOC_24,
        };
        const rewritten = rename.rewrite?.(node.value, node.valueKind);
        if (rename.pure) finding.fix = { title: `Rename to ${rename.to}`, range: node.nameRange, newText: rename.to };
        else if (rewritten) finding.fix = { title: `Replace with "${rewritten}"`, range: node.range, newText: rewritten };
        add(finding);
      }
      if (FILE_SETTINGS_24.test(n) && node.valueKind === 'file') {
        add({
          id: 'dovecot-24-cert-file-lt',
          severity: 'error',
          message: `${n} takes a path in Dovecot 2.4; the leading "<" (2.3 syntax) makes the value wrong.`,
          range: node.valueRange,
          docUrl: url(n),
          fix: { title: 'Remove the "<"', range: node.valueRange, newText: node.value },
        });
      }
      if (node.valueKind !== 'quoted' && /%[a-zA-Z]/.test(node.value.replace(/%%/g, '')) && !isTemplateValue(node.value)) {
        add({ id: 'dovecot-24-old-variable', severity: 'error', message: `Dovecot 2.4 removed one-letter %variables: write %{user}, %{user | domain}, ... instead.`, range: node.valueRange, docUrl: UPGRADE_DOC_24 });
      }
      if (!rename) {
        const unknown = unknownSetting24(node, sections);
        if (unknown) add(unknown);
      }
    } else {
      if (ONLY_24.has(n) && !undecided) {
        const old = ONLY_24.get(n);
        add({
          id: 'dovecot-24-setting-in-23',
          severity: 'error',
          message: `${n} is a Dovecot 2.4 setting; this config is 2.3 (no dovecot_config_version)${old ? `, where the name is ${old}` : ''}.`,
          range: node.nameRange,
          docUrl: url(n),
        });
      }
      if (knownIn23(n, sections) === false && !ONLY_24.has(n) && !(undecided && knownIn24(n, sections) !== false)) {
        const known = sections.every((sec) => FILTER_TYPES.has(sec.type)) ? KNOWN_SETTINGS_23 : SECTION_FIELDS_23[sectionPath(sections)]!;
        const guess = closestName(n, known);
        const where = known === KNOWN_SETTINGS_23 ? '' : ` in ${sectionPath(sections)}`;
        const who = undecided ? 'Neither Dovecot 2.3.19 nor 2.4 has a' : 'Dovecot 2.3.19 has no';
        const finding: ConfigFinding = { id: 'dovecot-unknown-setting', severity: 'warning', message: `${who} setting ${n}${where}${guess ? ` (did you mean ${guess}?)` : ''}; Dovecot refuses to start on unknown settings.`, range: node.nameRange, docUrl: url(guess ?? n) };
        if (guess) finding.fix = { title: `Rename to ${guess}`, range: node.nameRange, newText: guess };
        add(finding);
      }
      if (CERT_VALUE_23.includes(n) && node.value !== '' && node.valueKind !== 'file' && !node.value.includes('-----BEGIN')) {
        add({
          id: 'dovecot-cert-not-file',
          severity: 'error',
          message: `${n} holds "${node.value}" as PEM text, not as a file: write ${n} = <${node.value} to read the file.`,
          range: node.valueRange,
          docUrl: url(n),
          fix: { title: `Read the file: <${node.value}`, range: node.valueRange, newText: `<${node.value}` },
        });
      }
    }
    if (n === 'ssl' && node.value === 'no') {
      const scope = scopeOf(sections, config);
      const proto = scope.criteria.protocol;
      const where = proto ? ` for protocol ${proto}` : '';
      const who = scope.reach === 'everyone' ? '' : ` (${scope.why})`;
      add({ id: 'dovecot-ssl-disabled', severity: scopedSeverity('warning', scope.reach), message: `ssl = no${where}${who}: no STARTTLS and no implicit TLS${proto ? ` for ${proto}` : ''}; passwords and mail cross the network in clear text unless a proxy in front terminates TLS.`, range: node.range, docUrl: url('ssl') });
    }
    if (n === 'ssl_min_protocol' && WEAK_PROTOCOLS.has(node.value)) {
      const where = tlsMandatory ? ' where TLS is mandatory (ssl = required)' : implicitListeners.length > 0 ? ` on implicit-TLS listeners (${implicitListeners.join(', ')})` : '';
      add({
        id: 'dovecot-weak-min-protocol',
        severity: where || (version === '2.4' && node.value === 'SSLv3') ? 'error' : 'warning',
        message: `ssl_min_protocol = ${node.value} accepts deprecated TLS versions (RFC 8996)${where}.`,
        range: node.valueRange,
        docUrl: url(n),
        fix: { title: 'Use TLSv1.2', range: node.valueRange, newText: 'TLSv1.2' },
      });
    }
    if (n === 'ssl_protocols') {
      const finding: ConfigFinding = { id: 'dovecot-obsolete-ssl-protocols', severity: version === '2.4' ? 'error' : 'warning', message: 'ssl_protocols is obsolete since Dovecot 2.3; ssl_min_protocol replaces it.', range: node.range, docUrl: url('ssl_min_protocol') };
      if (!config.get('ssl_min_protocol')) finding.fix = { title: 'Replace with ssl_min_protocol = TLSv1.2', range: node.range, newText: 'ssl_min_protocol = TLSv1.2' };
      add(finding);
    }
    if ((n === 'ssl_prefer_server_ciphers' && parseDovecotBool(node.value) === true) || (n === 'ssl_server_prefer_ciphers' && node.value === 'server')) {
      const better = n === 'ssl_prefer_server_ciphers' ? 'no' : 'client';
      add({ id: 'dovecot-prefer-server-ciphers', severity: 'info', message: `${n} = ${node.value} makes the server choose the cipher; Mozilla's guidance is ${better}: with only strong ciphers enabled, clients pick what their hardware runs fastest.`, range: node.valueRange, docUrl: url(n), fix: { title: `Set ${better}`, range: node.valueRange, newText: better } });
    }
    if (n === 'ssl_cipher_list') {
      const weak = node.value.split(/[:\s,]+/).filter((t) => t && !/^[!-]/.test(t) && WEAK_CIPHER_TOKENS.test(t.replace(/^\+/, '')));
      if (weak.length > 0) add({ id: 'dovecot-weak-ciphers', severity: tlsMandatory ? 'error' : 'warning', message: `ssl_cipher_list enables weak or unauthenticated ciphers: ${weak.join(', ')}.`, range: node.valueRange, docUrl: url(n) });
    }
    if (n === 'login_trusted_networks') {
      const everyone = node.value.split(/[\s,]+/).filter((net) => /\/0$/.test(net));
      if (everyone.length > 0) add({ id: 'dovecot-trusted-networks-all', severity: 'error', message: `login_trusted_networks includes ${everyone.join(', ')}: every client may claim another address and counts as secured, so plaintext authentication is allowed without TLS.`, range: node.valueRange, docUrl: url(n) });
    }
    const plaintextOn = (n === 'disable_plaintext_auth' && parseDovecotBool(node.value) === false) || (n === 'auth_allow_cleartext' && parseDovecotBool(node.value) === true);
    if (plaintextOn && tlsMandatory && version === '2.4' && sections.length === 0) {
      add({ id: 'dovecot-invalid-value', severity: 'error', message: `${n} = ${node.value} with ssl = required: Dovecot 2.4 refuses to start ("has no effect with ssl=required"). Allow cleartext inside a local or remote block instead.`, range: node.range, docUrl: url(n) });
    }
    if (plaintextOn && !tlsMandatory) {
      const fixed = n === 'disable_plaintext_auth' ? 'yes' : 'no';
      // Severity follows who can reach the block the setting is written in.
      const scope = scopeOf(sections, config);
      const who = scope.reach === 'everyone' ? 'clients' : scope.why;
      const harmless = scope.reach === 'loopback' ? ': their passwords never cross the network, so this is harmless' : scope.reach === 'trusted' ? ', so this changes nothing' : '';
      add({ id: 'dovecot-plaintext-auth', severity: scopedSeverity('error', scope.reach), message: `${n} = ${node.value} lets ${who} send passwords before TLS${harmless}.`, range: node.range, docUrl: url(n), fix: { title: `Set ${fixed}`, range: node.valueRange, newText: fixed } });
    }
  }

  versionChecks(findings, settings, config, generation, doc);
  if (version === '2.4') sectionChecks24(findings, doc);
  else sectionChecks23(findings, doc, undecided);
  if (listeners.some((l) => l.enabled && l.protocol)) certificateSettingChecks(findings, config, version, sslValue, doc);
  listenerChecks(findings, listeners, version);
  return findings;
}

function versionChecks(findings: ConfigFinding[], settings: SettingVisit[], config: EffectiveConfig, generation: DovecotGeneration, doc: DovecotDocument): void {
  const { version } = generation;
  if (generation.source === 'undecided' && generation.only23 && generation.only24) {
    findings.push({
      id: 'dovecot-mixed-generations',
      severity: 'warning',
      message: `This file has no dovecot_config_version of its own and mixes Dovecot 2.3 names (${describeEvidence(generation.only23)}) with 2.4 names (${describeEvidence(generation.only24)}): whichever version the dovecot.conf that includes it declares, Dovecot refuses the other's names.`,
      range: generation.only24.range,
      docUrl: UPGRADE_DOC_24,
    });
  }
  const first = settings[0]?.node;
  const versionSetting = config.get('dovecot_config_version');
  if (version === '2.4' && versionSetting && first && first !== versionSetting.node) {
    // Blamed where Dovecot blames it: the setting that comes first.
    findings.push({ id: 'dovecot-config-version-not-first', severity: 'error', message: `dovecot_config_version must be the first setting of dovecot.conf; ${first.name} comes before it (line ${versionSetting.node.range.start.line + 1} sets the version).`, range: first.range, docUrl: settingDocUrl('dovecot_config_version', '2.4') });
  }
  if (version === '2.4' && !config.get('dovecot_storage_version') && versionSetting) {
    findings.push({ id: 'dovecot-missing-storage-version', severity: 'warning', message: 'Dovecot 2.4 requires dovecot_storage_version (e.g. the version the mail storage was created with).', range: versionSetting.node.range, docUrl: settingDocUrl('dovecot_storage_version', '2.4') });
  }
  // Only a dovecot.conf is missing the version: a fragment's is in the file that includes it.
  if (version === '2.3' && generation.source === 'default') {
    const evidence = settings.find((s) => ONLY_24.has(s.node.name) && s.node.name !== 'dovecot_config_version');
    if (evidence) {
      findings.push({
        id: 'dovecot-missing-config-version',
        severity: 'error',
        message: `${evidence.node.name} (line ${evidence.node.range.start.line + 1}) is Dovecot 2.4 syntax, but there is no dovecot_config_version: 2.4 refuses to start, 2.3 does not know the setting.`,
        // Where Dovecot 2.4 blames it: the first setting, which should have been the version.
        range: settings[0]!.node.nameRange,
        docUrl: settingDocUrl('dovecot_config_version', '2.4'),
        fix: { title: 'Add dovecot_config_version = 2.4.0 at the top of dovecot.conf', range: startOf(doc.root), newText: 'dovecot_config_version = 2.4.0\n' },
      });
    }
  }
}

/** 2.3 sections allow only their own kinds of subsections (a service holds listeners). */
function sectionChecks23(findings: ConfigFinding[], doc: DovecotDocument, undecided: boolean): void {
  for (const { node, parents } of visitSections(doc.children)) {
    if (node.type === 'local' || node.type === 'remote') {
      const invalid = invalidNetwork(node.name);
      if (invalid) findings.push({ id: 'dovecot-invalid-value', severity: 'error', message: invalid, range: node.nameRange ?? node.headerRange, docUrl: SYNTAX_DOC_23 });
    }
    if (FILTER_TYPES.has(node.type)) continue;
    const path = sectionPath(parents);
    // At the top, doveconf takes the list sections and, oddly, any known setting name.
    if (path === '' && (TOP_SECTIONS_23.includes(node.type) || KNOWN_SETTINGS_23.has(node.type))) continue;
    const allowed = path === '' ? TOP_SECTIONS_23 : CHILD_SECTIONS_23[path];
    if (!allowed || allowed.includes(node.type)) continue;
    if (undecided && knownSection(resolvedType(node, parents))) continue;
    const guess = closestName(node.type, allowed);
    const finding: ConfigFinding = {
      id: 'dovecot-unknown-setting',
      severity: 'warning',
      message: `${path ? `A ${path} section holds` : 'Dovecot 2.3.19 has'} no "${node.type}" section${guess ? ` (did you mean ${guess}?)` : ''}; Dovecot refuses to start.`,
      range: node.typeRange,
      docUrl: SERVICE_DOC_23,
    };
    if (guess) finding.fix = { title: `Rename to ${guess}`, range: node.typeRange, newText: guess };
    findings.push(finding);
  }
}

function certificateSettingChecks(findings: ConfigFinding[], config: EffectiveConfig, version: '2.3' | '2.4', sslValue: string, doc: DovecotDocument): void {
  if (sslValue === 'no') return;
  const certName = version === '2.4' ? 'ssl_server_cert_file' : 'ssl_cert';
  const keyName = version === '2.4' ? 'ssl_server_key_file' : 'ssl_key';
  const sslSetting = config.get('ssl');
  const where = (a: Assignment | undefined): SourceRange => a?.node.range ?? sslSetting?.node.range ?? startOf(doc.root);
  const otherVersionName: Record<string, string> = { ssl_server_cert_file: 'ssl_cert', ssl_server_key_file: 'ssl_key', ssl_cert: 'ssl_server_cert_file', ssl_key: 'ssl_server_key_file' };
  for (const name of [certName, keyName]) {
    const a = config.get(name);
    // Set under the other version's name: the rename finding already says what to do.
    if (config.get(otherVersionName[name]!)) continue;
    if (!a || a.value === '' || a.value === '<') {
      findings.push({ id: 'dovecot-ssl-cert-missing', severity: 'error', message: `ssl = ${sslValue} but ${name} is not set: Dovecot logs "SSL context initialization failed" and serves no TLS, so STARTTLS is not offered and implicit-TLS listeners fail.`, range: where(a), docUrl: settingDocUrl(name, version) });
    }
  }
}

function listenerChecks(findings: ConfigFinding[], listeners: DovecotListener[], version: '2.3' | '2.4'): void {
  const docUrl = version === '2.4' ? SERVICE_DOC_24 : SERVICE_DOC_23;
  for (const l of listeners) {
    if (!l.declared) continue;
    if (l.ssl && l.disabledReason?.startsWith('ssl = no')) {
      findings.push({ id: 'dovecot-ssl-listener-disabled', severity: 'warning', message: `inet_listener ${l.name} has ssl = yes, but ssl = no: it does not listen.`, range: l.range, docUrl });
    }
    const loopbackOnly = l.addresses.every((a) => /^(127\.|::1$|\[::1\]$|localhost$)/.test(a));
    if (l.enabled && !l.ssl && (l.protocol === 'imap' || l.protocol === 'pop3') && !loopbackOnly) {
      findings.push({ id: 'dovecot-plaintext-listener', severity: 'info', message: `${l.service}/${l.name} on port ${l.port} starts in plain text (STARTTLS); RFC 8314 prefers implicit TLS (${l.protocol === 'imap' ? 993 : 995}).`, range: l.range, docUrl });
    }
  }
}

function startOf(file: string): SourceRange {
  return { file, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

