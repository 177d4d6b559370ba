// The Endpoint Explorer's tree, read through the TreeDataProvider the extension exports.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MailTlsApi } from '../../../src/extension/api';
import { getApi, removeGenerated, setSetting, testServers, useTestServerSettings, waitFor, writeGenerated, writeLiveConfigs } from './support';

type Node = vscode.TreeItem & { kind: string; target?: string; parent?: Node; configDir?: string };

describe('Endpoint Explorer', function () {
  const state = testServers();
  let api: MailTlsApi;
  let live: ReturnType<typeof writeLiveConfigs>;

  const children = async (node?: Node) => ((await api.explorer.getChildren(node as never)) ?? []) as unknown as Node[];
  const label = (node: Node) => (typeof node.label === 'string' ? node.label : node.label?.label ?? '');
  const rootOf = async (dir: string) => (await children()).find((n) => n.kind === 'configRoot' && n.configDir === dir);

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

  it('groups endpoints: the setting first, then one group per config root (the Postfix folder, not master.cf)', async () => {
    const roots = await children();
    assert.equal(roots[0]?.contextValue, 'mailTls:group:settings');
    const settingsEndpoints = await children(roots[0]);
    assert.deepEqual(settingsEndpoints.map((n) => n.target), [state!.endpoints.pop3s]);
    const configRoots = roots.filter((n) => n.contextValue === 'mailTls:group:config');
    assert.ok(configRoots.every((n) => n.kind === 'configRoot'), 'config groups are roots');
    const master = configRoots.find((n) => n.configDir === dirname(live.masterCf));
    assert.ok(master, `no root for ${dirname(live.masterCf)}: ${roots.map(label).join(', ')}`);
    assert.equal(configRoots.filter((n) => n.configDir === dirname(live.masterCf)).length, 1, 'main.cf and master.cf make one root');
    assert.match(String(master.description), new RegExp(`^Postfix · ${state!.serverName.replace(/\./g, '\\.')} · `), 'the root shows the host its myhostname names');
    const endpoints = await children(master);
    assert.deepEqual(endpoints.map((n) => n.target), [live.smtp]);
    assert.match(endpoints[0]!.contextValue ?? '', /^mailTls:endpoint:(unprobed|running|passed|warning|failed):declared$/);
    assert.equal(api.explorer.getParent?.(endpoints[0] as never), master);
  });

  it('shows a probed endpoint with its status, negotiated version, versions, chain, findings and transcript', async () => {
    await vscode.commands.executeCommand('mailTls.probeEndpoint', live.smtp);
    const endpoint = await waitFor('the probed smtp endpoint in the tree', async () => {
      const master = await rootOf(dirname(live.masterCf));
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
    const master = (await rootOf(dirname(live.masterCf)))!;
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

describe('Endpoint Explorer: config roots and their problem counts', function () {
  this.timeout(120_000);
  let api: MailTlsApi;
  let dovecotDir = '';
  let mainCf = '';

  const children = async (node?: Node) => ((await api.explorer.getChildren(node as never)) ?? []) as unknown as Node[];
  type RootNode = Node & { configDir: string; counts: { errors: number; warnings: number; infos: number }; root: { files: string[] } };
  const configRoots = async () => (await children()).filter((n) => n.kind === 'configRoot') as RootNode[];
  /** What the Problems panel counts for these files: every diagnostic VS Code holds for them. */
  const problemsPanel = (files: readonly string[]) => {
    const wanted = new Set(files);
    const counts = { errors: 0, warnings: 0, infos: 0 };
    for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
      if (!wanted.has(uri.fsPath)) continue;
      for (const d of diagnostics) {
        if (d.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
        else if (d.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
        else if (d.severity === vscode.DiagnosticSeverity.Information) counts.infos++;
      }
    }
    return counts;
  };
  /** Every root's counts and the badge agree with the Problems panel (after the redraw that follows a change). */
  const agreeing = () => waitFor('the tree counts and the badge to agree with the Problems panel', async () => {
    const roots = await configRoots();
    if (roots.some((r) => JSON.stringify(r.counts) !== JSON.stringify(problemsPanel(r.root.files)))) return undefined;
    // The count at the right of each root (its decoration) says the same: errors plus warnings.
    const decorated = (r: RootNode) => api.testing!.explorerDecoration(r.resourceUri!)?.badge ?? '0';
    if (roots.some((r) => decorated(r) !== String(Math.min(99, problemsPanel(r.root.files).errors + problemsPanel(r.root.files).warnings)))) return undefined;
    const all = problemsPanel(roots.flatMap((r) => r.root.files));
    const badge = api.testing!.explorerBadge();
    const expected = all.errors + all.warnings;
    if ((badge?.value ?? 0) !== expected) return undefined;
    return { roots, all, badge };
  }, 15_000);

  before(async () => {
    api = await getApi();
    // Dovecot as distributions ship it: dovecot.conf includes conf.d, whose 10-master.conf declares the listener.
    const conf = writeGenerated('roots/dovecot/dovecot.conf', 'protocols = imap\nlisten = 127.0.0.1\n!include conf.d/*.conf\n');
    dovecotDir = dirname(conf);
    writeGenerated('roots/dovecot/conf.d/10-master.conf', 'service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n  inet_listener imaps {\n    port = 40993\n    ssl = yes\n  }\n}\n');
    writeGenerated('roots/dovecot/conf.d/10-ssl.conf', 'ssl = yes\nssl_min_protocol = TLSv1\n');
    mainCf = writeGenerated('roots/postfix/main.cf', 'myhostname = mx.example.org\nsmtpd_tls_security_level = may\nsmtpd_use_tls = yes\n');
    writeGenerated('roots/postfix/master.cf', '127.0.0.1:40025 inet n - n - - smtpd\n');
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
  });

  after(() => removeGenerated('roots'));

  it('a Dovecot listener declared in conf.d/10-master.conf appears once, under the dovecot.conf folder', async () => {
    const roots = await waitFor('the generated Dovecot root', async () => {
      const all = await configRoots();
      return all.some((r) => r.configDir === dovecotDir) ? all : undefined;
    });
    assert.equal(roots.filter((r) => r.configDir.startsWith(dovecotDir)).length, 1, `conf.d makes no root of its own: ${roots.map((r) => r.configDir).join(', ')}`);
    const dovecot = roots.find((r) => r.configDir === dovecotDir)!;
    assert.match(String(dovecot.description), /^Dovecot · /);
    const endpoints = await children(dovecot);
    assert.deepEqual(endpoints.map((e) => e.target), ['imaps://127.0.0.1:40993']);
    assert.match(String(endpoints[0]!.description), /10-master\.conf/, 'the endpoint says which file declares it');
    let seen = 0;
    for (const root of roots) seen += (await children(root)).filter((e) => e.target === 'imaps://127.0.0.1:40993').length;
    assert.equal(seen, 1, 'the listener is listed once in the whole tree');
    assert.ok(dovecot.root.files.some((f) => f.endsWith('10-ssl.conf')), 'the root counts the problems of its includes');
  });

  it('a Postfix root shows the host its myhostname names, once for main.cf and master.cf', async () => {
    const roots = (await configRoots()).filter((r) => r.configDir === dirname(mainCf));
    assert.equal(roots.length, 1);
    assert.match(String(roots[0]!.description), /^Postfix · mx\.example\.org · /);
    assert.deepEqual((await children(roots[0])).map((e) => e.target), ['smtp://127.0.0.1:40025']);
  });

  it('the counts on each root and the view badge equal the diagnostics in the Problems panel, and follow an edit', async () => {
    // The diagnostics arrive a little after the analysis: wait for the conf.d finding to be counted.
    const before = await waitFor('ssl_min_protocol = TLSv1 in conf.d/10-ssl.conf counted on the Dovecot root', async () => {
      const now = await agreeing();
      const root = now.roots.find((r) => r.configDir === dovecotDir);
      return root && root.counts.errors + root.counts.warnings > 0 ? now : undefined;
    });
    const dovecot = before.roots.find((r) => r.configDir === dovecotDir)!;
    assert.ok(String(dovecot.description).includes(dovecot.counts.errors > 0 ? 'error' : 'warning'));
    assert.ok(before.badge && before.badge.value > 0, 'the badge shows the errors and warnings');
    // An unsaved edit adds a warning: the Problems panel, the root and the badge move together.
    const document = await vscode.workspace.openTextDocument(mainCf);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((b) => b.insert(new vscode.Position(document.lineCount, 0), 'smtp_enforce_tls = yes\n'));
    const postfixBefore = before.roots.find((r) => r.configDir === dirname(mainCf))!.counts;
    const after = await waitFor('the edit counted', async () => {
      const now = await agreeing();
      const postfix = now.roots.find((r) => r.configDir === dirname(mainCf))!.counts;
      return postfix.warnings + postfix.errors > postfixBefore.warnings + postfixBefore.errors ? now : undefined;
    });
    assert.ok((after.badge?.value ?? 0) > before.badge!.value, 'the badge counts the new warning');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a problem another source puts on a config file counts too, as it does in the Problems panel', async () => {
    // The revert above re-analyses main.cf: let that settle first.
    await api.whenIdle();
    const ourErrors = () => vscode.languages.getDiagnostics(vscode.Uri.file(mainCf)).filter((d) => d.source === 'Mail TLS' && d.severity === vscode.DiagnosticSeverity.Error).length;
    const postfixRoot = (roots: RootNode[]) => roots.find((r) => r.configDir === dirname(mainCf))!;
    const other = vscode.languages.createDiagnosticCollection('another-linter');
    try {
      other.set(vscode.Uri.file(mainCf), [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 5), 'from another linter', vscode.DiagnosticSeverity.Error)]);
      // No config changed: only the diagnostics event can bring the tree, the decoration and the badge along.
      const after = await waitFor('the other error counted', async () => {
        const now = await agreeing();
        return postfixRoot(now.roots).counts.errors === ourErrors() + 1 ? now : undefined;
      });
      assert.ok((after.badge?.value ?? 0) >= 1);
    } finally {
      other.dispose();
    }
    await waitFor('the other error gone from the counts', async () => {
      const now = await agreeing();
      return postfixRoot(now.roots).counts.errors === ourErrors() ? now : undefined;
    });
  });
});
