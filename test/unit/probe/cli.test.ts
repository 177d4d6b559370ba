// `mail-tls probe`: exit codes, one-line errors, the report, the JSON and the HTML file, in-process through
// main() and once as a real process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import type { ProbeResult } from '../../../src/core/probe/types';
import { gradeEndpoint } from '../../../src/core/report/grade';
import { buildTimeline } from '../../../src/core/report/timeline';
import { selfSigned, type KeyPair } from '../../support/certs';
import { freePort } from '../../support/mailServers/listener';
import { FakeServer, smtpHandler, startFakeServer } from '../../support/mailServers/scripted';

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

async function run(args: string[]) {
  const f = fakeIo();
  const code = await main(['probe', ...args], f.io);
  return { code, stdout: f.out(), stderr: f.err() };
}

let pair: KeyPair;
let dir: string;
let caFile: string;
let good: FakeServer;
let noTls: FakeServer;
let closedPort: number;

before(async () => {
  pair = selfSigned('localhost');
  dir = mkdtempSync(join(tmpdir(), 'probe-cli-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pair.cert);
  good = await startFakeServer({ tls: pair, greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['STARTTLS'] }) });
  noTls = await startFakeServer({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['PIPELINING'] }) });
  closedPort = await freePort();
});
after(async () => {
  await Promise.all([good.close(), noTls.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('mail-tls probe: bad arguments exit 2 with one line', () => {
  const cases: [string[], RegExp][] = [
    [[], /give at least one target/],
    [['http://mx.example.org'], /unknown scheme 'http'/],
    [['smtp://[::1'], /unclosed/],
    [['smtp://127.0.0.1', '--timeout', 'soon'], /--timeout takes a positive whole number, not 'soon'/],
    [['smtp://127.0.0.1', '--max-connections', '0'], /--max-connections/],
    [['smtp://127.0.0.1', '--bogus'], /Unknown option '--bogus'/],
    [['smtp://127.0.0.1', '--ca'], /--ca/],
    [['smtp://127.0.0.1', '--ca', '/nonexistent/ca.pem'], /cannot read the CA file '\/nonexistent\/ca\.pem': ENOENT/],
    [['smtp://127.0.0.1', '--ehlo', 'bad name'], /--ehlo 'bad name'/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' ') || '(no target)', async () => {
      const r = await run(args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^mail-tls probe: [^\n]+\n$/, 'exactly one line');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('a CA file without certificates is a usage error too', async () => {
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'not a certificate\n');
    const r = await run([`smtp://127.0.0.1:${good.port}`, '--ca', empty]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no PEM certificate/);
  });
});

describe('mail-tls probe: results', () => {
  it('--help prints the usage, exit 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: mail-tls probe <target\.\.\.>/);
    assert.match(r.stdout, /--no-injection/);
  });

  it('a clean endpoint: exit 0 and a readable report', async () => {
    const r = await run([`smtp://127.0.0.1:${good.port}`, '--ca', caFile, '--servername', 'localhost', '--no-ciphers']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^smtp://127\\.0\\.0\\.1:${good.port}  \\(smtp, STARTTLS\\)  OK`));
    assert.match(r.stdout, /TLS {11}TLSv1\.3 {2}TLS_AES_256_GCM_SHA384/);
    assert.match(r.stdout, /accepted {6}TLSv1 (yes|no) {2}TLSv1\.1 (yes|no) {2}TLSv1\.2 yes {2}TLSv1\.3 yes/);
    assert.match(r.stdout, /trusted yes, hostname matches yes/);
    assert.match(r.stdout, /findings {6}none/);
  });

  it('an error finding: exit 1, the finding with its severity', async () => {
    const r = await run([`smtp://127.0.0.1:${noTls.port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /ERROR {3}starttls-not-offered: STARTTLS is not offered/);
  });

  it('--json: an array of results in target order, several targets at once', async () => {
    const targets = [`smtp://127.0.0.1:${good.port}`, `smtp://127.0.0.1:${noTls.port}`, `imaps://127.0.0.1:${closedPort}`];
    const r = await run([...targets, '--json', '--ca', caFile, '--servername', 'localhost', '--no-versions', '--no-injection']);
    assert.equal(r.code, 1);
    const results = JSON.parse(r.stdout) as ProbeResult[];
    assert.deepEqual(results.map((x) => x.target), targets);
    const [first, second, third] = results as [ProbeResult, ProbeResult, ProbeResult];
    assert.deepEqual(Object.keys(first).sort(), ['address', 'capabilities', 'certificate', 'ciphers', 'connections', 'findings', 'greeting', 'ocsp', 'ok', 'pipeliningGuard', 'protocol', 'startedAt', 'target', 'timings', 'tls', 'tlsMode', 'transcript', 'versions']);
    assert.deepEqual(Object.keys(first.tls!).sort(), ['alpn', 'cipher', 'cipherStandardName', 'group', 'version']);
    assert.deepEqual(Object.keys(first.certificate!).sort(), ['chain', 'daysLeft', 'hostnameMatches', 'trusted', 'validationError']);
    assert.deepEqual(Object.keys(first.certificate!.chain[0]!).sort(), ['fingerprint256', 'issuer', 'keyBits', 'keyType', 'notAfter', 'notBefore', 'selfSigned', 'serialNumber', 'signatureAlgorithm', 'subject', 'subjectAltNames']);
    assert.deepEqual(Object.keys(first.timings).sort(), ['connect', 'greeting', 'handshake', 'starttls', 'total']);
    assert.deepEqual(Object.keys(first.versions), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    assert.ok(first.transcript.every((e) => ['client', 'server', 'info'].includes(e.direction) && typeof e.text === 'string' && typeof e.at === 'number'));
    assert.equal(first.certificate!.trusted, true);
    assert.deepEqual(second.findings.map((f) => f.id), ['starttls-not-offered']);
    assert.deepEqual(third.findings.map((f) => f.id), ['connect-failed']);
  });
});

describe('mail-tls probe --html', () => {
  /** Text as the page shows it, from the escaped HTML. */
  const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

  it('writes the run\'s own report: its grade and every reason, the dialog, the chain, the suites and the findings', async () => {
    const target = `smtp://127.0.0.1:${good.port}`;
    const file = join(dir, 'probe.html');
    const r = await run([target, '--json', '--html', file, '--ca', caFile, '--servername', 'localhost']);
    assert.ok(existsSync(file), r.stderr);
    const html = readFileSync(file, 'utf8');
    assert.equal(r.stderr, `report written to ${file} (${statSync(file).size} bytes)\n`);
    // The same run, as JSON: what the file must show.
    const [result] = JSON.parse(r.stdout) as ProbeResult[];
    const grade = gradeEndpoint(result!);
    assert.ok(grade.letter, 'the clean test endpoint is graded');

    const card = /<section class="card [^"]*" data-part="grade-card"[^>]*>(.*?)<\/section>/.exec(html)?.[1] ?? '';
    assert.match(card, new RegExp(`<div class="card-letter" data-grade="${grade.letter}"[^>]*>${grade.letter}</div>`));
    assert.match(card, new RegExp(`<h2 class="card-target">${target.replace(/[.:/]/g, '\\$&')}</h2>`));
    assert.ok(text(card).includes(`Score ${grade.score} / 100`), text(card));
    const reasons = [...card.matchAll(/<li class="reason reason-([a-z]+)">(.*?)<\/li>/g)].map((m) => [m[1], text(m[2]!)]);
    assert.deepEqual(reasons, grade.reasons.map((x) => [x.kind, x.text]), 'every reason of the grade, in order');
    assert.doesNotMatch(card, /data-action=/, 'no editor buttons in the file');

    const phases: string[] = [...html.matchAll(/<(?:details|div) class="phase phase-[a-z]+" data-phase="([a-z]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(phases, buildTimeline(result!).phases.map((p): string => p.kind), 'one row per phase of the dialog');
    assert.ok(['connect', 'greeting', 'starttls', 'handshake'].every((p) => phases.includes(p)), phases.join(' '));
    const greeting = /<details class="phase phase-greeting" data-phase="greeting">(.*?)<\/details>/s.exec(html)?.[1] ?? '';
    assert.match(text(greeting), /220 hi/, 'the greeting row carries its transcript line');

    const certs = [...html.matchAll(/<li class="cert cert-([a-z]+)[^"]*" data-role="([a-z]+)"/g)].map((m) => m[2]);
    assert.equal(certs.length, result!.certificate!.chain.length);
    assert.equal(certs[0], 'leaf');
    assert.ok(text(html).includes(result!.certificate!.chain[0]!.subject), 'the leaf subject');

    const versions = [...html.matchAll(/<div class="suite-version" data-version="([^"]+)">/g)].map((m) => m[1]);
    assert.ok(result!.ciphers, 'one target: the cipher scan ran');
    assert.deepEqual(versions, result!.ciphers!.versions.filter((v) => v.accepted && v.suites.length).map((v) => v.version));
    assert.ok(versions.includes('TLSv1.3'), versions.join(' '));

    const listed = [...html.matchAll(/<li class="finding" data-id="([^"]+)">/g)].map((m) => m[1]).sort();
    assert.deepEqual(listed, result!.findings.map((f) => f.id).sort(), 'each finding of the run');
  });
});

describe('mail-tls probe as a process (dist/cli.js)', () => {
  const cli = resolve(__dirname, '../../../../dist/cli.js');
  it('exit codes and output from the bundled CLI', (t) => {
    if (!existsSync(cli)) return t.skip('dist/cli.js is not built (npm test builds it)');
    const bad = spawnSync(process.execPath, [cli, 'probe', 'gopher://x'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /unknown scheme 'gopher'/);
    const refused = spawnSync(process.execPath, [cli, 'probe', `pop3s://127.0.0.1:${closedPort}`, '--json'], { encoding: 'utf8' });
    assert.equal(refused.status, 1);
    assert.equal((JSON.parse(refused.stdout) as ProbeResult[])[0]!.findings[0]!.id, 'connect-failed');
  });
});
