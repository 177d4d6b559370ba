// The self-contained HTML file: escaping of every server-provided text, no script, no remote
// content, and the parts (grade card, timeline bars to scale, chain boxes, suites, findings).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderReportHtml, reportInput } from '../../../src/core/report';
import { buildTimeline } from '../../../src/core/report/timeline';
import { h, toHtml } from '../../../src/core/report/vnode';
import type { CipherScan, ProbeResult, SuiteResult } from '../../../src/core/probe/types';
import { fixture } from '../../support/paths';
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

  it('lists the accepted suites per version in the order the scan saw them, each row with its grade colour', () => {
    const suite = (iana: string, grade: SuiteResult['grade'], extra: Partial<SuiteResult> = {}): SuiteResult => ({ hex: '0x0000', iana, openssl: iana, kx: 'ECDHE', auth: 'RSA', cipher: 'AES', bits: 128, mac: 'AEAD', forwardSecrecy: true, grade, keyExchange: 'X25519', dhBits: null, ...extra });
    const synthetic: CipherScan = {
      versions: [
        { version: 'SSLv3', accepted: false, serverOrder: null, complete: true, suites: [] },
        // The server's order, deliberately not alphabetical and not by grade.
        { version: 'TLSv1.2', accepted: true, serverOrder: true, complete: true, suites: [
          suite('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'recommended', { bits: 256 }),
          suite('TLS_RSA_WITH_RC4_128_SHA', 'insecure', { forwardSecrecy: false, mac: 'SHA1', keyExchange: null }),
          suite('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'acceptable', { mac: 'SHA1' }),
          suite('TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'weak', { bits: 112, forwardSecrecy: false, mac: 'SHA1', keyExchange: null }),
        ] },
        { version: 'TLSv1.3', accepted: true, serverOrder: false, complete: true, suites: [suite('TLS_AES_256_GCM_SHA384', 'recommended', { bits: 256 }), suite('TLS_AES_128_GCM_SHA256', 'recommended')] },
      ],
      groups: ['X25519', 'P-256'], groupsComplete: true, fallbackScsv: true, secureRenegotiation: true, connections: 12, notes: [],
    };
    const live = JSON.parse(readFileSync(fixture('live', 'postfix-smtp-scan.json'), 'utf8')) as ProbeResult;
    const GRADE_CLASS: Record<SuiteResult['grade'], string> = { recommended: 'good', acceptable: 'acceptable', weak: 'weak', insecure: 'insecure' };
    for (const result of [{ ...sample(), ciphers: synthetic }, live]) {
      const html = renderReportHtml(reportInput([result]));
      const shown = [...html.matchAll(/<div class="suite-version" data-version="([^"]+)"><h4>([^<]*)<\/h4>(.*?)<\/table>/g)];
      const accepted = result.ciphers!.versions.filter((v) => v.accepted && v.suites.length);
      assert.deepEqual(shown.map((m) => m[1]), accepted.map((v) => v.version), `${result.target}: one table per accepted version, none for refused ones`);
      for (const [i, v] of accepted.entries()) {
        const [, , heading, table] = shown[i]!;
        const order = (v.serverOrder ? "server's order" : "client's order (the server does not enforce one)").replace("'", '&#39;');
        assert.ok(heading!.endsWith(` · ${v.suites.length} suite${v.suites.length === 1 ? '' : 's'} · ${order}`), `${v.version}: ${heading}`);
        const rows = [...table!.matchAll(/<tr class="suite suite-([a-z]+)" data-grade="([a-z]+)"><td>(\d+)<\/td><td><code>([^<]+)<\/code>.*?<td class="suite-grade">([a-z]+)<\/td><\/tr>/g)];
        assert.deepEqual(rows.map((r) => r[4]), v.suites.map((s) => s.iana), `${v.version}: the rows in the scan's order`);
        assert.deepEqual(rows.map((r) => Number(r[3])), v.suites.map((_, n) => n + 1), `${v.version}: numbered from 1`);
        assert.deepEqual(rows.map((r) => r[1]), v.suites.map((s) => GRADE_CLASS[s.grade]), `${v.version}: each row's grade class`);
        assert.ok(rows.every((r) => r[1] === r[2] && r[2] === r[5]), `${v.version}: class, data-grade and the Grade cell agree`);
      }
      // Each grade class has its colour in the file's CSS.
      for (const grade of Object.values(GRADE_CLASS)) assert.match(html, new RegExp(`\\.suite-${grade}\\{--mt-grade-cell:var\\(--mt-[a-z]+\\)\\}`), grade);
    }
    const html = renderReportHtml(reportInput([{ ...sample(), ciphers: synthetic }]));
    assert.match(html, /<strong>Groups: <\/strong>X25519, P-256/);
    assert.doesNotMatch(html, /data-version="SSLv3"/, 'a refused version gets no table');
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
