// The self-contained HTML file: escaping of every server-provided text, no script, no remote
// content, and the parts (grade card, timeline bars to scale, chain boxes, suites, findings).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReportHtml, reportInput } from '../../../src/core/report';
import { buildTimeline } from '../../../src/core/report/timeline';
import { h, toHtml } from '../../../src/core/report/vnode';
import { cert, finding, sample } from '../../support/sampleResults';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

function body(html: string): string {
  return html.slice(html.indexOf('<body>'));
}

describe('report HTML', () => {
  it('escapes greeting, EHLO lines, certificate subject and findings; no element comes from server text', () => {
    const result = sample({
      greeting: `220 ${HOSTILE}`,
      transcript: [...sample().transcript, { direction: 'server', text: `250-${HOSTILE}`, at: 101 }],
      certificate: { ...sample().certificate!, chain: [cert({ subject: `CN=${HOSTILE}`, subjectAltNames: [`DNS:${HOSTILE}`] })] },
      findings: [finding('cert-hostname-mismatch', 'warning', `Mismatch ${HOSTILE}`, `detail ${HOSTILE}`)],
    });
    result.transcript[0]!.text = `220 ${HOSTILE}`;
    const html = renderReportHtml(reportInput([result], { located: () => [{ id: 'x', severity: 'warning', message: HOSTILE, file: `/etc/${HOSTILE}`, display: HOSTILE, line: 3 }] }));
    const b = body(html);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(b, /<img/i);
    assert.ok(b.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;'));
    // Every place: transcript, subject, finding title and detail, config location.
    const count = b.split('&lt;script&gt;alert(1)').length - 1;
    assert.ok(count >= 6, `escaped payload appears ${count} times`);
  });

  it('is self-contained: a CSP that forbids scripts, no URL to fetch, inline CSS with light and dark', () => {
    const html = renderReportHtml(reportInput([sample()]));
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
    assert.doesNotMatch(html, /\b(src|href)=/i);
    assert.doesNotMatch(html, /url\(|@import|https?:\/\//i);
    assert.match(html, /@media \(prefers-color-scheme:dark\)/);
    assert.doesNotMatch(html, /data-action=/, 'no editor buttons in the file');
  });

  it('draws the grade card, timeline bars to scale, chain boxes and severity groups', () => {
    const result = sample({ findings: [finding('tls13-not-supported', 'warning', 'TLS 1.3 is not supported'), finding('cert-expiring-soon', 'warning', 'Expires soon')] });
    const html = renderReportHtml(reportInput([result], { located: () => [{ id: 'postfix-tls-protocols', severity: 'warning', message: 'smtpd_tls_protocols allows it', file: '/etc/postfix/main.cf', display: 'postfix/main.cf', line: 12, explains: 'tls13-not-supported' }] }));
    assert.match(html, /class="card-letter" data-grade="A-"/);
    // Handshake: starts at the STARTTLS reply (45 ms), lasts 50 ms, on a 160 ms axis.
    assert.match(html, /class="bar bar-handshake" data-start="45" data-ms="50"[^>]*style="left:28\.13%;width:31\.25%"/);
    assert.equal((html.match(/<li class="cert cert-/g) ?? []).length, 3, 'leaf, intermediate, and the root not sent');
    assert.match(html, /data-severity="warning"><h4>Warnings \(2\)<\/h4>/);
    assert.match(html, /<code class="loc">postfix\/main\.cf:12<\/code> smtpd_tls_protocols allows it/);
  });

  it('the element builder refuses event handlers, URLs and unknown styles', () => {
    assert.throws(() => h('div', { onclick: 'x' }), /not allowed/);
    assert.throws(() => h('div', { href: 'x' }), /not allowed/);
    assert.equal(toHtml(h('span', { title: '"><b>' }, '<b>')), '<span title="&quot;&gt;&lt;b&gt;">&lt;b&gt;</span>');
  });
});

describe('timeline', () => {
  it('STARTTLS: connect, greeting, each command, handshake, the repeated EHLO, other connections', () => {
    const t = buildTimeline(sample());
    assert.deepEqual(t.phases.map((p) => [p.label, p.start, p.end]), [
      ['Connect', 0, 10], ['Greeting', 10, 30], ['EHLO', 31, 40], ['STARTTLS', 41, 45], ['TLS handshake', 45, 95],
      ['EHLO again', 95, 100], ['QUIT', 100, 102], ['Other connections', 102, 160],
    ]);
    assert.equal(t.total, 160);
    assert.deepEqual(t.phases[2]!.lines.map((l) => l.text), ['EHLO probe.example', '250-mx.example.org', '250 STARTTLS']);
  });

  it('implicit TLS: the handshake comes before the greeting; IMAP tags are not verbs', () => {
    const t = buildTimeline(sample({
      protocol: 'imaps', tlsMode: 'implicit',
      transcript: [
        { direction: 'info', text: 'TLS established: TLSv1.3', at: 60 },
        { direction: 'server', text: '* OK ready', at: 70 },
        { direction: 'client', text: 'a1 CAPABILITY', at: 71 },
        { direction: 'server', text: 'a1 OK', at: 75 },
      ],
      timings: { connect: 10, greeting: 10, starttls: null, handshake: 50, total: 80 },
    }));
    assert.deepEqual(t.phases.map((p) => [p.label, p.start, p.end]), [['Connect', 0, 10], ['TLS handshake', 10, 60], ['Greeting', 60, 70], ['CAPABILITY', 71, 75]]);
  });

  it('a 5-second greeting delay is the longest bar', () => {
    const s = sample();
    const shift = (at: number) => (at >= 30 ? at + 5000 : at);
    const slow = sample({ transcript: s.transcript.map((e) => ({ ...e, at: shift(e.at) })), timings: { ...s.timings, greeting: 5020, total: 5160 } });
    const t = buildTimeline(slow);
    const longest = [...t.phases].sort((a, b) => b.end - b.start - (a.end - a.start))[0]!;
    assert.equal(longest.label, 'Greeting');
    assert.equal(longest.end - longest.start, 5020);
  });
});

describe('report HTML: OCSP', () => {
  it('says whether a staple came, its status and whether it verifies', () => {
    const ocsp = { stapled: true, mustStaple: false, responseStatus: 'successful', certStatus: 'good' as const, thisUpdate: '2026-12-01T00:00:00Z', nextUpdate: '2026-12-08T00:00:00Z', producedAt: null, verified: true, problem: null };
    const html = renderReportHtml(reportInput([sample({ ocsp })]));
    assert.match(html, /<strong>OCSP stapling: <\/strong>stapled, good \(this update 2026-12-01T00:00:00Z, next update 2026-12-08T00:00:00Z, signature verifies\)/);
    assert.doesNotMatch(renderReportHtml(reportInput([sample({ ocsp: null })])), /OCSP stapling/);
  });
});
