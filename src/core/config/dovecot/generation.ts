/**
 * Which Dovecot generation a config is written for. A dovecot.conf says it: 2.4 requires
 * `dovecot_config_version` as its first setting, and without one it is 2.3. A fragment linted on
 * its own (a conf.d file, an `.inc`) has no version of its own: the dovecot.conf that includes it
 * decides. So a fragment's generation is read from the names it uses: a name or section only 2.4
 * knows (`passwd_file_path`, `userdb { fields { } }`) or only 2.3 knows (`args`, `plugin { }`).
 * A fragment with neither, or with both, is undecided: a name known to either generation is
 * accepted, and only a name neither knows is reported.
 */
import { basename } from 'node:path';
import type { SourceRange } from '../types';
import { knownIn24, knownSection, resolvedType } from './checks24';
import type { DovecotDocument, SectionNode } from './document';
import { FILTER_TYPES } from './effective';
import { CHILD_SECTIONS_23, KNOWN_SETTINGS_23, OBSOLETE_23, SECTION_FIELDS_23, TOP_SECTIONS_23 } from './known23';
import { sectionPath, visitSections, visitSettings } from './visit';

/** A name that only one generation knows, where it is written. */
export interface GenerationEvidence {
  name: string;
  range: SourceRange;
}

export interface DovecotGeneration {
  /** The setting names and defaults applied. An undecided fragment gets 2.3's, the older default. */
  version: '2.3' | '2.4';
  /**
   * `declared`: dovecot_config_version is set; `default`: a dovecot.conf without it (2.3);
   * `inferred`: a fragment whose names only `version` knows; `undecided`: a fragment whose names
   * fit both generations, or that mixes them.
   */
  source: 'declared' | 'default' | 'inferred' | 'undecided';
  /** The first name only 2.3 knows and the first only 2.4 knows (a fragment's evidence). */
  only23?: GenerationEvidence;
  only24?: GenerationEvidence;
}

/** Whether Dovecot 2.3.19 knows setting `n` inside `sections`; undefined inside sections it takes any key (plugin, dict). */
export function knownIn23(n: string, sections: SectionNode[]): boolean | undefined {
  const known = sections.every((s) => FILTER_TYPES.has(s.type)) ? KNOWN_SETTINGS_23 : SECTION_FIELDS_23[sectionPath(sections)];
  if (!known) return undefined;
  return known.has(n) || OBSOLETE_23.has(n);
}

/** Whether 2.3 takes a section of this type here; undefined where it cannot be told. */
function sectionIn23(section: SectionNode, parents: SectionNode[]): boolean | undefined {
  const path = sectionPath(parents);
  if (path === '') return TOP_SECTIONS_23.includes(section.type) || KNOWN_SETTINGS_23.has(section.type);
  const allowed = CHILD_SECTIONS_23[path];
  return allowed ? allowed.includes(section.type) : undefined;
}

/** Whether 2.4 takes it: a type it knows, and passdb/userdb with the name 2.4 requires. */
function sectionIn24(section: SectionNode, parents: SectionNode[]): boolean | undefined {
  if ((section.type === 'passdb' || section.type === 'userdb') && section.name === '') return false;
  return knownSection(resolvedType(section, parents));
}

export function dovecotGeneration(root: string, doc: DovecotDocument): DovecotGeneration {
  const settings = visitSettings(doc.children);
  if (settings.some((s) => s.node.name === 'dovecot_config_version')) return { version: '2.4', source: 'declared' };
  if (basename(root) === 'dovecot.conf') return { version: '2.3', source: 'default' };
  const evidence: { only23?: GenerationEvidence; only24?: GenerationEvidence } = {};
  const vote = (in23: boolean | undefined, in24: boolean | undefined, name: string, range: SourceRange) => {
    if (in23 === true && in24 === false) evidence.only23 ??= { name, range };
    if (in23 === false && in24 === true) evidence.only24 ??= { name, range };
  };
  for (const { node, sections } of settings) vote(knownIn23(node.name, sections), knownIn24(node.name, sections), node.name, node.nameRange);
  for (const { node, parents } of visitSections(doc.children)) {
    if (!FILTER_TYPES.has(node.type)) vote(sectionIn23(node, parents), sectionIn24(node, parents), `${node.type} { }`, node.typeRange);
  }
  if (evidence.only24 && !evidence.only23) return { version: '2.4', source: 'inferred', only24: evidence.only24 };
  if (evidence.only23 && !evidence.only24) return { version: '2.3', source: 'inferred', only23: evidence.only23 };
  return { version: '2.3', source: 'undecided', ...evidence };
}

/** `passwd_file_path (line 7)`, for messages. */
export const describeEvidence = (e: GenerationEvidence): string => `${e.name} (line ${e.range.start.line + 1}${e.range.file ? ` of ${basename(e.range.file)}` : ''})`;
