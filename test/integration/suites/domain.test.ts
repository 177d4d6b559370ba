// Check Domain… in the real editor against the real thing: the signed test zones served by a
// validating unbound, MX hosts on port 25 and MTA-STS on 443 of loopback addresses (see
// test/servers/domain). The result lands in the Endpoint Explorer as domain nodes, and a
// workspace Postfix config whose certificate no longer matches its MX's TLSA gets the
// renewed-certificate warning (and loses it when the file matches again).
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { DomainResult } from '../../../src/core/domain';
import type { MailTlsApi } from '../../../src/extension/api';
import type { TreeNode } from '../../../src/extension/views/endpointExplorer';
import { type DomainEnvironment, needsRoot, startDomainEnvironment, TEST_DOMAINS } from '../../servers/domain/environment';
import { getApi, lineOf, nextDraw, removeGenerated, report, setSetting, waitFor, writeGenerated } from './support';

const label = (n: TreeNode) => String(typeof n.label === 'object' ? n.label.label : n.label);

async function children(api: MailTlsApi, node?: TreeNode): Promise<TreeNode[]> {
  return ((await api.explorer.getChildren(node)) ?? []) as TreeNode[];
}

async function child(api: MailTlsApi, node: TreeNode | undefined, name: string | RegExp): Promise<TreeNode> {
  const list = await children(api, node);
  const found = list.find((n) => (typeof name === 'string' ? label(n) === name : name.test(label(n))));
  if (!found) throw new Error(`no node ${String(name)} under ${node ? label(node) : 'the root'}: ${list.map(label).join(', ')}`);
  return found;
}

describe('Check Domain against signed test zones and a validating resolver', function () {
  this.timeout(240_000);
  let api: MailTlsApi;
  let env: DomainEnvironment;

  before(async function () {
    const why = needsRoot();
    if (why) {
      report(`      (skipped: ${why})`);
      return this.skip();
    }
    api = await getApi();
    env = await startDomainEnvironment();
    await setSetting('resolver', env.resolver);
    await setSetting('caFile', env.caFile);
    await setSetting('timeouts', { connect: 5000, greeting: 10000, command: 10000, handshake: 10000, total: 60000 });
  });

  after(async () => {
    await setSetting('resolver', undefined);
    await setSetting('caFile', undefined);
    await setSetting('timeouts', undefined);
    await setSetting('domains', undefined);
    removeGenerated('domain');
    await env?.stop();
  });

  it('good.test: the command returns the check, and the explorer shows DNS, MX in preference order with each address, SRV, MTA-STS, TLS-RPT', async () => {
    const started = Date.now();
    const r = await vscode.commands.executeCommand<DomainResult>('mailTls.checkDomain', TEST_DOMAINS.good);
    report(`      good.test checked in the editor in ${Date.now() - started} ms (${r.stats.dnsQueries} DNS queries, ${r.stats.connections} connections)`);
    assert.equal(r.dnssec, 'secure');
    assert.deepEqual(r.mx.map((m) => m.host), ['mx1.good.test', 'mx2.good.test']);
    assert.equal(api.domain(TEST_DOMAINS.good)?.result, r, 'the result is kept for the explorer');

    const group = await waitFor('the Domains group', async () => (await children(api)).find((n) => label(n) === 'Domains'));
    const domain = await child(api, group, TEST_DOMAINS.good);
    assert.match(String(domain.description), /2 MX · DNSSEC secure/);
    assert.equal(domain.contextValue, 'mailTls:domain:passed:typed');
    assert.deepEqual((await children(api, domain)).map(label), ['DNS', 'Findings', 'MX', 'Client services (SRV)', 'MTA-STS', 'TLS-RPT']);
    assert.match(String((await child(api, domain, 'DNS')).description), new RegExp(`DNSSEC secure · validating resolver ${env.resolver.replace(/\./g, '\\.')}`));

    const mx = await child(api, domain, 'MX');
    assert.deepEqual((await children(api, mx)).map(label), ['mx1.good.test', 'mx2.good.test'], 'preference order');
    const mx1 = await child(api, mx, 'mx1.good.test');
    assert.match(String(mx1.description), /preference 10 · DANE usable · in MTA-STS policy/);
    const address = await child(api, mx1, env.addresses.mx1);
    assert.match(String(address.description), /TLSv1\.[23] · .* · TLSA matches/);
    const tlsa = await child(api, mx1, /^TLSA _25\._tcp\.mx1\.good\.test/);
    const records = await children(api, tlsa);
    assert.deepEqual(records.map((n) => label(n).slice(0, 5)).sort(), ['2 1 1', '3 1 1']);
    assert.ok(records.every((n) => n.description === 'matches the served chain'));

    const srv = await child(api, domain, 'Client services (SRV)');
    const srvNames = (await children(api, srv)).map(label);
    assert.ok(srvNames.includes('_submission._tcp.good.test') && srvNames.includes('_imaps._tcp.good.test'), srvNames.join(', '));
    assert.equal((await child(api, srv, '_pop3._tcp.good.test')).description, 'not offered (target .)');
    assert.match(String((await child(api, domain, 'MTA-STS')).description), /^enforce · 2 mx · max_age 86400/);
    assert.equal((await child(api, domain, 'TLS-RPT')).description, 'mailto:tlsrpt@good.test');
  });

  it('good.test: its report shows the domain card with the weakest MX\'s grade and each MX, and the card saves as a PNG', async () => {
    const domain = await child(api, await child(api, undefined, 'Domains'), TEST_DOMAINS.good);
    const drawn = nextDraw(api, (d) => d.text.includes('2 MX hosts'));
    await vscode.commands.executeCommand('mailTls.showReport', domain);
    const d = await drawn;
    const result = api.domain(TEST_DOMAINS.good)!.result!;
    const probed = result.mx.flatMap((m) => m.addresses).filter((a) => a.probe).length + result.srv.flatMap((s) => s.targets.flatMap((t) => t.addresses)).filter((a) => a.probe).length;
    // The domain's card first, then one per probed endpoint.
    assert.equal(d.letters.length, 1 + probed, d.letters.join(' '));
    assert.match(d.text, /mx1\.good\.test[\s\S]*mx2\.good\.test/);
    const dir = mkdtempSync(join(tmpdir(), 'mti-domain-card-'));
    try {
      const file = join(dir, 'good.png');
      await vscode.commands.executeCommand('mailTls.exportReportPng', domain, file);
      const png = readFileSync(file);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
      assert.ok(png.length > 2000, `the PNG is only ${png.length} bytes`);
      report(`      domain report drawn (${d.letters.join(' ')}); its grade card as PNG: ${png.length} bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('badtlsa.test: the domain fails, and the finding says no TLSA record matches', async () => {
    const r = await vscode.commands.executeCommand<DomainResult>('mailTls.checkDomain', TEST_DOMAINS.badTlsa);
    assert.ok(r.findings.some((f) => f.id === 'dane-tlsa-mismatch' && f.severity === 'error'));
    const domain = await child(api, await child(api, undefined, 'Domains'), TEST_DOMAINS.badTlsa);
    assert.equal(domain.contextValue, 'mailTls:domain:failed:typed');
    const findings = await children(api, await child(api, domain, 'Findings'));
    assert.ok(findings.some((n) => /No TLSA record matches/.test(label(n))));
  });

  it('a domain from mailTls.domains is listed before it is checked, and checks from its node', async () => {
    await setSetting('domains', [TEST_DOMAINS.nullMx]);
    const node = await waitFor('the listed domain', async () => {
      const group = (await children(api)).find((n) => label(n) === 'Domains');
      return group && (await children(api, group)).find((n) => label(n) === TEST_DOMAINS.nullMx);
    });
    assert.equal(node.description, 'not checked');
    assert.equal(node.contextValue, 'mailTls:domain:unchecked:user');
    const r = await vscode.commands.executeCommand<DomainResult>('mailTls.checkDomain', node);
    assert.equal(r.mxKind, 'null-mx');
    const mx = await waitFor('the null MX node', async () => {
      const d = await child(api, await child(api, undefined, 'Domains'), TEST_DOMAINS.nullMx);
      return (await children(api, d)).find((n) => label(n) === 'MX');
    });
    assert.equal(mx.description, 'null MX: the domain receives no mail');
  });

  it('renewed certificate: a config for mx1.good.test whose chain file holds another key is warned at smtpd_tls_chain_files; its own key is quiet', async () => {
    await vscode.commands.executeCommand('mailTls.checkDomain', TEST_DOMAINS.good);
    // The environment's "next" key: published at mx2 only (as its rollover record), not at mx1.
    const nextChain = writeGenerated('domain/postfix/next-chain.pem', readFileSync(join(env.dir, 'next.key'), 'utf8') + readFileSync(join(env.dir, 'next.pem'), 'utf8'));
    const nextRecord = `3 1 1 ${createHash('sha256').update(new X509Certificate(readFileSync(join(env.dir, 'next.pem'))).publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
    const config = (myhostname: string, chain: string) => [
      `myhostname = ${myhostname}`,
      'smtpd_tls_security_level = may',
      `smtpd_tls_chain_files = ${chain}`,
      '',
    ].join('\n');
    writeGenerated('domain/postfix/master.cf', 'smtp inet n - n - - smtpd\n');
    const mainCf = writeGenerated('domain/postfix/main.cf', config('mx1.good.test', nextChain));
    const uri = vscode.Uri.file(mainCf);
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await api.whenIdle();
    const warning = await waitFor('the renewed-certificate warning', () =>
      vscode.languages.getDiagnostics(uri).find((d) => typeof d.code === 'object' && d.code.value === 'live-tlsa-mismatch-config'), 60_000);
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(warning.range.start.line, lineOf(document, 'smtpd_tls_chain_files'));
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(warning.message, /The TLSA record at _25\._tcp\.mx1\.good\.test .*does not match the key in .*next-chain\.pem/);
    assert.ok(warning.message.includes(`publish ${nextRecord} before reloading`), warning.message);

    // The same file for mx2, whose TLSA already lists the next key (a rollover done right): quiet.
    writeGenerated('domain/postfix/main.cf', config('mx2.good.test', nextChain));
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    await waitFor('no warning once the MX publishes the key', async () => {
      await api.whenIdle();
      return !vscode.languages.getDiagnostics(uri).some((d) => typeof d.code === 'object' && d.code.value === 'live-tlsa-mismatch-config');
    }, 60_000);
    // And mx1 with the key it really serves: quiet too.
    writeGenerated('domain/postfix/main.cf', config('mx1.good.test', `${join(env.dir, 'leaf.key')} ${join(env.dir, 'chain.pem')}`));
    await vscode.commands.executeCommand('mailTls.refreshExplorer');
    // The hover's files come from the latest analysis: once it shows the served key's record, the config was re-read.
    let lastHover = '';
    await waitFor('the analysis of the changed config', async () => {
      await api.whenIdle();
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(lineOf(document, 'smtpd_tls_chain_files'), 3));
      lastHover = `${document.lineAt(lineOf(document, 'smtpd_tls_chain_files')).text}\n${hovers.flatMap((h) => h.contents).map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c))).join('\n')}`;
      return lastHover.includes(`3 1 1 ${env.leafSpki}`);
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; the last hover:\n${lastHover}`);
    });
    await waitFor('the warning gone for the served key', async () => {
      await api.whenIdle();
      return !vscode.languages.getDiagnostics(uri).some((d) => typeof d.code === 'object' && d.code.value === 'live-tlsa-mismatch-config');
    }, 30_000);
  });
});
