/** Checks on main.cf and master.cf as written: syntax, duplicates, deprecated names, expansion. */
import { isTemplateValue } from '../templates';
import type { ConfigFinding } from '../types';
import type { ParamScope } from './effective';
import type { MainCfDocument, MainCfEntry } from './mainCf';
import type { MasterCfDocument, MasterOption } from './masterCf';
import { finding, MASTER_DOC, paramDoc, POSTCONF_DOC } from './rules';
import type { PostfixService } from './services';

interface Deprecation {
  replacement: string;
  since?: string;
}

const DEPRECATED: Record<string, Deprecation> = {
  smtpd_use_tls: { replacement: 'smtpd_tls_security_level' },
  smtpd_enforce_tls: { replacement: 'smtpd_tls_security_level' },
  smtp_use_tls: { replacement: 'smtp_tls_security_level' },
  smtp_enforce_tls: { replacement: 'smtp_tls_security_level' },
  lmtp_use_tls: { replacement: 'lmtp_tls_security_level' },
  lmtp_enforce_tls: { replacement: 'lmtp_tls_security_level' },
  smtp_tls_per_site: { replacement: 'smtp_tls_policy_maps' },
  lmtp_tls_per_site: { replacement: 'lmtp_tls_policy_maps' },
  smtp_tls_enforce_peername: { replacement: 'smtp_tls_security_level (verify or secure)' },
  lmtp_tls_enforce_peername: { replacement: 'lmtp_tls_security_level (verify or secure)' },
  smtpd_tls_dh1024_param_file: { replacement: "nothing: remove it (Postfix's built-in groups are used; warned since 3.9)" },
  smtpd_tls_eecdh_grade: { replacement: 'nothing: remove it (warned since 3.9)' },
  smtp_tls_cipherlist: { replacement: 'smtp_tls_mandatory_ciphers' },
  smtpd_tls_cipherlist: { replacement: 'smtpd_tls_mandatory_ciphers' },
  tlsproxy_client_level: { replacement: 'tlsproxy_client_security_level (warned since 3.11)' },
  tlsproxy_client_policy: { replacement: 'tlsproxy_client_policy_maps (warned since 3.11)' },
};

/** The security level the old yes/no pair means, for the prefix `smtpd` or `smtp`. */
function levelFromOldPair(prefix: string, get: (name: string) => string | undefined): string | undefined {
  const enforce = get(`${prefix}_enforce_tls`)?.trim().toLowerCase() === 'yes';
  const use = get(`${prefix}_use_tls`)?.trim().toLowerCase() === 'yes';
  return enforce ? 'encrypt' : use ? 'may' : undefined;
}

export function checkMainCfSyntax(main: MainCfDocument): ConfigFinding[] {
  const out: ConfigFinding[] = main.problems.map((p) => finding('postfix-syntax', 'error', p.message, p.range, POSTCONF_DOC));
  for (const entry of main.entries) {
    const last = main.byName.get(entry.name);
    if (last && last !== entry) {
      out.push(finding('postfix-duplicate-parameter', 'warning', `${entry.name} is set again on line ${last.range.start.line + 1}; this earlier value is ignored.`, entry.nameRange, paramDoc(entry.name)));
    }
  }
  return out;
}

export function checkMasterCfSyntax(master: MasterCfDocument, services: PostfixService[]): ConfigFinding[] {
  const out: ConfigFinding[] = master.problems.map((p) => finding('postfix-syntax', 'error', p.message, p.range, MASTER_DOC));
  for (const s of services) {
    if (s.type === 'inet' && s.port === undefined && !isTemplateValue(s.name)) {
      out.push(finding('postfix-unknown-service', 'warning', `The service name ${s.name} does not resolve to a TCP port.`, s.entry.serviceRange, MASTER_DOC));
    }
  }
  return out;
}

/** Deprecated names in main.cf (entries in effect) and in every `-o`. */
export function checkDeprecated(main: MainCfDocument | undefined, services: PostfixService[]): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  if (main) {
    const get = (n: string) => main.byName.get(n)?.value;
    for (const entry of main.byName.values()) {
      const dep = Object.hasOwn(DEPRECATED, entry.name) ? DEPRECATED[entry.name] : undefined;
      if (dep) out.push(deprecatedFinding(entry.name, dep, entry, get, (n) => main.byName.has(n)));
    }
  }
  for (const s of services) {
    if (!s.entry.options.some((o) => Object.hasOwn(DEPRECATED, o.name))) continue;
    const opts = new Map(s.entry.options.map((o) => [o.name, o] as const));
    for (const o of opts.values()) {
      const dep = Object.hasOwn(DEPRECATED, o.name) ? DEPRECATED[o.name] : undefined;
      if (dep) out.push(deprecatedFinding(o.name, dep, o, (n) => opts.get(n)?.value, (n) => opts.has(n) || s.scope.isSet(n)));
    }
  }
  return out;
}

function deprecatedFinding(
  name: string,
  dep: Deprecation,
  at: MainCfEntry | MasterOption,
  get: (name: string) => string | undefined,
  isSet: (name: string) => boolean,
): ConfigFinding {
  const message = `${name} is deprecated; use ${dep.replacement}.`;
  const isOption = 'assignmentRange' in at;
  const fixRange = isOption ? at.assignmentRange : at.range;
  const pair = /^(smtpd?|lmtp)_(use|enforce)_tls$/.exec(name);
  let fix: ConfigFinding['fix'];
  if (pair) {
    const prefix = pair[1]!;
    const levelName = `${prefix}_tls_security_level`;
    const sibling = `${prefix}_${pair[2] === 'use' ? 'enforce' : 'use'}_tls`;
    if (isSet(levelName)) {
      // The level wins over the old pair, so the old line has no effect and can go.
      if (!isOption) fix = { title: `Remove ${name} (${levelName} is set)`, range: fixRange, newText: '' };
    } else if (get(sibling) === undefined) {
      const level = levelFromOldPair(prefix, get) ?? 'none';
      fix = { title: `Replace with ${levelName} = ${level}`, range: fixRange, newText: isOption ? `${levelName}=${level}` : `${levelName} = ${level}` };
    }
  } else if (name === 'smtpd_tls_eecdh_grade' && !isOption) {
    fix = { title: `Remove ${name}`, range: fixRange, newText: '' };
  }
  return finding('postfix-deprecated-parameter', 'warning', message, at.nameRange, paramDoc(name), fix);
}

/**
 * Names Postfix's own defaults reference without defining (virtual_alias_maps = $virtual_maps,
 * kept from Postfix 1.x): `postconf -x` expands them to nothing without a warning.
 */
const LEGACY_REFERENCED = new Set(['virtual_maps']);

/** Undefined references and loops, for every value written in main.cf or an `-o`. */
export function checkExpansion(main: MainCfDocument | undefined, services: PostfixService[], mainScope: ParamScope): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  // The effective values already carry their expansion (cached, shared across services).
  const report = (name: string, value: string, range: MainCfEntry['valueRange'], scope: ParamScope) => {
    if (!value.includes('$')) return;
    const x = scope.effective(name).expansion;
    if (x.loop) out.push(finding('postfix-expansion-loop', 'error', `Expanding ${name} runs into a $name loop (or nesting deeper than Postfix allows).`, range, paramDoc(name)));
    for (const u of x.undefinedNames.filter((n) => !LEGACY_REFERENCED.has(n)).slice(0, 5)) {
      out.push(finding('postfix-undefined-parameter', 'warning', `${name} refers to $${u}, which is defined nowhere and expands to nothing.`, range, paramDoc(name)));
    }
  };
  if (main) for (const e of main.byName.values()) report(e.name, e.value, e.valueRange, mainScope);
  for (const s of services) {
    // Only the last -o of a name is in effect; earlier ones are never expanded.
    const last = new Map<string, MasterOption>();
    for (const o of s.entry.options) if (o.value.includes('$')) last.set(o.name, o);
    for (const o of last.values()) report(o.name, o.value, o.valueRange, s.scope);
  }
  return out;
}
