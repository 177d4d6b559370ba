// The whole report as one element tree: the domain summary (if any), then per endpoint its
// grade card, dialog, chain, suites and findings. Rendered to a string for the file and the
// CLI, and to DOM in the editor's webview.
import { letterRank } from '../grade';
import type { EndpointSection, ReportInput } from '../input';
import { h, type VNode } from '../vnode';
import { chainView } from './chain';
import { gradeClass, slug, type ViewOptions } from './common';
import { dialogView } from './dialog';
import { domainView } from './domain';
import { findingsView } from './findings';
import { gradeCard } from './gradeCard';
import { suitesView } from './suites';

export type { ReportMode, ViewOptions } from './common';

function endpointView(section: EndpointSection, options: ViewOptions): VNode {
  return h('article', { class: 'endpoint', id: `ep-${slug(section.result.target)}`, 'data-target': section.result.target },
    gradeCard(section, options),
    dialogView(section.result),
    chainView(section.result),
    suitesView(section.result),
    findingsView(section, options));
}

function overview(input: ReportInput): VNode | null {
  if (input.endpoints.length < 2) return null;
  const sorted = [...input.endpoints].sort((a, b) => letterRank(b.grade.letter ?? 'F') - letterRank(a.grade.letter ?? 'F'));
  return h('table', { class: 'overview', 'data-part': 'overview' },
    h('thead', null, h('tr', null, h('th', null, 'Endpoint'), h('th', null, 'Grade'), h('th', null, 'TLS'))),
    h('tbody', null, sorted.map((s) => h('tr', { class: gradeClass(s.grade.letter) },
      h('td', null, h('code', null, s.result.target)),
      h('td', { class: 'mx-grade' }, s.grade.letter ?? '–'),
      h('td', null, s.result.tls ? `${s.result.tls.version} ${s.result.tls.cipher}` : 'none')))));
}

export function buildReport(input: ReportInput, options: ViewOptions): VNode {
  return h('main', { class: `report mode-${options.mode}`, 'data-generated': input.generatedAt },
    h('header', { class: 'report-head' },
      h('h1', null, input.title),
      h('p', { class: 'muted' }, `Made ${input.generatedAt.replace('T', ' ').slice(0, 19)} UTC by Mail TLS Inspector. Grades follow SSL Labs' SSL Server Rating Guide, adapted to mail.`)),
    input.domains.map((d) => domainView(d, options)),
    overview(input),
    input.endpoints.map((s) => endpointView(s, options)),
    input.endpoints.length === 0 && input.domains.length === 0 ? h('p', { class: 'muted' }, 'Nothing probed yet.') : null);
}
