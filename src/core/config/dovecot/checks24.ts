/**
 * What Dovecot 2.4 refuses that 2.3 took: unknown names (2.4 resolves a name inside a section
 * with the section's prefix too, `inet_listener { port }` is `inet_listener_port`), section
 * types it does not know, named lists without a name, groups with one, `plugin { }`.
 */
import type { ConfigFinding } from '../types';
import type { DovecotDocument, SectionNode, SettingNode } from './document';
import { FILTER_TYPES } from './effective';
import { BOOLEAN_LIST_SETTINGS_24, BOOLEAN_SETTINGS_24, GROUP_SECTIONS_24, KNOWN_SETTINGS_24, NAMED_SECTIONS_24 } from './known24';
import { SYNTAX_DOC_24, UPGRADE_DOC_24, settingDocUrl } from './settingsDocs';
import { closestName, invalidNetwork, parseDovecotBool } from './values';
import { visitSections } from './visit';

/** The section a setting belongs to, filters (`protocol`, `local`, ...) looked through. */
const innermost = (sections: SectionNode[]) => [...sections].reverse().find((s) => !FILTER_TYPES.has(s.type));

/** A list setting written as a section (`mail_plugins { quota = yes }`) takes any key. */
const isListSection = (s: SectionNode) => KNOWN_SETTINGS_24.has(s.type) && !NAMED_SECTIONS_24.has(s.type) && !GROUP_SECTIONS_24.has(s.type);

/** The names doveconf tries for `n` inside `section`: `port` in `inet_listener imaps` is also `inet_listener_port`, `inet_listener_imaps_port`. */
const candidates = (n: string, section: SectionNode | undefined) => (section ? [n, `${section.type}_${n}`, ...(section.name ? [`${section.type}_${section.name}_${n}`] : [])] : [n]);

/** Why Dovecot 2.4 refuses a yes/no value (a boolean setting, or an entry of a boolean list), or undefined. */
export function invalidBoolean24(node: SettingNode, sections: SectionNode[]): string | undefined {
  if (node.valueKind === 'variable' || parseDovecotBool(node.value) !== undefined) return undefined;
  const section = innermost(sections);
  if (section && isListSection(section)) {
    return BOOLEAN_LIST_SETTINGS_24.has(section.type) ? `${section.type} entries are yes or no; Dovecot refuses "${node.value}" for ${node.name}.` : undefined;
  }
  const name = candidates(node.name, section).find((c) => KNOWN_SETTINGS_24.has(c));
  return name && BOOLEAN_SETTINGS_24.has(name) ? `${node.name} is yes or no; Dovecot refuses "${node.value}".` : undefined;
}

/**
 * Whether Dovecot 2.4 knows setting `n` written inside `sections`; undefined where it cannot be
 * told (a group include, a placeholder, any key of a list section, inside an unknown section).
 */
export function knownIn24(n: string, sections: SectionNode[]): boolean | undefined {
  // `@group = name` includes a settings group (2.4's @metric_defaults and the like); a `%name`
  // is a template placeholder (modoboa), filled in at deploy time.
  if (n.startsWith('@') || n.startsWith('%')) return undefined;
  const section = innermost(sections);
  if (section && isListSection(section)) return undefined;
  // Inside a section Dovecot does not know, the section's own error says it all.
  if (section && !NAMED_SECTIONS_24.has(section.type) && !GROUP_SECTIONS_24.has(section.type)) return undefined;
  return candidates(n, section).some((c) => KNOWN_SETTINGS_24.has(c) || PACKAGE_SETTINGS_24.has(c));
}

export function unknownSetting24(node: SettingNode, sections: SectionNode[]): ConfigFinding | undefined {
  const n = node.name;
  if (knownIn24(n, sections) !== false) return undefined;
  const section = innermost(sections);
  const tried = candidates(n, section);
  const prefix = section ? `${section.type}_` : '';
  const guess = closestName(prefix + n, KNOWN_SETTINGS_24) ?? (prefix ? closestName(n, KNOWN_SETTINGS_24) : undefined);
  const shown = guess && prefix && guess.startsWith(prefix) ? guess.slice(prefix.length) : guess;
  const where = section ? ` in ${section.type} { } (nor ${tried.slice(1).join(' nor ')})` : '';
  const finding: ConfigFinding = {
    id: 'dovecot-unknown-setting',
    severity: 'error',
    message: `Dovecot 2.4 has no setting ${n}${where}${shown ? ` (did you mean ${shown}?)` : ''}; it refuses to start.`,
    range: node.nameRange,
    docUrl: settingDocUrl(guess ?? n, '2.4'),
  };
  if (shown) finding.fix = { title: `Rename to ${shown}`, range: node.nameRange, newText: shown };
  return finding;
}

/**
 * Sections that packages the oracle's doveconf lacks register (the SQL drivers of dovecot-mysql,
 * -pgsql, -sqlite, Cassandra), and filter sections doveconf -a does not list.
 */
const PACKAGE_SECTIONS_24 = new Set(['mysql', 'pgsql', 'sqlite', 'cassandra', 'mail_attribute', 'dict_server', 'acl_sharing_map']);

/** Settings of plugins the oracle's doveconf has not loaded (fts-flatcurve). */
const PACKAGE_SETTINGS_24 = new Set(['fts_flatcurve_commit_limit', 'fts_flatcurve_max_term_size', 'fts_flatcurve_min_term_size', 'fts_flatcurve_optimize_limit', 'fts_flatcurve_rotate_count', 'fts_flatcurve_rotate_time', 'fts_flatcurve_substring_search']);

export const knownSection = (t: string) => NAMED_SECTIONS_24.has(t) || GROUP_SECTIONS_24.has(t) || KNOWN_SETTINGS_24.has(t) || PACKAGE_SECTIONS_24.has(t);

/**
 * The type Dovecot 2.4 resolves a section to: inside `metric`, `group_by` is `metric_group_by`;
 * inside that, `method` is `metric_group_by_method`; inside `quota`, `warning` is `quota_warning`.
 */
export function resolvedType(section: SectionNode, parents: SectionNode[]): string {
  if (knownSection(section.type)) return section.type;
  for (let i = parents.length - 1; i >= 0; i--) {
    const parent = parents[i]!;
    if (FILTER_TYPES.has(parent.type)) continue;
    const prefixed = `${resolvedType(parent, parents.slice(0, i))}_${section.type}`;
    return knownSection(prefixed) ? prefixed : section.type;
  }
  return section.type;
}

export function sectionChecks24(findings: ConfigFinding[], doc: DovecotDocument): void {
  for (const { node: section, parents } of visitSections(doc.children)) {
    const { name } = section;
    const type = resolvedType(section, parents);
    if (PACKAGE_SECTIONS_24.has(type)) continue;
    // Usually a closing brace lost above: the section opened inside its own kind.
    if (NAMED_SECTIONS_24.has(type) && parents.some((p) => p.type === type)) {
      findings.push({ id: 'dovecot-24-section-syntax', severity: 'error', message: `A ${type} section inside another ${type} section: Dovecot refuses it (is a closing brace missing above?).`, range: section.headerRange, docUrl: SYNTAX_DOC_24 });
      continue;
    }
    let message: string | undefined;
    const docUrl = UPGRADE_DOC_24;
    if (type === 'local' || type === 'remote') {
      const invalid = invalidNetwork(name);
      if (invalid) findings.push({ id: 'dovecot-invalid-value', severity: 'error', message: invalid, range: section.nameRange ?? section.headerRange, docUrl: SYNTAX_DOC_24 });
      continue;
    }
    if (FILTER_TYPES.has(type)) continue;
    if (type === 'plugin') message = 'Dovecot 2.4 has no plugin { } section: plugin settings are written as global settings.';
    else if ((type === 'passdb' || type === 'userdb') && name === '') message = `Dovecot 2.4 requires a name for every ${type}: write "${type} <name> {" (e.g. the driver name).`;
    else if (NAMED_SECTIONS_24.has(type) && name === '') message = `A ${type} section needs a name in Dovecot 2.4: "${type} <name> {".`;
    else if (GROUP_SECTIONS_24.has(type) && name !== '') message = `${type} { } takes no name in Dovecot 2.4: its settings apply to the enclosing scope.`;
    else if (!NAMED_SECTIONS_24.has(type) && !GROUP_SECTIONS_24.has(type) && !KNOWN_SETTINGS_24.has(type)) {
      const guess = closestName(type, [...NAMED_SECTIONS_24, ...GROUP_SECTIONS_24]);
      const finding: ConfigFinding = {
        id: 'dovecot-24-section-syntax',
        severity: 'error',
        message: `Dovecot 2.4 has no "${type}" section${guess ? ` (did you mean ${guess}?)` : ''}; it refuses to start.`,
        range: section.typeRange,
        docUrl: SYNTAX_DOC_24,
      };
      if (guess) finding.fix = { title: `Rename to ${guess}`, range: section.typeRange, newText: guess };
      findings.push(finding);
      continue;
    }
    if (message) findings.push({ id: 'dovecot-24-section-syntax', severity: 'error', message, range: section.headerRange, docUrl });
  }
}
