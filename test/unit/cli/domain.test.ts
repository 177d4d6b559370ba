// `mail-tls domain`: the command line (usage errors exit 2 before any lookup), and a run
// against a scripted resolver with probing off (text, JSON and the HTML report). Live runs are in test/real/domain.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as packet from 'dns-packet';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import type { DomainResult } from '../../../src/core/domain/types';
import { fakeResolver, FakeResolver, response } from '../../support/fakeResolver';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await main(argv, io);
  return { code, out, err };
}

let resolver: FakeResolver | null = null;
after(() => resolver?.close());

test('usage errors exit 2 with one line, before any DNS question', async () => {
  resolver = await fakeResolver(() => null);
  for (const [args, message] of [
    [[], /give at least one domain/],
    [['not a domain'], /is not a domain name/],
    [['example.org', '--resolver', 'dns.example'], /not an IP address/],
    [['example.org', '--resolver', '127.0.0.1:99999'], /port must be/],
    [['example.org', '--timeout', '0'], /positive whole number/],
    [['example.org', '--frobnicate'], /Unknown option/],
  ] as const) {
    const r = await run('domain', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1);
  }
  assert.deepEqual(resolver.seen, { udp: 0, tcp: 0 });
  await resolver.close();
  resolver = null;
});

test('--help lists the options', async () => {
  const r = await run('domain', '--help');
  assert.equal(r.code, 0);
  for (const option of ['--resolver', '--json', '--no-probe', '--ca', '--dns-timeout']) assert.ok(r.out.includes(option), option);
});

test('a null-MX domain with --no-probe: text and JSON, exit 0', async () => {
  resolver = await fakeResolver((q) => {
    const question = q.questions![0]!;
    const answers: packet.Answer[] = question.type === 'MX' && question.name === 'example.test' ? [{ type: 'MX', name: 'example.test', data: { preference: 0, exchange: '.' } }] : [];
    return response(q, packet.AUTHENTIC_DATA, answers);
  });
  const text = await run('domain', 'example.test', '--no-probe', '--resolver', resolver.address);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^example\.test {2}OK$/m);
  assert.match(text.out, /null MX: the domain accepts no mail/);
  assert.match(text.out, /validates DNSSEC/);
  const json = await run('domain', 'example.test', '--no-probe', '--json', '--resolver', resolver.address);
  const [result] = JSON.parse(json.out) as DomainResult[];
  assert.equal(result!.mxKind, 'null-mx');
  assert.equal(result!.dnssec, 'secure');
  assert.equal(result!.resolver.servers[0], resolver.address);
});

test('an MX lookup that fails: "could not be read" and the reason, exit 1, never "no MX"', async () => {
  await resolver?.close();
  resolver = await fakeResolver((q) => response(q, 0, [], q.questions![0]!.type === 'MX' ? 2 : 0));
  const text = await run('domain', 'example.test', '--no-probe', '--resolver', resolver.address);
  assert.equal(text.code, 1, text.err);
  assert.match(text.out, /MX +could not be read/);
  assert.match(text.out, /The MX lookup failed/);
  assert.doesNotMatch(text.out, /no MX and no address|neither MX nor/);
});

test('--html with --no-probe: the domain card and the MX table, in preference order, ungraded', async () => {
  await resolver?.close();
  resolver = await fakeResolver((q) => {
    const { name, type } = q.questions![0]!;
    const answers: packet.Answer[] = [];
    if (type === 'MX' && name === 'two.test') answers.push({ type: 'MX', name, data: { preference: 20, exchange: 'mx2.two.test' } }, { type: 'MX', name, data: { preference: 10, exchange: 'mx1.two.test' } });
    if (type === 'A' && name === 'mx1.two.test') answers.push({ type: 'A', name, data: '192.0.2.10' });
    if (type === 'A' && name === 'mx2.two.test') answers.push({ type: 'A', name, data: '192.0.2.20' });
    return response(q, packet.AUTHENTIC_DATA, answers);
  });
  const dir = mkdtempSync(join(tmpdir(), 'mti-domain-html-'));
  try {
    const file = join(dir, 'two.html');
    const r = await run('domain', 'two.test', '--no-probe', '--html', file, '--resolver', resolver.address);
    assert.ok(existsSync(file), r.err);
    const html = readFileSync(file, 'utf8');
    assert.match(r.err, new RegExp(`report written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${Buffer.byteLength(html)} bytes\\)`));
    const json = JSON.parse((await run('domain', 'two.test', '--no-probe', '--json', '--resolver', resolver.address)).out) as DomainResult[];
    // The domain's card: no probe, so no grade, and the reason says why.
    const card = /<section class="domain" data-part="domain" data-domain="two\.test"><section class="card [^"]*" data-part="grade-card" aria-label="Grade – for two\.test"[^>]*><div class="card-letter" data-grade="–" aria-hidden="true">–<\/div>(.*?)<\/section>/.exec(html);
    assert.ok(card, 'no domain card');
    assert.match(card[1]!, /<h2 class="card-target">two\.test<\/h2><p class="card-meta">2 MX hosts<\/p>/);
    assert.match(card[1]!, /<li class="reason">no grade: no MX host could be probed<\/li>/);
    const errors = json[0]!.findings.filter((f) => f.severity === 'error').length;
    const warnings = json[0]!.findings.filter((f) => f.severity === 'warning').length;
    assert.match(card[1]!, new RegExp(`DNS, DANE, MTA-STS and TLS-RPT: ${errors} error\\(s\\), ${warnings} warning\\(s\\)`));
    // The MX table: both hosts, lowest preference first, no endpoint probed, no grade.
    const rows = [...html.matchAll(/<tr class="[^"]*"><td><code>([^<]+)<\/code><\/td><td>(\d*)<\/td><td>([^<]*)<\/td><td class="mx-grade">([^<]+)<\/td><\/tr>/g)].map((m) => m.slice(1));
    assert.deepEqual(rows, [['mx1.two.test', '10', '', '–'], ['mx2.two.test', '20', '', '–']]);
    // The DNS findings beside the card are the check's own, each once.
    const listed = [...html.matchAll(/<li class="finding severity-[a-z]+" data-id="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual([...listed].sort(), json[0]!.findings.map((f) => f.id).sort());
    assert.ok(listed.length > 0, 'a domain without MTA-STS or TLS-RPT has DNS findings');
    assert.doesNotMatch(html, /data-part="timeline"/, 'no endpoint section without a probe');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await resolver.close();
    resolver = null;
  }
});
