// The host a config describes, in the editor: a copied config with only wildcard listeners has
// no known host, so its endpoint is shown as such and not probed; "Set Host for This Config…"
// stores a host in mailTls.configHosts, the endpoint moves there and is probed; a host written
// in upper case finds its result (a loopback server counts the connections).
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MailTlsApi } from '../../../src/extension/api';
import { closesAtOnce, type HostileServer } from '../../support/mailServers/scenarios';
import { generatedDir, getApi, removeGenerated, waitFor, writeGenerated } from './support';

type Node = vscode.TreeItem & { kind: string; target?: string; configDir?: string; data?: { declaration?: { host: { known: boolean; reason: string } } } };

describe('the host a config describes (Endpoint Explorer)', function () {
  this.timeout(120_000);
  let api: MailTlsApi;
  let server: HostileServer;
  let port = 0;
  let masterCf = '';

  const children = async (node?: Node) => ((await api.explorer.getChildren(node as never)) ?? []) as unknown as Node[];
  const rootNode = async (dir: string) => (await children()).find((n) => n.kind === 'configRoot' && n.configDir === dir);
  const endpointsOfMasterCf = async (): Promise<Node[]> => {
    const group = await rootNode(dirname(masterCf));
    return group ? children(group) : [];
  };

  before(async function () {
    api = await getApi();
    server = await closesAtOnce();
    port = server.port;
    // A config copied from a server: no myhostname, no certificate, a wildcard listener.
    writeGenerated('hosts/copied/postfix/main.cf', 'smtpd_tls_security_level = may\n');
    masterCf = writeGenerated('hosts/copied/postfix/master.cf', `${port} inet n - n - - smtpd\n`);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
  });

  after(async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    await vscode.workspace.getConfiguration('mailTls', folder).update('configHosts', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await server?.close();
    removeGenerated('hosts');
  });

  it('an endpoint with no known host is shown as such and not probed', async () => {
    const [endpoint] = await waitFor('the copied config in the tree', async () => {
      const found = await endpointsOfMasterCf();
      return found.length > 0 ? found : undefined;
    });
    assert.equal(endpoint!.contextValue, 'mailTls:endpointUnknownHost:declared');
    assert.match(String(endpoint!.description), /host unknown, not probed/);
    assert.equal((endpoint!.iconPath as vscode.ThemeIcon).id, 'question');
    const root = (await rootNode(dirname(masterCf)))!;
    assert.match(String(root.description), /^Postfix · host unknown · /, 'the root says its host is unknown');
    await vscode.commands.executeCommand('mailTls.probeAll');
    // The other way to ask: Probe Endpoints of the Active Config, with master.cf open.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(masterCf));
    const probed = await vscode.commands.executeCommand<unknown[]>('mailTls.probeActiveConfig');
    assert.deepEqual(probed, [], 'nothing probed from the active config');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(server.stats.total, 0, 'a probe command connected to an endpoint whose host is unknown');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // The hover on the setting that governs it offers no probe link to the placeholder address.
    const mainCf = await vscode.workspace.openTextDocument(join(dirname(masterCf), 'main.cf'));
    const text = await waitFor('the hover on the copied main.cf', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', mainCf.uri, new vscode.Position(0, 3));
      const value = hovers.flatMap((h) => h.contents).map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c))).join('\n');
      return value.includes('— Postfix') ? value : undefined;
    });
    assert.match(text, new RegExp(`Host unknown, not probed: ${port}\\.`));
    assert.doesNotMatch(text, /command:mailTls\.probeEndpoint/, 'a probe link for an endpoint whose host is unknown');
  });

  it('Set Host for This Config… stores the host; the endpoint is probed there, upper case and all', async () => {
    // As the context menu does: the command gets the root node.
    const root = await rootNode(dirname(masterCf));
    assert.ok(root, 'the copied config has its root in the tree');
    await vscode.commands.executeCommand('mailTls.setConfigHost', root, 'LOCALHOST');
    const stored = vscode.workspace.getConfiguration('mailTls').get<Record<string, string>>('configHosts');
    assert.deepEqual(stored, { 'generated/hosts/copied/postfix': 'LOCALHOST' });
    const endpoint = await waitFor('the endpoint on the host that was set', async () => (await endpointsOfMasterCf()).find((n) => /^mailTls:endpoint:/.test(n.contextValue ?? '')));
    assert.match(endpoint.target ?? '', new RegExp(`^smtp://localhost:${port}$`, 'i'));
    assert.equal(endpoint.contextValue, 'mailTls:endpoint:unprobed:declared');
    assert.match(String((await rootNode(dirname(masterCf)))!.description), /^Postfix · LOCALHOST · /, 'the root shows the host that was set');
    await vscode.commands.executeCommand('mailTls.probeEndpoint', endpoint.target);
    assert.ok(server.stats.total >= 1, 'the probe did not reach the host that was set');
    // The result is stored under the canonical (lower-case) URL and still found for this node.
    await waitFor('the probed endpoint with its result in the tree', async () => {
      const node = (await endpointsOfMasterCf()).find((n) => n.target === endpoint.target);
      return node && /^mailTls:endpoint:(passed|warning|failed):declared$/.test(node.contextValue ?? '') ? node : undefined;
    });
  });

  it('a copied config folder with myhostname describes that host: its endpoint is probed there', async () => {
    writeGenerated('hosts/named/postfix/main.cf', 'myhostname = localhost\nsmtpd_tls_security_level = may\n');
    const namedMaster = writeGenerated('hosts/named/postfix/master.cf', `${port} inet n - n - - smtpd\n`);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const root = await waitFor('the named config in the tree', () => rootNode(dirname(namedMaster)));
    assert.match(String(root.description), /^Postfix · localhost · /);
    const [endpoint] = await children(root);
    assert.equal(endpoint?.target, `smtp://localhost:${port}`);
    // A known host: an endpoint that may be probed (the test above probed this very URL already).
    assert.match(endpoint?.contextValue ?? '', /^mailTls:endpoint:\w+:declared$/);
    assert.equal(endpoint?.data?.declaration?.host.reason, 'myhostname = localhost');
    const before = server.stats.total;
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(namedMaster));
    await vscode.commands.executeCommand('mailTls.probeActiveConfig');
    assert.ok(server.stats.total > before, 'Probe Endpoints of the Active Config did not reach the host myhostname names');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Set Host for This Config… from an open conf.d file sets the host of its dovecot.conf folder', async () => {
    const conf = writeGenerated('hosts/dc/dovecot/dovecot.conf', 'protocols = imap\n!include conf.d/*.conf\n');
    const master = writeGenerated('hosts/dc/dovecot/conf.d/10-master.conf', `service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n  inet_listener imaps {\n    port = ${port}\n  }\n}\n`);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const unknown = await waitFor('the Dovecot root with its host unknown', () => rootNode(dirname(conf)));
    assert.match(String(unknown.description), /^Dovecot · host unknown · /);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(master));
    await vscode.commands.executeCommand('mailTls.setConfigHost', undefined, '127.0.0.1');
    const stored = vscode.workspace.getConfiguration('mailTls').get<Record<string, string>>('configHosts') ?? {};
    assert.equal(stored['generated/hosts/dc/dovecot'], '127.0.0.1', `stored for the dovecot.conf folder, not conf.d: ${JSON.stringify(stored)}`);
    const root = await waitFor('the Dovecot root on the host that was set', async () => {
      const node = await rootNode(dirname(conf));
      return node && /^Dovecot · 127\.0\.0\.1 · /.test(String(node.description)) ? node : undefined;
    });
    assert.deepEqual((await children(root)).map((e) => e.target), [`imaps://127.0.0.1:${port}`]);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('mailTls.configHosts, set by hand, wins over myhostname', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const config = vscode.workspace.getConfiguration('mailTls', folder);
    const current = config.inspect<Record<string, string>>('configHosts')?.workspaceFolderValue ?? {};
    await config.update('configHosts', { ...current, 'generated/hosts/named/postfix': '127.0.0.1' }, vscode.ConfigurationTarget.WorkspaceFolder);
    const namedDir = join(generatedDir(), 'hosts/named/postfix');
    const root = await waitFor('the root on the host from the setting', async () => {
      const node = await rootNode(namedDir);
      return node && /^Postfix · 127\.0\.0\.1 · /.test(String(node.description)) ? node : undefined;
    });
    const [endpoint] = await children(root);
    assert.equal(endpoint?.target, `smtp://127.0.0.1:${port}`);
    assert.match(endpoint?.data?.declaration?.host.reason ?? '', /host set for/);
    const before = server.stats.total;
    await vscode.commands.executeCommand('mailTls.probeEndpoint', endpoint!.target);
    assert.ok(server.stats.total > before, 'the probe did not reach the host from the setting');
  });
});


describe('hover on a setting that ten services use', function () {
  this.timeout(60_000);
  after(() => removeGenerated('hover-many'));

  it('lists the endpoints not probed yet on one line, not one line each', async () => {
    const api = await getApi();
    writeGenerated('hover-many/postfix/main.cf', 'smtpd_tls_security_level = may\n');
    const services = Array.from({ length: 10 }, (_, i) => `127.0.0.1:${41000 + i} inet n - n - - smtpd\n`).join('');
    writeGenerated('hover-many/postfix/master.cf', services);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(generatedDir(), 'hover-many/postfix/main.cf')));
    const text = await waitFor('a hover listing the ten endpoints', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 3));
      const value = hovers.flatMap((h) => h.contents).map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c))).join('\n');
      return value.includes('Not probed yet') ? value : undefined;
    });
    assert.equal(text.match(/not probed yet/gi)?.length, 1, text);
    assert.match(text, /Not probed yet \(10\):/);
    assert.match(text, /and 5 more/);
  });
});
