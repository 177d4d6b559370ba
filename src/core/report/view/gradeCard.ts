// The grade card: the letter, what was probed, and every reason behind the letter.
import type { EndpointSection } from '../input';
import { h, type VNode } from '../vnode';
import { gradeClass, type ViewOptions } from './common';

export function gradeCard(section: EndpointSection, options: ViewOptions): VNode {
  const { result, grade } = section;
  const letter = grade.letter ?? '–';
  const mode = result.tlsMode === 'starttls' ? 'STARTTLS' : 'implicit TLS';
  const negotiated = result.tls ? `${result.tls.version} · ${result.tls.cipher}${result.tls.group ? ` · ${result.tls.group}` : ''}` : 'no TLS session';
  return h('section', { class: `card ${gradeClass(grade.letter)}`, 'data-part': 'grade-card', 'aria-label': `Grade ${letter} for ${result.target}`, tabindex: 0 },
    h('div', { class: 'card-letter', 'data-grade': letter, 'aria-hidden': 'true' }, letter),
    h('div', { class: 'card-body' },
      h('h2', { class: 'card-target' }, result.target),
      h('p', { class: 'card-meta' }, `${result.protocol} · ${mode}${result.address ? ` · ${result.address}` : ''} · probed ${result.startedAt.replace('T', ' ').slice(0, 19)} UTC`),
      h('p', { class: 'card-tls' }, negotiated),
      grade.score !== null ? h('p', { class: 'card-score' }, `Score ${grade.score} / 100`, grade.ifTrusted ? ` · ${grade.ifTrusted} if the certificate were trusted` : '') : null,
      h('ul', { class: 'reasons' }, grade.reasons.map((r) =>
        h('li', { class: `reason reason-${r.kind}` }, r.text))),
      options.mode === 'webview'
        ? h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Report actions' },
          h('button', { type: 'button', 'data-action': 'probe-again', 'data-target': result.target }, 'Probe again'),
          h('button', { type: 'button', 'data-action': 'export-png', 'data-target': result.target }, 'Save card as PNG'),
          h('button', { type: 'button', 'data-action': 'export-html' }, 'Export as HTML'))
        : null,
    ));
}
