// The dialog as a timeline: one row per phase, a bar to scale on a shared axis, and the
// transcript lines beneath each row on demand (<details>, which needs no script).
import type { ProbeResult } from '../../probe/types';
import { buildTimeline, type Phase } from '../timeline';
import { css, h, type VNode } from '../vnode';
import { ms, percent } from './common';

const ARROW = { client: 'C:', server: 'S:', info: '--' } as const;

export function dialogView(result: ProbeResult): VNode {
  const timeline = buildTimeline(result);
  return h('section', { class: 'dialog', 'data-part': 'timeline' },
    h('h3', null, 'Dialog'),
    h('div', { class: 'axis', 'aria-hidden': 'true' }, h('span', null, '0'), h('span', null, ms(timeline.total / 2)), h('span', null, ms(timeline.total))),
    timeline.phases.map((p) => phaseRow(p, timeline.total)),
    timeline.phases.length === 0 ? h('p', { class: 'muted' }, 'Nothing was exchanged.') : null,
  );
}

function phaseRow(p: Phase, total: number): VNode {
  const duration = p.end - p.start;
  const bar = css(h('span', { class: `bar bar-${p.kind}`, 'data-start': p.start, 'data-ms': duration, title: `${p.label}: ${ms(duration)} (from ${ms(p.start)})` }),
    { left: percent(p.start, total), width: percent(Math.max(duration, total / 400), total) });
  const row = [
    h('span', { class: 'phase-label' }, p.label),
    h('span', { class: 'phase-ms' }, ms(duration)),
    h('span', { class: 'track' }, bar),
  ];
  if (p.lines.length === 0) return h('div', { class: `phase phase-${p.kind}`, 'data-phase': p.kind }, h('div', { class: 'phase-row' }, row));
  return h('details', { class: `phase phase-${p.kind}`, 'data-phase': p.kind },
    h('summary', { class: 'phase-row' }, row),
    h('pre', { class: 'lines' }, p.lines.map((e) =>
      h('span', { class: `line line-${e.direction}` }, `${String(e.at).padStart(6)} ms ${ARROW[e.direction]} `, e.text, '\n'))));
}
