// The Endpoint Explorer's nodes: one TreeItem subclass per kind, each knowing its parent (for
// getParent/reveal) and building its children from data already in memory.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceRange } from '../../core/config/types';
import type { Finding, Severity } from '../../core/findings';
import type { CertificateInfo, ProbeResult, TlsVersionName } from '../../core/probe/types';
import type { LiveFinding } from '../../core/live/types';
import type { CipherScan, OcspInfo, ScanVersionName, SuiteResult, VersionSuites } from '../../core/probe/types';
import { acceptedVersions, isLegacyVersion, TLS_VERSIONS } from '../../core/probe/versions';
import type { EndpointStatus, StoredError, StoredResult } from '../probing/resultsStore';
import { ageText } from '../report/age';
import type { ConfigRoot, DeclaredEndpoint } from '../workspace/configIndex';
import { countsText, type ProblemCounts } from './problemCounts';
import { rootUri } from './rootDecorations';

export type ExplorerNode =
  | SettingsGroupNode | ConfigRootNode | EndpointNode | NegotiatedNode | VersionsNode | VersionNode | SuiteNode | KeyExchangeNode | OcspNode
  | ChainNode | CertificateNode | FindingsNode | FindingNode | TranscriptNode | ErrorNode;

const STATUS_ICONS: Record<EndpointStatus, vscode.ThemeIcon> = {
  unprobed: new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('testing.iconUnset')),
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

export class SettingsGroupNode extends vscode.TreeItem {
  readonly kind = 'settingsGroup';
  readonly parent = undefined;
  constructor(readonly endpoints: readonly string[]) {
    super(vscode.l10n.t('From settings'), vscode.TreeItemCollapsibleState.Expanded);
    this.id = 'settings';
    this.contextValue = 'mailTls:group:settings';
    this.iconPath = new vscode.ThemeIcon('settings-gear');
    this.tooltip = vscode.l10n.t('Endpoints listed in the mailTls.endpoints setting');
  }
}

/**
 * A config root: a Postfix directory (main.cf, master.cf) or a Dovecot one (dovecot.conf and its
 * conf.d includes), with the host it describes and the problem counts of its files.
 */
export class ConfigRootNode extends vscode.TreeItem {
  readonly kind = 'configRoot';
  readonly parent = undefined;
  readonly endpoints: readonly DeclaredEndpoint[];
  readonly configDir: string;
  constructor(readonly root: ConfigRoot, readonly counts: ProblemCounts) {
    super(rootLabel(root.directory), vscode.TreeItemCollapsibleState.Expanded);
    this.endpoints = root.endpoints;
    this.configDir = root.directory;
    this.id = `config:${root.server}:${root.directory}`;
    // Its own URI: VS Code's decoration of main.cf alone would count one file (see rootDecorations.ts).
    this.resourceUri = rootUri(root);
    const server = root.server === 'postfix' ? 'Postfix' : 'Dovecot';
    const host = root.host.name ?? vscode.l10n.t('host unknown');
    this.description = [server, host, countsText(counts)].join(' · ');
    this.contextValue = 'mailTls:group:config';
    this.iconPath = new vscode.ThemeIcon(root.host.name ? 'server' : 'question');
    const md = new vscode.MarkdownString(`**${server}** — ${escapeMd(root.directory)}`);
    md.appendMarkdown(`\n\n${vscode.l10n.t('Host: {0} ({1})', escapeMd(host), escapeMd(root.host.reason))}`);
    if (!root.host.name) md.appendMarkdown(`\n\n${vscode.l10n.t('Its wildcard listeners are not probed: use "Set Host for This Config…" to say which machine it describes.')}`);
    md.appendMarkdown(`\n\n${vscode.l10n.t('Problems in its files: {0} errors, {1} warnings, {2} infos', counts.errors, counts.warnings, counts.infos)}`);
    md.appendMarkdown(`\n\n${root.files.map((f) => escapeMd(vscode.workspace.asRelativePath(f))).join(', ')}`);
    this.tooltip = md;
    this.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [vscode.Uri.file(root.mainFile)] };
  }
}

/** The root's folder as the workspace names it ("servers/mx1/postfix"), or its own name. */
function rootLabel(directory: string): string {
  const relative = vscode.workspace.asRelativePath(directory, false);
  return relative === directory || relative === '' ? path.basename(directory) || directory : relative;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|]/g, '\\$&');
}

/** What an endpoint node shows, gathered by the provider from the store and the index. */
export interface EndpointData {
  target: string;
  status: EndpointStatus;
  stored: StoredResult | undefined;
  error: StoredError | undefined;
  live: readonly LiveFinding[];
  declaration: DeclaredEndpoint | undefined;
}

export class EndpointNode extends vscode.TreeItem {
  readonly kind = 'endpoint';
  constructor(readonly parent: SettingsGroupNode | ConfigRootNode, readonly data: EndpointData) {
    const hasDetails = Boolean(data.stored || data.error);
    super(data.target, hasDetails ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${data.target}`;
    // A config copied from elsewhere may not say which machine it describes: shown, never probed.
    const unknownHost = data.declaration?.host.known === false;
    this.iconPath = unknownHost ? new vscode.ThemeIcon('question') : STATUS_ICONS[data.status];
    this.contextValue = unknownHost ? 'mailTls:endpointUnknownHost:declared' : `mailTls:endpoint:${data.status}${data.declaration ? ':declared' : ''}`;
    const parts = [data.declaration?.service, data.declaration ? path.basename(data.declaration.fileUri.fsPath) : undefined, unknownHost ? vscode.l10n.t('host unknown, not probed') : undefined, data.stored ? ageText(data.stored.receivedAt) : undefined];
    this.description = parts.filter(Boolean).join(' · ');
    this.tooltip = endpointTooltip(data);
  }
  get target(): string {
    return this.data.target;
  }
}

function endpointTooltip(data: EndpointData): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`**${data.target}**`);
  if (data.declaration) md.appendMarkdown(`\n\n${vscode.l10n.t('Declared by {0} ({1})', data.declaration.service, vscode.workspace.asRelativePath(data.declaration.fileUri))}`);
  if (data.declaration) md.appendMarkdown(`\n\n${vscode.l10n.t('Host: {0}', data.declaration.host.reason)}`);
  if (data.declaration?.host.known === false) md.appendMarkdown(`\n\n${vscode.l10n.t('Not probed: use "Set Host for This Config…" on the config to say which machine it describes.')}`);
  if (data.stored?.result.tls) md.appendMarkdown(`\n\n${data.stored.result.tls.version}, \`${data.stored.result.tls.cipher}\``);
  if (data.error) md.appendMarkdown(`\n\n${vscode.l10n.t('Probe failed: {0}', data.error.message)}`);
  return md;
}

export class NegotiatedNode extends vscode.TreeItem {
  readonly kind = 'negotiated';
  constructor(readonly parent: EndpointNode, result: ProbeResult) {
    super(vscode.l10n.t('Negotiated'), vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/negotiated`;
    this.description = result.tls ? `${result.tls.version} · ${result.tls.cipher}${result.tls.group ? ` · ${result.tls.group}` : ''}` : vscode.l10n.t('no TLS session');
    this.iconPath = new vscode.ThemeIcon('lock');
    this.contextValue = 'mailTls:negotiated';
  }
}

export class VersionsNode extends vscode.TreeItem {
  readonly kind = 'versions';
  constructor(readonly parent: EndpointNode, readonly result: ProbeResult) {
    super(vscode.l10n.t('Accepted versions'), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parent.id}/versions`;
    const accepted = acceptedVersions(result);
    this.description = accepted.length > 0 ? accepted.join(', ') : vscode.l10n.t('none known');
    this.iconPath = new vscode.ThemeIcon('versions');
    this.contextValue = 'mailTls:versions';
  }
  children(): VersionNode[] {
    // With the cipher scan: SSLv2/SSLv3 too when accepted, each version with its suites.
    const scanned = this.result.ciphers?.versions ?? [];
    const legacy = scanned.filter((v) => (v.version === 'SSLv2' || v.version === 'SSLv3') && v.accepted);
    return [
      ...legacy.map((v) => new VersionNode(this, v.version, true, v)),
      ...TLS_VERSIONS.map((v) => new VersionNode(this, v, this.result.versions[v], scanned.find((x) => x.version === v))),
    ];
  }
}

export class VersionNode extends vscode.TreeItem {
  readonly kind = 'version';
  constructor(readonly parent: VersionsNode, version: ScanVersionName, accepted: boolean | null, readonly suites?: VersionSuites) {
    super(version, suites?.suites.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${version}`;
    const weak = version.startsWith('SSL') || isLegacyVersion(version as TlsVersionName);
    const order = suites?.serverOrder === true ? vscode.l10n.t('server order') : suites?.serverOrder === false ? vscode.l10n.t('client order') : '';
    this.description = accepted === true
      ? [suites?.suites.length ? vscode.l10n.t('{0} suites', suites.suites.length) : vscode.l10n.t('accepted'), order].filter(Boolean).join(' · ')
      : accepted === false ? vscode.l10n.t('refused') : vscode.l10n.t('unknown');
    this.iconPath = accepted === true
      ? new vscode.ThemeIcon(weak ? 'warning' : 'check', new vscode.ThemeColor(weak ? 'list.warningForeground' : 'testing.iconPassed'))
      : new vscode.ThemeIcon(accepted === false ? 'close' : 'question');
    this.contextValue = `mailTls:version:${accepted === true ? 'accepted' : accepted === false ? 'refused' : 'unknown'}`;
  }
  children(): SuiteNode[] {
    return (this.suites?.suites ?? []).map((s, i) => new SuiteNode(this, s, i));
  }
}

const GRADE_ICONS: Record<SuiteResult['grade'], vscode.ThemeIcon> = {
  recommended: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  acceptable: new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('testing.iconPassed')),
  weak: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  insecure: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

/** One accepted suite, in the server's order, with its grade as the icon. */
export class SuiteNode extends vscode.TreeItem {
  readonly kind = 'suite';
  constructor(readonly parent: VersionNode, suite: SuiteResult, index: number) {
    super(suite.openssl, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${index}`;
    this.description = [suite.hex, suite.keyExchange, suite.grade].filter(Boolean).join(' · ');
    this.tooltip = new vscode.MarkdownString(`\`${suite.iana}\`\n\n${vscode.l10n.t('key exchange {0}, authentication {1}, {2} {3} bits, MAC {4}, forward secrecy {5}', suite.kx, suite.auth, suite.cipher, suite.bits, suite.mac, suite.forwardSecrecy ? vscode.l10n.t('yes') : vscode.l10n.t('no'))}`);
    this.iconPath = GRADE_ICONS[suite.grade];
    this.contextValue = `mailTls:suite:${suite.grade}`;
  }
}

/** Groups, fallback SCSV and renegotiation from the cipher scan. */
export class KeyExchangeNode extends vscode.TreeItem {
  readonly kind = 'keyExchange';
  constructor(readonly parent: EndpointNode, scan: CipherScan) {
    super(vscode.l10n.t('Groups'), vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/groups`;
    this.description = scan.groups.join(', ') || vscode.l10n.t('none seen');
    const yn = (v: boolean | null) => (v === null ? 'n/a' : v ? vscode.l10n.t('yes') : vscode.l10n.t('no'));
    this.tooltip = vscode.l10n.t('TLS_FALLBACK_SCSV: {0}; secure renegotiation: {1}; {2} connections for the scan', yn(scan.fallbackScsv), yn(scan.secureRenegotiation), scan.connections);
    this.iconPath = new vscode.ThemeIcon('key');
    this.contextValue = 'mailTls:groups';
  }
}

export class OcspNode extends vscode.TreeItem {
  readonly kind = 'ocsp';
  constructor(readonly parent: EndpointNode, ocsp: OcspInfo) {
    super(vscode.l10n.t('OCSP'), vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/ocsp`;
    this.description = ocsp.stapled
      ? [ocsp.certStatus ?? ocsp.responseStatus, ocsp.verified ? vscode.l10n.t('verified') : vscode.l10n.t('not verified'), ocsp.nextUpdate ? vscode.l10n.t('until {0}', ocsp.nextUpdate.slice(0, 10)) : ''].filter(Boolean).join(' · ')
      : ocsp.mustStaple ? vscode.l10n.t('Must-Staple, but no staple') : vscode.l10n.t('no staple');
    this.iconPath = new vscode.ThemeIcon(ocsp.stapled && ocsp.verified ? 'verified' : ocsp.mustStaple ? 'error' : 'circle-slash');
    this.contextValue = 'mailTls:ocsp';
  }
}

export class ChainNode extends vscode.TreeItem {
  readonly kind = 'chain';
  constructor(readonly parent: EndpointNode, readonly result: ProbeResult) {
    const cert = result.certificate!;
    super(vscode.l10n.t('Certificate chain'), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parent.id}/chain`;
    this.description = `${cert.trusted ? vscode.l10n.t('trusted') : vscode.l10n.t('not trusted')} · ${vscode.l10n.t('{0} days left', cert.daysLeft)}`;
    this.iconPath = new vscode.ThemeIcon(cert.trusted ? 'verified' : 'unverified', new vscode.ThemeColor(cert.trusted ? 'testing.iconPassed' : 'testing.iconFailed'));
    this.contextValue = `mailTls:chain:${cert.trusted ? 'trusted' : 'untrusted'}`;
    if (cert.validationError) this.tooltip = cert.validationError;
  }
  children(): CertificateNode[] {
    return (this.result.certificate?.chain ?? []).map((c, i) => new CertificateNode(this, c, i));
  }
}

export class CertificateNode extends vscode.TreeItem {
  readonly kind = 'certificate';
  constructor(readonly parent: ChainNode, cert: CertificateInfo, position: number) {
    super(commonName(cert.subject), vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${position}`;
    const days = Math.floor((Date.parse(cert.notAfter) - Date.now()) / 86_400_000);
    this.description = vscode.l10n.t('expires {0} ({1} days)', cert.notAfter.slice(0, 10), days);
    this.iconPath = new vscode.ThemeIcon(days < 0 ? 'error' : 'file-certificate', days < 0 ? new vscode.ThemeColor('testing.iconFailed') : undefined);
    this.tooltip = new vscode.MarkdownString(
      [`**${cert.subject}**`, `${vscode.l10n.t('Issuer')}: ${cert.issuer}`, `SAN: ${cert.subjectAltNames.join(', ') || '—'}`,
        `${cert.keyType}${cert.keyBits ? ` ${cert.keyBits}` : ''}, ${cert.signatureAlgorithm}`, `SHA-256: \`${cert.fingerprint256}\``].join('\n\n'),
    );
    this.contextValue = `mailTls:certificate:${position === 0 ? 'leaf' : 'chain'}`;
  }
}

function commonName(subject: string): string {
  return /CN=([^,\n/]+)/.exec(subject)?.[1] ?? subject;
}

export class FindingsNode extends vscode.TreeItem {
  readonly kind = 'findings';
  constructor(readonly parent: EndpointNode, readonly probeFindings: readonly Finding[], readonly live: readonly LiveFinding[]) {
    const total = probeFindings.length + live.length;
    super(vscode.l10n.t('Findings'), total > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/findings`;
    this.description = String(total);
    this.iconPath = new vscode.ThemeIcon('checklist');
    this.contextValue = 'mailTls:findings';
  }
  children(): FindingNode[] {
    const declared = this.parent.data.declaration?.range;
    const fromLive = this.live.map((f, i) => new FindingNode(this, `live${i}`, f.severity, f.id, f.message, f.range));
    const fromProbe = this.probeFindings.map((f, i) => {
      const cause = this.live.find((l) => l.explains === f.id)?.range ?? declared;
      return new FindingNode(this, `probe${i}`, f.severity, f.id, `${f.title}: ${f.detail}`, cause);
    });
    return [...fromLive, ...fromProbe];
  }
}

export class FindingNode extends vscode.TreeItem {
  readonly kind = 'finding';
  constructor(readonly parent: FindingsNode, key: string, severity: Severity, readonly findingId: string, message: string, readonly location: SourceRange | undefined) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${key}`;
    this.description = findingId;
    this.tooltip = message;
    this.iconPath = SEVERITY_ICONS[severity];
    this.contextValue = `mailTls:finding:${location ? 'located' : 'unlocated'}`;
    if (location) this.command = { command: 'mailTls.revealInConfig', title: vscode.l10n.t('Reveal in Config'), arguments: [location] };
  }
}

export class TranscriptNode extends vscode.TreeItem {
  readonly kind = 'transcript';
  constructor(readonly parent: EndpointNode, result: ProbeResult) {
    super(vscode.l10n.t('Transcript'), vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/transcript`;
    this.description = vscode.l10n.t('{0} lines · {1} ms', result.transcript.length, result.timings.total);
    this.iconPath = new vscode.ThemeIcon('output');
    this.contextValue = 'mailTls:transcript';
    this.command = { command: 'mailTls.showTranscript', title: vscode.l10n.t('Show Transcript'), arguments: [result.target] };
  }
}

export class ErrorNode extends vscode.TreeItem {
  readonly kind = 'error';
  constructor(readonly parent: EndpointNode, message: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/error`;
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    this.contextValue = 'mailTls:error';
  }
}
