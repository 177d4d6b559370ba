// Findings grouped by severity. Each probe finding lists the config lines behind it: in the
// editor a button opens the file at the line, in the exported file the file:line is text.
import { SEVERITY_ORDER, type Severity } from '../../findings';
import type { EndpointSection, LocatedFinding } from '../input';
import { h, type VNode } from '../vnode';
import type { ViewOptions } from './common';

const HEADINGS: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Information' };

interface Item {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
  located: LocatedFinding[];
}

export function locationView(l: LocatedFinding, options: ViewOptions): VNode {
  const where = `${l.display}:${l.line}`;
  return options.mode === 'webview'
    ? h('button', { type: 'button', class: 'loc', 'data-action': 'open', 'data-file': l.file, 'data-line': l.line, title: `Open ${where}` }, where)
    : h('code', { class: 'loc' }, where);
}

export function findingsView(section: EndpointSection, options: ViewOptions): VNode {
  const { result, located } = section;
  const items: Item[] = result.findings.map((f) => ({ ...f, located: located.filter((l) => l.explains === f.id) }));
  const shown = new Set(items.flatMap((i) => i.located));
  for (const l of located) if (!shown.has(l)) items.push({ id: l.id, severity: l.severity, title: l.message, detail: '', located: [l] });
  items.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const groups = (['error', 'warning', 'info'] as const).map((severity) => {
    const list = items.filter((i) => i.severity === severity);
    if (!list.length) return null;
    return h('div', { class: `severity severity-${severity}`, 'data-severity': severity },
      h('h4', null, `${HEADINGS[severity]} (${list.length})`),
      h('ul', { class: 'findings' }, list.map((i) => h('li', { class: 'finding', 'data-id': i.id },
        h('div', { class: 'finding-head' }, h('code', { class: 'finding-id' }, i.id), ' ', h('strong', null, i.title)),
        i.detail ? h('p', { class: 'finding-detail' }, i.detail) : null,
        i.located.length ? h('ul', { class: 'locations' }, i.located.map((l) => h('li', null, locationView(l, options), l.message !== i.title ? ` ${l.message}` : ''))) : null))));
  });
  return h('section', { class: 'findings-section', 'data-part': 'findings' },
    h('h3', null, 'Findings'),
    items.length ? groups : h('p', { class: 'muted' }, 'None.'));
}
