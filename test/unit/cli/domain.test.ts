// `mail-tls domain`: the command line (usage errors exit 2 before any lookup), and a run
// against a scripted resolver with probing off (text and JSON). Live runs are in test/real/domain.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as packet from 'dns-packet';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import type { DomainResult } from '../../../src/core/domain/types';
import { fakeResolver, FakeResolver, response } from '../../support/fakeResolver';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), isTty: false };
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
