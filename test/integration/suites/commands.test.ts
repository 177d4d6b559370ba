// The Mail TLS commands against the real test Postfix and Dovecot: probe results come back
// from the commands, the reports hold them, and cancelling a probe closes its socket.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ProbeResult } from '../../../src/core/probe/types';
import type { MailTlsApi } from '../../../src/extension/api';
import { silent } from '../../support/mailServers/scenarios';
import { getApi, removeGenerated, report, testServers, useTestServerSettings, waitFor, writeLiveConfigs } from './support';

describe('Mail TLS commands', function () {
  const state = testServers();
  let api: MailTlsApi;

  before(async function () {
    if (!state) return this.skip();
    api = await getApi();
    await useTestServerSettings(state);
  });

  after(() => removeGenerated('live'));

  it('mailTls.probeEndpoint with a URL returns the ProbeResult (Dovecot imaps: TLS 1.2+ only)', async () => {
    const result = await vscode.commands.executeCommand<ProbeResult>('mailTls.probeEndpoint', state!.endpoints.imaps);
    assert.ok(result, 'no result');
    assert.equal(result.target, state!.endpoints.imaps);
    assert.equal(result.ok, true);
    assert.equal(result.tls?.version, 'TLSv1.3');
    assert.equal(result.versions.TLSv1, false);
    assert.equal(result.versions['TLSv1.2'], true);
    assert.equal(result.certificate?.trusted, true, 'the caFile setting should make the test CA trusted');
    assert.equal(api.latest(state!.endpoints.imaps)?.result, result, 'the results store holds the same result');
  });

  it('mailTls.probeEndpoint rejects a malformed URL with the reason', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mailTls.probeEndpoint', 'imaps://exa mple:99999')), /not a valid host name|port/);
  });

  it('mailTls.probeAll probes the endpoints the workspace configs declare', async () => {
    const live = writeLiveConfigs(state!);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const results = await vscode.commands.executeCommand<ProbeResult[]>('mailTls.probeAll');
    const targets = results.map((r) => r.target);
    assert.ok(targets.includes(live.smtp), `probeAll did not return ${live.smtp}: ${targets.join(', ')}`);
    assert.ok(targets.includes(live.imaps), `probeAll did not return ${live.imaps}: ${targets.join(', ')}`);
    const smtp = results.find((r) => r.target === live.smtp)!;
    assert.equal(smtp.versions.TLSv1, true, 'the test Postfix accepts TLS 1.0');
  });

  it('mailTls.probeActiveConfig probes what the active editor\'s config declares; probeAgain repeats it', async () => {
    const live = writeLiveConfigs(state!);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(live.dovecotConf));
    const results = await vscode.commands.executeCommand<ProbeResult[]>('mailTls.probeActiveConfig');
    assert.deepEqual(results.map((r) => r.target), [live.imaps]);
    const first = api.latest(live.imaps)!.receivedAt;
    const again = await vscode.commands.executeCommand<ProbeResult[]>('mailTls.probeAgain');
    assert.deepEqual(again.map((r) => r.target), [live.imaps]);
    assert.ok(api.latest(live.imaps)!.receivedAt >= first);
    assert.notEqual(api.latest(live.imaps)!.result, results[0], 'probe again stored a new result');
  });

  it('measures: from the command to finished full probes of the local endpoints', async () => {
    const e = state!.endpoints;
    const local = [e.smtp, e.submission, e.smtps, e.lmtp, e.imap, e.imaps, e.pop3, e.pop3s, e.sieve];
    let started = performance.now();
    const single = await vscode.commands.executeCommand<ProbeResult>('mailTls.probeEndpoint', e.smtp);
    const singleMs = performance.now() - started;
    started = performance.now();
    const all = await Promise.all(local.map((target) => vscode.commands.executeCommand<ProbeResult>('mailTls.probeEndpoint', target)));
    const allMs = performance.now() - started;
    report(`    command to result: one SMTP STARTTLS probe ${singleMs.toFixed(0)} ms; the ${local.length} local endpoints at once ${allMs.toFixed(0)} ms (versions and injection checked; 2 connections to the host at a time across all of them)`);
    assert.equal(single.tls?.version, 'TLSv1.3');
    assert.deepEqual(all.map((r) => r.target), local);
    for (const r of all) {
      assert.ok(r.tls?.version, `${r.target}: no TLS (${r.findings.map((f) => f.id).join(', ')})`);
      assert.ok(Object.values(r.versions).some((v) => v === true), `${r.target}: no version enumerated`);
    }
  });

  it('mailTls.copyMarkdown returns (and copies) the report of one endpoint', async () => {
    const markdown = await vscode.commands.executeCommand<string>('mailTls.copyMarkdown', state!.endpoints.imaps);
    assert.match(markdown, new RegExp(`^## ${state!.endpoints.imaps.replace(/[.:/]/g, '\\$&')}`, 'm'));
    assert.match(markdown, /Negotiated: TLSv1\.3/);
    assert.match(markdown, /TLSv1 no, TLSv1\.1 no, TLSv1\.2 yes, TLSv1\.3 yes/);
  });

  it('mailTls.exportJson writes every stored result as JSON', async () => {
    const file = join(tmpdir(), `mail-tls-export-${process.pid}.json`);
    try {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('mailTls.exportJson', file);
      assert.equal(uri.fsPath, file);
      const exported = JSON.parse(readFileSync(file, 'utf8')) as ProbeResult[];
      const imaps = exported.find((r) => r.target === state!.endpoints.imaps);
      assert.ok(imaps, 'the imaps result is missing from the export');
      assert.equal(imaps.tls?.version, 'TLSv1.3');
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('mailTls.showTranscript opens the dialog the probe had with the server', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('mailTls.showTranscript', state!.endpoints.imaps);
    assert.ok(document);
    assert.match(document.getText(), /S: \* OK/, 'the IMAP greeting is in the transcript');
    assert.match(document.getText(), /CAPABILITY/);
  });
});

describe('Mail TLS commands (no mail server needed)', () => {
  let api: MailTlsApi;

  before(async () => {
    api = await getApi();
  });

  it('registers every contributed command', async () => {
    const manifest = vscode.extensions.getExtension('mail-tls-inspector.mail-tls-inspector')!.packageJSON as { contributes: { commands: { command: string; category: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of manifest.contributes.commands) {
      assert.ok(registered.has(c.command), `${c.command} is contributed but not registered`);
      assert.equal(c.category, 'Mail TLS');
    }
  });

  it('probes started by separate commands share the cap of two connections per host', async () => {
    // Three SMTP servers on one host that greet after 300 ms and offer no STARTTLS: each probe
    // holds its connection a while, so overlapping ones would be seen. A connection counts from
    // accept until the server's goodbye (the client frees its slot only after that reply, while
    // the server may read the FIN after the next accept).
    let inDialog = 0;
    let peak = 0;
    let accepted = 0;
    const servers = await Promise.all([0, 1, 2].map(async () => {
      const server = createServer((socket) => {
        accepted++;
        peak = Math.max(peak, ++inDialog);
        let done = false;
        const finish = () => {
          if (!done) inDialog--;
          done = true;
        };
        socket.on('close', finish);
        socket.on('error', () => undefined);
        setTimeout(() => socket.write('220 test ESMTP\r\n'), 300);
        socket.on('data', (chunk: Buffer) => {
          if (/^EHLO/i.test(chunk.toString())) return void socket.write('250 test\r\n');
          finish();
          socket.end('221 bye\r\n');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }));
    try {
      const urls = servers.map((s) => `smtp://127.0.0.1:${(s.address() as { port: number }).port}`);
      const results = await Promise.all(urls.map((url) => vscode.commands.executeCommand<ProbeResult>('mailTls.probeEndpoint', url)));
      assert.deepEqual(results.map((r) => r.findings.some((f) => f.id === 'starttls-not-offered')), [true, true, true]);
      assert.ok(accepted >= 3, `${accepted} connections`); // side connections start while the main dialog runs
      assert.equal(peak, 2, `at most two connections to 127.0.0.1 at once, and two used; saw ${peak}`);
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });

  it('cancelling a probe closes its socket', async () => {
    // A tarpit: accepts and never greets, so the probe waits until it is cancelled.
    const server = await silent();
    try {
      const started = Date.now();
      const pending = Promise.resolve(vscode.commands.executeCommand<ProbeResult | undefined>('mailTls.probeEndpoint', server.url));
      await waitFor('the probe to connect', () => server.stats.total > 0, 10_000);
      api.cancelAll();
      await waitFor('the probe socket to close', () => server.stats.open === 0, 3_000);
      const result = await pending;
      assert.equal(result, undefined, 'a cancelled probe returns no result');
      assert.ok(Date.now() - started < 5_000, 'the probe waited for its greeting timeout instead of stopping');
    } finally {
      await server.close();
    }
  });
});
