// A domain's summary: the weakest MX's grade, each MX with its own, and the DNS findings.
import { SEVERITY_ORDER } from '../../findings';
import type { DomainSection } from '../input';
import { h, type VNode } from '../vnode';
import { gradeClass, type ViewOptions } from './common';

export function domainView(domain: DomainSection, options: ViewOptions): VNode {
  const letter = domain.letter ?? '–';
  const findings = [...domain.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return h('section', { class: 'domain', 'data-part': 'domain', 'data-domain': domain.domain },
    h('section', { class: `card ${gradeClass(domain.letter)}`, 'data-part': 'grade-card', 'aria-label': `Grade ${letter} for ${domain.domain}`, tabindex: 0 },
      h('div', { class: 'card-letter', 'data-grade': letter, 'aria-hidden': 'true' }, letter),
      h('div', { class: 'card-body' },
        h('h2', { class: 'card-target' }, domain.domain),
        h('p', { class: 'card-meta' }, `${domain.mx.length} MX host${domain.mx.length === 1 ? '' : 's'}`),
        h('ul', { class: 'reasons' }, domain.reasons.map((r) => h('li', { class: 'reason' }, r))),
        options.mode === 'webview'
          ? h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Report actions' },
            h('button', { type: 'button', 'data-action': 'export-png', 'data-target': domain.domain }, 'Save card as PNG'))
          : null)),
    h('table', { class: 'mx' },
      h('thead', null, h('tr', null, h('th', null, 'MX'), h('th', null, 'Preference'), h('th', null, 'Endpoints'), h('th', null, 'Grade'))),
      h('tbody', null, domain.mx.map((m) => h('tr', { class: gradeClass(m.letter) },
        h('td', null, h('code', null, m.host)),
        h('td', null, m.preference === null ? '' : String(m.preference)),
        h('td', null, m.targets.join(', ')),
        h('td', { class: 'mx-grade' }, m.letter ?? '–'))))),
    h('h3', null, 'DNS'),
    findings.length
      ? h('ul', { class: 'findings' }, findings.map((f) => h('li', { class: `finding severity-${f.severity}`, 'data-id': f.id },
        h('div', { class: 'finding-head' }, h('code', { class: 'finding-id' }, f.id), ' ', h('strong', null, f.title)),
        f.detail ? h('p', { class: 'finding-detail' }, f.detail) : null)))
      : h('p', { class: 'muted' }, 'No DNS finding.'));
}
