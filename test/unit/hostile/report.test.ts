// A server whose greeting, EHLO reply and certificate subject are markup: the probe records
// them as they are, and the exported report shows them as text, with no element of theirs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe';
import type { ProbeResult } from '../../../src/core/probe/types';
import { renderReportHtml, reportInput } from '../../../src/core/report';
import { escapeHtml } from '../../../src/core/report/vnode';
import { MARKUP, markupServer, type MarkupServer } from '../../support/mailServers/markup';

describe('report of a server that speaks markup', () => {
  let server: MarkupServer;
  let result: ProbeResult;

  before(async () => {
    server = await markupServer();
    result = await probe(server.url, { caFile: server.certFile, servername: 'localhost', enumerateVersions: false, checkInjection: false, timeouts: { total: 10_000 } });
  });
  after(() => server?.close());

  it('the probe kept the markup as text (the report has something hostile to show)', () => {
    assert.equal(result.ok, true, JSON.stringify(result.findings));
    assert.ok(result.greeting?.includes(MARKUP.greeting));
    assert.ok(result.capabilities.beforeTls.includes(MARKUP.ehlo));
    // Node's distinguished names escape < > and " with a backslash (RFC 2253 style); still markup.
    assert.match(result.certificate?.chain[0]?.subject ?? '', /^CN=\\<script\\>window\.__pwned=3\\<\/script\\>, O=\\<iframe/);
  });

  it('the HTML file shows greeting, EHLO line and subject escaped, and contains no element of theirs', () => {
    const html = renderReportHtml(reportInput([result]));
    const body = html.slice(html.indexOf('<body>'));
    for (const text of [MARKUP.greeting, MARKUP.ehlo, result.certificate!.chain[0]!.subject]) {
      assert.ok(body.includes(escapeHtml(text)), `${text} is not in the report as text`);
    }
    // Text is escaped, so every '<' left starts a tag the renderer made: only its own, without handlers.
    const tags = body.match(/<[^>]*>/g) ?? [];
    const names = new Set(tags.map((t) => /^<\/?([a-z0-9]+)/.exec(t)?.[1]));
    for (const name of ['script', 'img', 'iframe', 'b']) assert.ok(!names.has(name), `a <${name}> element in the report`);
    assert.equal(tags.filter((t) => /\son[a-z]+=/i.test(t)).length, 0, 'an event handler attribute');
  });
});
