// Restricted mode: an endpoint that a workspace file names gets no connection until the person
// consents, and nothing probes on its own. A loopback server counts the connections.
// Runs twice: in the main run (trust disabled) with the extension told to act as untrusted, and
// in a run of its own where VS Code really does not trust the workspace (MAIL_TLS_RESTRICTED).
// Both replace the consent dialog with a scripted answer.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ProbeResult } from '../../../src/core/probe/types';
import type { MailTlsApi } from '../../../src/extension/api';
import { makeDanePki } from '../../support/certs';
import { closesAtOnce, type HostileServer } from '../../support/mailServers/scenarios';
import { getApi, removeGenerated, setSetting, waitFor, workspaceRoot, writeGenerated } from './support';

const REALLY_RESTRICTED = process.env.MAIL_TLS_RESTRICTED === '1';

describe(REALLY_RESTRICTED ? 'untrusted workspace (VS Code restricted mode)' : 'untrusted workspace (simulated)', function () {
  let api: MailTlsApi;
  let server: HostileServer;
  let target = '';
  let masterCf = '';
  const asked: string[][] = [];
  let consent = false;

  before(async function () {
    api = await getApi();
    if (!api.testing) throw new Error('the extension does not run in test mode');
    server = await closesAtOnce();
    const port = server.port;
    target = `smtp://127.0.0.1:${port}`;
    writeGenerated('trust/main.cf', 'smtpd_tls_security_level = may\n');
    masterCf = writeGenerated('trust/master.cf', `127.0.0.1:${port} inet n - n - - smtpd\n`);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    await waitFor('the workspace endpoint in the tree', async () => {
      const roots = (await api.explorer.getChildren()) ?? [];
      return roots.some((r) => (r as { configDir?: string }).configDir === dirname(masterCf));
    });
    api.testing.setTrustHooks({
      simulateUntrusted: !REALLY_RESTRICTED,
      prompt: async (targets) => {
        asked.push([...targets]);
        return consent;
      },
    });
  });

  after(async () => {
    api?.testing?.setTrustHooks({ simulateUntrusted: false, prompt: null });
    await setSetting('probeOnOpen', undefined);
    await server?.close();
    removeGenerated('trust');
  });

  it('VS Code reports the workspace as untrusted exactly when the run is the restricted one', () => {
    assert.equal(vscode.workspace.isTrusted, !REALLY_RESTRICTED);
  });

  it('the configs are still analysed: static findings reach the Problems panel', async () => {
    const mainCf = vscode.Uri.file(join(workspaceRoot(), 'postfix', 'main.cf'));
    await waitFor('diagnostics on the fixtures main.cf', () => vscode.languages.getDiagnostics(mainCf).length > 0, 20_000);
  });

  it('probing a workspace-declared endpoint asks first; declined, no socket opens', async () => {
    const result = await vscode.commands.executeCommand<ProbeResult | undefined>('mailTls.probeEndpoint', target);
    assert.equal(result, undefined);
    assert.deepEqual(asked.at(-1), [target], 'the consent prompt named the endpoint');
    const results = await vscode.commands.executeCommand<ProbeResult[]>('mailTls.probeAll');
    assert.ok(!results.some((r) => r.target === target));
    assert.ok(asked.at(-1)?.includes(target), 'probeAll asked about the workspace endpoint too');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server.stats.total, 0, 'a connection was opened without consent');
  });

  it('probe on open does nothing in an untrusted workspace', async () => {
    await setSetting('probeOnOpen', true);
    const asksBefore = asked.length;
    const document = await vscode.workspace.openTextDocument(masterCf);
    await vscode.window.showTextDocument(document);
    await api.whenIdle();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(server.stats.total, 0);
    assert.equal(asked.length, asksBefore, 'an automatic probe must not even ask');
  });

  it('with consent the probe runs (the counter does see connections)', async () => {
    await setSetting('probeOnOpen', undefined);
    consent = true;
    await vscode.commands.executeCommand('mailTls.probeEndpoint', target);
    assert.ok(server.stats.total >= 1, 'the consented probe did not connect');
  });

  it('in a trusted workspace, probe on open does probe (so the zero above means something)', async function () {
    if (REALLY_RESTRICTED) return this.skip(); // trust cannot be granted without the dialog; the main run covers it
    api.testing!.setTrustHooks({ simulateUntrusted: false });
    await setSetting('probeOnOpen', true);
    try {
      const before = server.stats.total;
      const opened = writeGenerated('trust/opened/master.cf', `${target.replace('smtp://', '')} inet n - n - - smtpd\n`);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(opened));
      await waitFor('the probe on open to connect', () => server.stats.total > before, 10_000);
    } finally {
      await setSetting('probeOnOpen', undefined);
      api.testing!.setTrustHooks({ simulateUntrusted: true });
    }
  });

  it('a certificate a config names outside the workspace is not opened: "not checked until trusted"', async () => {
    const code = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    const conf = vscode.Uri.file(writeGenerated('trust/dovecot/dovecot.conf', 'protocols = imap\nssl = required\nssl_cert = </etc/gshadow\nssl_key = </etc/gshadow\n'));
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const diagnostics = await waitFor('the not-checked diagnostic on ssl_cert', () => {
      const d = vscode.languages.getDiagnostics(conf);
      return d.some((x) => code(x) === 'dovecot-cert-file-not-checked') ? d : undefined;
    });
    const notChecked = diagnostics.find((x) => code(x) === 'dovecot-cert-file-not-checked')!;
    assert.equal(notChecked.range.start.line, 2);
    assert.match(notChecked.message, /\/etc\/gshadow is outside the workspace: not checked until the workspace is trusted/);
    assert.ok(!diagnostics.some((x) => /cert-file-invalid|cert-key-missing/.test(code(x))), `the file was read: ${diagnostics.map(code).join(', ')}`);
    if (REALLY_RESTRICTED) return; // trust cannot be granted here without the dialog
    // Trusted, the same config's file is read (so the absence above means something).
    api.testing!.setTrustHooks({ simulateUntrusted: false });
    try {
      await waitFor('the certificate checked once the workspace is trusted', () => vscode.languages.getDiagnostics(conf).some((x) => code(x) === 'dovecot-cert-file-invalid'));
    } finally {
      api.testing!.setTrustHooks({ simulateUntrusted: true });
    }
  });

  it('a URL the person typed (not named by the workspace) needs no consent', async () => {
    consent = false;
    const other = await closesAtOnce();
    try {
      const asksBefore = asked.length;
      await vscode.commands.executeCommand('mailTls.probeEndpoint', other.url);
      assert.equal(asked.length, asksBefore);
      assert.ok(other.stats.total >= 1);
    } finally {
      await other.close();
    }
  });
});

// The DANE and domain features under the same rules: a certificate file outside the workspace
// is not read for the hover, and a domain a workspace setting lists gets no DNS query until the
// person consents; a domain typed (or passed) by the person needs none. A UDP resolver on
// loopback counts the queries and answers REFUSED at once.
describe(REALLY_RESTRICTED ? 'untrusted workspace: domains and certificate files (VS Code restricted mode)' : 'untrusted workspace: domains and certificate files (simulated)', function () {
  this.timeout(120_000);
  let api: MailTlsApi;
  let resolver: ReturnType<typeof createSocket>;
  let queries = 0;
  const asked: string[][] = [];
  const pki = makeDanePki();

  before(async function () {
    api = await getApi();
    resolver = createSocket('udp4', (msg, peer) => {
      queries++;
      // The query, turned into a REFUSED response: QR set, RCODE 5.
      const reply = Buffer.from(msg);
      reply[2] = (reply[2]! | 0x80) & 0xfb;
      reply[3] = (reply[3]! & 0xf0) | 5;
      resolver.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => resolver.bind(0, '127.0.0.1', resolve));
    await setSetting('resolver', `127.0.0.1:${resolver.address().port}`);
    await vscode.workspace.getConfiguration('mailTls').update('domains', ['listed-by-workspace.example'], vscode.ConfigurationTarget.Workspace);
    api.testing!.setTrustHooks({
      simulateUntrusted: !REALLY_RESTRICTED,
      prompt: async (subjects) => {
        asked.push([...subjects]);
        return false;
      },
    });
  });

  after(async () => {
    api?.testing?.setTrustHooks({ simulateUntrusted: false, prompt: null });
    await setSetting('resolver', undefined);
    await vscode.workspace.getConfiguration('mailTls').update('domains', undefined, vscode.ConfigurationTarget.Workspace);
    resolver?.close();
    removeGenerated('trust-dane');
  });

  it('the TLSA hover reads a certificate file inside the workspace, not one outside it', async () => {
    const inside = writeGenerated('trust-dane/postfix/cert.pem', readFileSync(pki.file('leaf'), 'utf8'));
    const mainCf = writeGenerated('trust-dane/postfix/main.cf', `smtpd_tls_security_level = may\nsmtpd_tls_cert_file = ${inside}\nsmtpd_tls_eccert_file = ${pki.file('renewed-new-key')}\n`);
    writeGenerated('trust-dane/postfix/master.cf', 'smtp inet n - n - - smtpd\n');
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const hover = async (line: number) => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', vscode.Uri.file(mainCf), new vscode.Position(line, 3));
      return hovers.flatMap((h) => h.contents).map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c))).join('\n');
    };
    const insideText = await waitFor('the hover on the workspace certificate', async () => {
      const text = await hover(1);
      return text.includes('3 1 1 ') ? text : undefined;
    });
    assert.ok(insideText.includes(inside));
    const outsideText = await waitFor('the hover on the outside certificate', async () => {
      const text = await hover(2);
      return text.includes('DANE (TLSA)') ? text : undefined;
    });
    assert.match(outsideText, /not read: the file is outside the workspace, and the workspace is not trusted/);
    assert.doesNotMatch(outsideText, /3 1 1 /);
  });

  it('checking a domain the workspace settings list asks first; declined, no DNS query is sent', async () => {
    const group = await waitFor('the Domains group', async () => ((await api.explorer.getChildren()) ?? []).find((n) => String((n as vscode.TreeItem).label) === 'Domains'));
    const node = ((await api.explorer.getChildren(group)) ?? []).find((n) => String((n as vscode.TreeItem).label) === 'listed-by-workspace.example');
    assert.ok(node, 'the workspace-listed domain is shown');
    assert.match(String((node as vscode.TreeItem).contextValue), /:workspace$/);
    const result = await vscode.commands.executeCommand('mailTls.checkDomain', node);
    assert.equal(result, undefined);
    assert.deepEqual(asked.at(-1), ['listed-by-workspace.example']);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(queries, 0, 'a DNS query was sent without consent');
  });

  it('a domain the person passes in needs no consent, and the resolver is asked (so the zero above means something)', async () => {
    const asksBefore = asked.length;
    const result = await vscode.commands.executeCommand<{ domain: string } | undefined>('mailTls.checkDomain', 'typed-by-person.example');
    assert.equal(asked.length, asksBefore, 'no prompt for a domain the person gave');
    assert.ok(queries > 0, 'the check asked the configured resolver');
    assert.equal(result?.domain, 'typed-by-person.example');
  });
});
