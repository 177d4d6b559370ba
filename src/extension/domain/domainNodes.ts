// The Endpoint Explorer's domain nodes: each domain (from `mailTls.domains` or checked by
// hand) with its DNS state, its findings, its MX hosts in preference order with every address
// and its probe, the SRV services, DANE, MTA-STS and TLS-RPT. Children come from the result
// in memory; nothing here reads files or the network.
import * as vscode from 'vscode';
import type { AddressCheck, DomainFinding, DomainResult, MxHostCheck, SrvCheck } from '../../core/domain';
import { endpointStatus, type EndpointState, type EndpointStatus } from '../../core/endpointStatus';
import { SEVERITY_ORDER, type Severity } from '../../core/findings';
import { ageText } from '../report/age';
import type { DomainEntry } from './domainStore';

type Status = Exclude<EndpointStatus, 'unprobed'> | 'unchecked';

const STATUS_ICONS: Record<Status, vscode.ThemeIcon> = {
  unchecked: new vscode.ThemeIcon('globe', new vscode.ThemeColor('testing.iconUnset')),
  running: new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('testing.iconQueued')),
  passed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

const SEVERITY_ICONS: Record<Severity, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

/** The endpoints' verdict, for a domain (its findings) and for each address (its probe). */
function statusOf(state: EndpointState): Status {
  const status = endpointStatus(state);
  return status === 'unprobed' ? 'unchecked' : status;
}

export type DomainTreeNode = DomainsGroupNode | DomainNode | DomainDetailNode;

export class DomainsGroupNode extends vscode.TreeItem {
  readonly kind = 'domainsGroup';
  readonly parent = undefined;
  constructor(readonly domains: readonly { domain: string; origin: 'user' | 'workspace' | 'typed'; entry: DomainEntry | undefined }[]) {
    super(vscode.l10n.t('Domains'), vscode.TreeItemCollapsibleState.Expanded);
    this.id = 'domains';
    this.contextValue = 'mailTls:group:domains';
    this.iconPath = new vscode.ThemeIcon('globe');
    this.tooltip = vscode.l10n.t('Mail domains: from the mailTls.domains setting and those checked with Check Domain…');
  }
  children(): DomainNode[] {
    return this.domains.map((d) => new DomainNode(this, d.domain, d.origin, d.entry));
  }
}

export class DomainNode extends vscode.TreeItem {
  readonly kind = 'domain';
  constructor(readonly parent: DomainsGroupNode, readonly domain: string, readonly origin: 'user' | 'workspace' | 'typed', readonly entry: DomainEntry | undefined) {
    const result = entry?.result;
    super(domain, result || entry?.error ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.id = `domains/${domain}`;
    const status = statusOf({ running: entry?.running, errored: Boolean(entry?.error), result: result && { ok: true, findings: result.findings } });
    this.iconPath = STATUS_ICONS[status];
    this.contextValue = `mailTls:domain:${status}:${origin}`;
    this.description = entry?.running
      ? vscode.l10n.t('checking…')
      : result ? [summary(result), entry?.receivedAt ? ageText(entry.receivedAt) : ''].filter(Boolean).join(' · ') : entry?.error ?? vscode.l10n.t('not checked');
    const md = new vscode.MarkdownString(`**${domain}**`);
    if (result) {
      md.appendMarkdown(`\n\n${vscode.l10n.t('{0} DNS queries · {1} connections · {2} ms', result.stats.dnsQueries, result.stats.connections, result.stats.ms)}`);
      md.appendMarkdown(`\n\n${vscode.l10n.t('Resolver')}: ${result.resolver.servers.join(', ')} (${result.resolver.validates ? vscode.l10n.t('validates DNSSEC') : vscode.l10n.t('does not validate DNSSEC')})`);
    }
    if (entry?.error) md.appendMarkdown(`\n\n${vscode.l10n.t('Check failed: {0}', entry.error)}`);
    this.tooltip = md;
  }
  children(): DomainDetailNode[] {
    const result = this.entry?.result;
    if (!result) return this.entry?.error ? [detail(this, 'error', this.entry.error, '', SEVERITY_ICONS.error)] : [];
    return [dnsNode(this, result), findingsNode(this, result.findings), mxNode(this, result), srvNode(this, result), mtaStsNode(this, result), tlsRptNode(this, result)];
  }
}

/** Every node below a domain: a label, a description, an icon and the children it was built with. */
export class DomainDetailNode extends vscode.TreeItem {
  readonly kind = 'domainDetail';
  private readonly built: DomainDetailNode[] = [];
  constructor(readonly parent: DomainNode | DomainDetailNode, readonly part: string, label: string, description: string, icon: vscode.ThemeIcon, key = part) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${key}`;
    this.description = description;
    this.iconPath = icon;
    this.contextValue = `mailTls:domain-${part}`;
    this.tooltip = description ? `${label} — ${description}` : label;
  }
  add(...children: DomainDetailNode[]): this {
    this.built.push(...children);
    if (this.built.length > 0 && this.collapsibleState === vscode.TreeItemCollapsibleState.None) this.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    return this;
  }
  expanded(): this {
    if (this.built.length > 0) this.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
    return this;
  }
  children(): DomainDetailNode[] {
    return this.built;
  }
}

function detail(parent: DomainNode | DomainDetailNode, part: string, label: string, description: string, icon: vscode.ThemeIcon, key?: string): DomainDetailNode {
  return new DomainDetailNode(parent, part, label, description, icon, key);
}

const icon = (id: string, color?: string) => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
const OK = 'testing.iconPassed';
const BAD = 'testing.iconFailed';

function summary(r: DomainResult): string {
  const parts = [r.mxKind === 'null-mx' ? vscode.l10n.t('null MX') : r.mxKind === 'none' ? vscode.l10n.t('no MX') : r.mxKind === 'unreadable' ? vscode.l10n.t('MX unreadable') : vscode.l10n.t('{0} MX', r.mx.length)];
  parts.push(`DNSSEC ${r.dnssec}`);
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  if (errors || warnings) parts.push(vscode.l10n.t('{0} errors, {1} warnings', errors, warnings));
  return parts.join(' · ');
}

function dnsNode(parent: DomainNode, r: DomainResult): DomainDetailNode {
  const secure = r.dnssec === 'secure';
  const validates = r.resolver.validates ? vscode.l10n.t('validating resolver') : vscode.l10n.t('resolver does not validate');
  return detail(parent, 'dns', vscode.l10n.t('DNS'), `DNSSEC ${r.dnssec} · ${validates} ${r.resolver.servers.join(', ')}`,
    icon(secure ? 'shield' : 'unlock', secure ? OK : r.dnssec === 'bogus' ? BAD : undefined));
}

function findingsNode(parent: DomainNode, findings: readonly DomainFinding[]): DomainDetailNode {
  const node = detail(parent, 'findings', vscode.l10n.t('Findings'), String(findings.length), icon('checklist'));
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  node.add(...sorted.map((f, i) => {
    const n = detail(node, 'finding', `${f.title}: ${f.detail}`, `${f.subject} · ${f.id}`, SEVERITY_ICONS[f.severity], `f${i}`);
    n.tooltip = new vscode.MarkdownString().appendText(`${f.title}\n\n${f.detail}\n\n${f.subject} · ${f.id}`);
    return n;
  }));
  return findings.some((f) => f.severity !== 'info') ? node.expanded() : node;
}

function addressNodes(parent: DomainDetailNode, addresses: readonly AddressCheck[]): DomainDetailNode[] {
  return addresses.map((a) => {
    const p = a.probe;
    const status = statusOf({ result: p ?? undefined });
    const parts = [!p ? vscode.l10n.t('not probed') : p.tls ? `${p.tls.version} · ${p.tls.cipher}` : p.findings[0]?.title ?? vscode.l10n.t('no TLS session')];
    if (a.daneMatch === true) parts.push(vscode.l10n.t('TLSA matches'));
    if (a.daneMatch === false) parts.push(vscode.l10n.t('TLSA does not match'));
    const node = detail(parent, 'address', a.address, parts.join(' · '), STATUS_ICONS[status], `a${a.address}`);
    if (p) node.add(...p.findings.map((f, i) => detail(node, 'finding', `${f.title}: ${f.detail}`, f.id, SEVERITY_ICONS[f.severity], `f${i}`)));
    return node;
  });
}

function mxNode(parent: DomainNode, r: DomainResult): DomainDetailNode {
  const kind = r.mxKind === 'null-mx' ? vscode.l10n.t('null MX: the domain receives no mail')
    : r.mxKind === 'implicit' ? vscode.l10n.t('no MX record: mail goes to the domain\'s own address')
      : r.mxKind === 'none' ? vscode.l10n.t('no MX and no address')
        : r.mxKind === 'unreadable' ? vscode.l10n.t('could not be read (see the findings)') : vscode.l10n.t('{0} hosts', r.mx.length);
  const node = detail(parent, 'mx', 'MX', kind, icon('mail'));
  const hosts = [...r.mx].sort((a, b) => a.preference - b.preference);
  node.add(...hosts.map((mx) => mxHostNode(node, mx)));
  return node.expanded();
}

function mxHostNode(parent: DomainDetailNode, mx: MxHostCheck): DomainDetailNode {
  const parts = [`${vscode.l10n.t('preference')} ${mx.preference}`, `DANE ${mx.dane.state}`];
  if (mx.mtaStsCovered !== null) parts.push(mx.mtaStsCovered ? vscode.l10n.t('in MTA-STS policy') : vscode.l10n.t('not in MTA-STS policy'));
  const failed = mx.addresses.some((a) => a.daneMatch === false || (a.probe && !a.probe.ok));
  const node = detail(parent, 'mx-host', mx.host, parts.join(' · '), icon('server', failed ? BAD : mx.addresses.every((a) => a.probe?.ok) ? OK : undefined), `mx${mx.host}`);
  const addresses = addressNodes(node, mx.addresses);
  const tlsa = detail(node, 'tlsa', `TLSA ${mx.dane.name}`, `${mx.dane.state} · ${mx.dane.records.length} ${vscode.l10n.t('record(s)')}`, icon('key'));
  tlsa.add(...mx.dane.records.map((t, i) => {
    const text = `${t.usage} ${t.selector} ${t.matchingType} ${t.data}`;
    const matched = mx.addresses.some((a) => a.daneMatched.some((m) => text.startsWith(m.replace(/…$/, ''))));
    const n = detail(tlsa, 'tlsa-record', `${t.usage} ${t.selector} ${t.matchingType} ${t.data.slice(0, 16)}…`, matched ? vscode.l10n.t('matches the served chain') : '', icon(matched ? 'check' : 'circle-small', matched ? OK : undefined), `r${i}`);
    n.tooltip = text;
    return n;
  }));
  node.add(...addresses, tlsa);
  return node;
}

function srvNode(parent: DomainNode, r: DomainResult): DomainDetailNode {
  const present = r.srv.filter((s) => s.notOffered || s.targets.length > 0);
  const node = detail(parent, 'srv', vscode.l10n.t('Client services (SRV)'), present.length > 0 ? present.map((s) => s.service).join(', ') : vscode.l10n.t('none published'), icon('plug'));
  node.add(...present.map((s) => srvServiceNode(node, s)));
  return node;
}

function srvServiceNode(parent: DomainDetailNode, s: SrvCheck): DomainDetailNode {
  const node = detail(parent, 'srv-service', s.name, s.notOffered ? vscode.l10n.t('not offered (target .)') : s.targets.map((t) => `${t.target}:${t.port}`).join(', '), icon('symbol-interface'), s.service);
  node.add(...s.targets.map((t) => {
    const target = detail(node, 'srv-target', `${t.target}:${t.port}`, `${vscode.l10n.t('priority')} ${t.priority} · ${vscode.l10n.t('weight')} ${t.weight}`, icon('server'), `t${t.target}:${t.port}`);
    return target.add(...addressNodes(target, t.addresses));
  }));
  return node;
}

function mtaStsNode(parent: DomainNode, r: DomainResult): DomainDetailNode {
  const s = r.mtaSts;
  const description = s.policy
    ? [s.policy.mode ?? vscode.l10n.t('no mode'), `${s.policy.mx.length} mx`, s.policy.maxAge !== null ? `max_age ${s.policy.maxAge}` : ''].filter(Boolean).join(' · ')
    : s.records.length > 0 ? s.fetchError ?? vscode.l10n.t('policy not fetched') : vscode.l10n.t('no _mta-sts record');
  const good = s.policy?.mode === 'enforce' || s.policy?.mode === 'testing';
  const node = detail(parent, 'mta-sts', 'MTA-STS', description, icon(good ? 'lock' : 'unlock', good ? OK : s.fetchError ? BAD : undefined));
  if (s.policy) node.add(...s.policy.mx.map((m, i) => detail(node, 'mta-sts-mx', `mx: ${m}`, '', icon('circle-small'), `p${i}`)));
  if (s.id) node.tooltip = `id=${s.id}${s.policyUrl ? ` · ${s.policyUrl}` : ''}`;
  return node;
}

function tlsRptNode(parent: DomainNode, r: DomainResult): DomainDetailNode {
  const rua = r.tlsRpt.rua;
  return detail(parent, 'tls-rpt', 'TLS-RPT', rua.length > 0 ? rua.join(', ') : vscode.l10n.t('no _smtp._tls record'), icon(rua.length > 0 ? 'report' : 'circle-slash', rua.length > 0 ? OK : undefined));
}
