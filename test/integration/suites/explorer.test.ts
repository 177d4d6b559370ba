// The Endpoint Explorer's tree, read through the TreeDataProvider the extension exports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MailTlsApi } from '../../../src/extension/api';
import { getApi, removeGenerated, setSetting, testServers, useTestServerSettings, waitFor, writeLiveConfigs } from './support';

type Node = vscode.TreeItem & { kind: string; target?: string; parent?: Node };

describe('Endpoint Explorer', function () {
  const state = testServers();
  let api: MailTlsApi;
  let live: ReturnType<typeof writeLiveConfigs>;

  const children = async (node?: Node) => ((await api.explorer.getChildren(node as never)) ?? []) as unknown as Node[];
  const label = (node: Node) => (typeof node.label === 'string' ? node.label : node.label?.label ?? '');

  before(async function () {
    if (!state) return this.skip();
    api = await getApi();
    await useTestServerSettings(state);
    await setSetting('endpoints', [state.endpoints.pop3s]);
    live = writeLiveConfigs(state);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
  });

  after(async () => {
    removeGenerated('live');
    if (state) await setSetting('endpoints', undefined);
  });

  it('groups endpoints: the setting first, then one group per config file', async () => {
    const roots = await children();
    assert.equal(roots[0]?.contextValue, 'mailTls:group:settings');
    const settingsEndpoints = await children(roots[0]);
    assert.deepEqual(settingsEndpoints.map((n) => n.target), [state!.endpoints.pop3s]);
    const master = roots.find((n) => n.contextValue === 'mailTls:group:config' && n.resourceUri?.fsPath === live.masterCf);
    assert.ok(master, `no group for ${live.masterCf}: ${roots.map(label).join(', ')}`);
    const endpoints = await children(master);
    assert.deepEqual(endpoints.map((n) => n.target), [live.smtp]);
    assert.match(endpoints[0]!.contextValue ?? '', /^mailTls:endpoint:(unprobed|running|passed|warning|failed):declared$/);
    assert.equal(api.explorer.getParent?.(endpoints[0] as never), master);
  });

  it('shows a probed endpoint with its status, negotiated version, versions, chain, findings and transcript', async () => {
    await vscode.commands.executeCommand('mailTls.probeEndpoint', live.smtp);
    const endpoint = await waitFor('the probed smtp endpoint in the tree', async () => {
      const master = (await children()).find((n) => n.resourceUri?.fsPath === live.masterCf);
      const node = master ? (await children(master)).find((n) => n.target === live.smtp) : undefined;
      return node && /^mailTls:endpoint:(passed|warning|failed):declared$/.test(node.contextValue ?? '') ? node : undefined;
    });
    assert.notEqual(endpoint.contextValue, 'mailTls:endpoint:passed:declared', 'a server that contradicts its config (TLS 1.0 where 1.2+ is asked) is not a pass');
    const icon = endpoint.iconPath as vscode.ThemeIcon;
    assert.ok(icon instanceof vscode.ThemeIcon && icon.color instanceof vscode.ThemeColor, 'status icon is a coloured ThemeIcon');
    assert.equal(endpoint.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);

    const kids = await children(endpoint);
    // Probe Endpoint… on one endpoint runs the cipher scan (mailTls.cipherScan = single): groups and OCSP too.
    assert.deepEqual(kids.map((k) => k.kind), ['negotiated', 'versions', 'keyExchange', 'ocsp', 'chain', 'findings', 'transcript']);
    const kid = (kind: string) => kids.find((k) => k.kind === kind)!;
    assert.match(String(kid('negotiated').description), /^TLSv1\.[23] · /);

    const versions = await children(kid('versions'));
    const tls10 = versions.find((v) => label(v) === 'TLSv1');
    assert.equal(tls10?.contextValue, 'mailTls:version:accepted', 'the test Postfix accepts TLS 1.0');
    // Each accepted version lists its suites, each with its grade; Postfix's port-25 defaults accept anonymous suites.
    const tls12 = versions.find((v) => label(v) === 'TLSv1.2')!;
    const suites = await children(tls12);
    assert.ok(suites.length > 10, `TLS 1.2 suites listed: ${suites.length}`);
    assert.ok(suites.every((s) => /^mailTls:suite:(recommended|acceptable|weak|insecure)$/.test(s.contextValue ?? '')), 'every suite carries its grade');
    assert.ok(suites.some((s) => /^ADH-|^AECDH-/.test(label(s))), `an anonymous suite among ${suites.map(label).join(', ')}`);
    assert.match(String(kid('keyExchange').description), /X25519/);
    assert.equal(kid('ocsp').description, 'no staple', 'Postfix cannot staple');

    const chain = await children(kid('chain'));
    assert.ok(chain.length >= 1);
    assert.equal(label(chain[0]!), state!.serverName, 'the leaf is the test server certificate');
    assert.match(String(chain[0]!.description), /^expires \d{4}-\d{2}-\d{2}/);

    const findings = await children(kid('findings'));
    assert.ok(findings.length > 0, 'the weak test Postfix has findings');
    const joined = findings.find((f) => f.description === 'live-version-below-config');
    assert.ok(joined, `no joined TLS-version finding: ${findings.map((f) => f.description).join(', ')}`);
    assert.equal(joined.command?.command, 'mailTls.revealInConfig', 'a click reveals the config line');

    assert.equal(kid('transcript').command?.command, 'mailTls.showTranscript');
  });

  it('a finding click reveals the config line that causes it', async () => {
    const master = (await children()).find((n) => n.resourceUri?.fsPath === live.masterCf)!;
    const endpoint = (await children(master)).find((n) => n.target === live.smtp)!;
    const findingsNode = (await children(endpoint)).find((n) => n.kind === 'findings')!;
    const joined = (await children(findingsNode)).find((f) => f.description === 'live-version-below-config')!;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(joined.command!.command, ...(joined.command!.arguments ?? []));
    assert.equal(editor.document.uri.fsPath, live.mainCf);
    assert.match(editor.document.lineAt(editor.selection.start.line).text, /^smtpd_tls_protocols = >=TLSv1\.2/);
  });

  it('getChildren has no side effects: reading the tree opens no connection and changes nothing', async () => {
    const before = JSON.stringify(api.latest(live.smtp));
    let changes = 0;
    const subscription = api.onDidChangeResults(() => changes++);
    try {
      const walk = async (node?: Node): Promise<number> => {
        let count = 0;
        for (const child of await children(node)) count += 1 + (await walk(child));
        return count;
      };
      assert.ok((await walk()) > 5);
      assert.equal(changes, 0);
      assert.equal(JSON.stringify(api.latest(live.smtp)), before);
    } finally {
      subscription.dispose();
    }
  });
});
