// Cipher suites per version in the server's order, coloured by grade; then groups and OCSP.
// Shown only when the probe enumerated them.
import type { ProbeResult } from '../../probe/types';
import { versionLabel } from '../../probe/versions';
import { groupsOf, ocspOf, scanFlagsOf, suiteTablesOf } from '../probeExtras';
import type { SuiteTable } from '../suites';
import { h, type VNode } from '../vnode';


const yesNo = (v: boolean) => (v ? 'yes' : 'no');

function table(t: SuiteTable): VNode {
  const order = t.serverOrder === null ? 'order unknown' : t.serverOrder ? "server's order" : "client's order (the server does not enforce one)";
  return h('div', { class: 'suite-version', 'data-version': t.version },
    h('h4', null, `${versionLabel(t.version)} · ${t.suites.length} suite${t.suites.length === 1 ? '' : 's'} · ${order}`),
    h('table', { class: 'suites' },
      h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'Suite'), h('th', null, 'Bits'), h('th', null, 'Key exchange'), h('th', null, 'Forward secret'), h('th', null, 'AEAD'), h('th', null, 'Grade'))),
      h('tbody', null, t.suites.map((s, i) => h('tr', { class: `suite suite-${s.grade}`, 'data-grade': s.grade },
        h('td', null, String(i + 1)),
        h('td', null, h('code', null, s.name), s.openssl && s.openssl !== s.name ? h('small', null, ` ${s.openssl}`) : null),
        h('td', null, String(s.bits)),
        h('td', null, s.keyExchange ?? ''),
        h('td', null, yesNo(s.forwardSecret)),
        h('td', null, yesNo(s.aead)),
        h('td', { class: 'suite-grade' }, s.grade))))));
}

export function suitesView(result: ProbeResult): VNode | null {
  const tables = suiteTablesOf(result);
  const groups = groupsOf(result);
  const ocsp = ocspOf(result);
  const flags = scanFlagsOf(result);
  if (!tables && !groups && !ocsp && !flags) return null;
  const flag = (v: boolean | null, yes: string, no: string) => (v === null ? 'not tested' : v ? yes : no);
  return h('section', { class: 'suites-section', 'data-part': 'suites' },
    h('h3', null, 'Cipher suites and key exchange'),
    tables ? tables.map(table) : h('p', { class: 'muted' }, 'The suites were not enumerated.'),
    groups ? h('p', { class: 'groups' }, h('strong', null, 'Groups: '), groups.length ? groups.join(', ') : 'none reported') : null,
    flags ? h('p', { class: 'scan-flags' }, h('strong', null, 'Fallback SCSV: '), flag(flags.fallbackScsv, 'honoured', 'not honoured'),
      ' · ', h('strong', null, 'Secure renegotiation: '), flag(flags.secureRenegotiation, 'supported', 'not supported')) : null,
    flags?.notes.length ? h('p', { class: 'muted' }, `Incomplete: ${flags.notes.join('; ')}`) : null,
    ocsp ? h('p', { class: 'ocsp' }, h('strong', null, 'OCSP stapling: '), ocsp.stapled ? `stapled${ocsp.status ? `, ${ocsp.status}` : ''}${ocsp.detail ? ` (${ocsp.detail})` : ''}` : 'no staple') : null,
  );
}
