// The domain check against the real thing: zones signed with ldns-signzone at test time,
// served by a real validating unbound; MX hosts on port 25 and an MTA-STS server on 443 of
// loopback addresses; Postfix's own DANE client (posttls-finger) as the oracle on the same MX.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkDomain } from '../../src/core/domain';
import { fetchPolicy } from '../../src/core/domain/mtaSts';
import type { DomainResult } from '../../src/core/domain/types';
import { DomainEnvironment, needsRoot, startDomainEnvironment, TEST_DOMAINS } from '../servers/domain/environment';

const skip = needsRoot();
if (skip) console.log(`# domain suite skipped: ${skip}`);

describe('domain check against signed zones and a validating unbound', { skip: skip ?? false }, () => {
  let env: DomainEnvironment;
  const results = new Map<string, DomainResult>();
  const check = async (domain: string) => {
    if (!results.has(domain)) results.set(domain, await checkDomain(domain, { resolvers: [env.resolver], caFile: env.caFile }));
    return results.get(domain)!;
  };
  const ids = (r: DomainResult) => r.findings.map((f) => f.id);

  /** posttls-finger with a private resolv.conf naming the test resolver (a mount namespace of its own). */
  const finger = (host: string, options: { family?: 'ipv4' | 'ipv6'; destination?: string } = {}): Promise<string> => {
    const config = join(env.dir, 'postfix');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'main.cf'), `compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\ndnssec_probe =\n`);
    const script = 'mount --bind "$1" /etc/resolv.conf && exec posttls-finger -a "$3" -c -l dane -L summary,dane "$2"';
    return new Promise((resolve, reject) => {
      // Asynchronous: the MX servers run in this process and must answer meanwhile.
      execFile('unshare', ['-m', 'sh', '-c', script, 'sh', env.resolvConf, options.destination ?? `[${host}]:25`, options.family ?? 'any'], { env: { ...process.env, MAIL_CONFIG: config }, timeout: 60_000 }, (err, stdout, stderr) => {
        if (err && err.killed) return reject(new Error(`posttls-finger timed out: ${stdout}${stderr}`));
        resolve(`${stdout}${stderr}`);
      });
    });
  };

  before(async () => {
    env = await startDomainEnvironment();
  });
  after(async () => {
    await env?.stop();
  });

  test('good domain: secure, two MX in order, DANE matches on each, SRV probed, MTA-STS and TLS-RPT in place', async () => {
    const r = await check(TEST_DOMAINS.good);
    assert.equal(r.resolver.validates, true);
    assert.equal(r.dnssec, 'secure');
    assert.equal(r.mxKind, 'mx');
    assert.deepEqual(r.mx.map((h) => [h.preference, h.host]), [[10, 'mx1.good.test'], [20, 'mx2.good.test']]);
    for (const h of r.mx) {
      assert.equal(h.dane.state, 'usable', h.host);
      assert.equal(h.mtaStsCovered, true, h.host);
      assert.deepEqual(h.addresses.map((a) => [a.probe?.ok, a.daneMatch]), [[true, true]], h.host);
      assert.equal(h.addresses[0]!.probe!.certificate!.chainDer, undefined, 'chain bytes are not kept in the report');
    }
    // mx1 publishes the key and its issuer: both match; mx2 the key and a next key: one matches.
    assert.deepEqual(r.mx[0]!.addresses[0]!.daneMatched.map((m) => m.slice(0, 5)).sort(), ['2 1 1', '3 1 1']);
    assert.equal(r.mx[1]!.addresses[0]!.daneMatched.length, 1);
    const srv = Object.fromEntries(r.srv.map((s) => [s.service, s]));
    assert.equal(srv._submission!.targets[0]!.addresses[0]!.probe!.ok, true);
    assert.equal(srv._imaps!.targets[0]!.addresses[0]!.probe!.protocol, 'imaps');
    assert.equal(srv._imaps!.targets[0]!.addresses[0]!.probe!.ok, true);
    assert.equal(srv._pop3!.notOffered, true);
    assert.equal(srv._imap!.targets.length, 0);
    assert.equal(r.mtaSts.policy?.mode, 'enforce');
    assert.equal(r.mtaSts.httpStatus, 200);
    assert.deepEqual(r.tlsRpt.rua, ['mailto:tlsrpt@good.test']);
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), []);
    assert.ok(r.stats.dnsQueries > 10 && r.stats.connections >= 4, JSON.stringify(r.stats));
  });

  test('posttls-finger verifies the good MX hosts by DANE, as we do', async () => {
    for (const host of ['mx1.good.test', 'mx2.good.test']) {
      const out = await finger(host);
      assert.match(out, /DNSSEC-signed TLSA record/, out);
      assert.match(out, /Verified TLS connection established/, out);
    }
  });

  test('TLSA that does not match: an error here, "no matching DANE TLSA records" in Postfix', async () => {
    const r = await check(TEST_DOMAINS.badTlsa);
    assert.equal(r.mx[0]!.dane.state, 'usable');
    assert.equal(r.mx[0]!.addresses[0]!.daneMatch, false);
    const f = r.findings.find((x) => x.id === 'dane-tlsa-mismatch');
    assert.ok(f && f.severity === 'error', JSON.stringify(r.findings));
    assert.match(f.detail, new RegExp(`3 1 1 ${env.leafSpki}`), 'the finding names the record to publish');
    const out = await finger('mx.badtlsa.test');
    assert.match(out, /no matching DANE TLSA records/, out);
    assert.doesNotMatch(out, /Verified TLS connection/, out);
  });

  test('TLSA in an unsigned zone does not count, for us and for Postfix', async () => {
    const r = await check(TEST_DOMAINS.unsigned);
    assert.equal(r.dnssec, 'insecure');
    assert.equal(r.mx[0]!.dane.state, 'not-secure');
    assert.equal(r.mx[0]!.addresses[0]!.daneMatch, null);
    assert.ok(ids(r).includes('dane-tlsa-not-secure') && ids(r).includes('dnssec-unsigned'), ids(r).join());
    const out = await finger('mx.unsigned.test');
    assert.doesNotMatch(out, /DNSSEC-signed TLSA record|Verified TLS connection/, out);
  });

  test('a bogus TLSA signature: an error here, a TLSA lookup error in Postfix', async () => {
    const r = await check(TEST_DOMAINS.bogus);
    assert.equal(r.dnssec, 'secure', 'the MX answer itself validates');
    assert.equal(r.mx[0]!.dane.state, 'bogus');
    assert.equal(r.mx[0]!.dane.lookup.dnssec, 'bogus');
    assert.equal(r.findings.find((f) => f.id === 'dane-tlsa-bogus')?.severity, 'error');
    const out = await finger('mx.bogus.test');
    assert.match(out, /TLSA lookup (error|problem)/, out);
  });

  test('a bogus MX answer at the domain itself: dnssec-bogus, not "no MX", and no probe', async () => {
    const r = await check(TEST_DOMAINS.bogusMx);
    assert.equal(r.dnssec, 'bogus');
    assert.equal(r.mxLookup.rcode, 'SERVFAIL');
    assert.equal(r.mxKind, 'unreadable');
    assert.equal(r.findings.find((f) => f.id === 'dnssec-bogus')?.severity, 'error', JSON.stringify(r.findings));
    assert.ok(!ids(r).includes('mx-missing'), ids(r).join());
    assert.deepEqual(r.mx, []);
    assert.equal(r.stats.connections, 0, 'mx.bogusmx.test has an address; it must not be probed');
    // Postfix, given the domain: the MX lookup is a temporary failure, not "no such host".
    const out = await finger('', { destination: TEST_DOMAINS.bogusMx });
    assert.match(out, /type=MX: Host not found, try again/, out);
    assert.doesNotMatch(out, /TLS connection established/, out);
  });

  test('an MX host with an IPv4 and an IPv6 address: each probed, each matched against the TLSA', async (t) => {
    if (!env.addresses.dual6) return t.skip('[::1]:25 is in use on this machine (another test run or a mail server): mx.dual.test has no AAAA in this run');
    const r = await check(TEST_DOMAINS.dual);
    assert.equal(r.mx.length, 1);
    const h = r.mx[0]!;
    assert.equal(h.dane.state, 'usable');
    assert.deepEqual(h.addresses.map((a) => [a.address, a.family]), [[env.addresses.dual, 4], ['::1', 6]]);
    for (const a of h.addresses) {
      assert.equal(a.probe?.ok, true, a.address);
      assert.equal(a.daneMatch, true, a.address);
      assert.deepEqual(a.daneMatched.map((m) => m.slice(0, 5)).sort(), ['2 1 1', '3 1 1'], a.address);
    }
    // Two probes of their own, one per address, not one result shared.
    assert.notEqual(h.addresses[0]!.probe, h.addresses[1]!.probe);
    assert.deepEqual(h.addresses.map((a) => a.probe!.target), [`smtp://${env.addresses.dual}:25`, 'smtp://[::1]:25']);
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), []);
    // Postfix verifies each address by DANE too.
    for (const [family, address] of [['ipv4', env.addresses.dual], ['ipv6', '::1']] as const) {
      const out = await finger('mx.dual.test', { family });
      assert.match(out, new RegExp(`Verified TLS connection established to mx\\.dual\\.test\\[${address.replace(/[.:]/g, '\\$&')}\\]:25`), out);
    }
  });

  test('an MX host that is a secure CNAME: TLSA at the target first, as Postfix does, and the target as SNI', async () => {
    const mx1 = env.servers.find((s) => s.host === env.addresses.mx1 && s.port === 25)!;
    mx1.stats.servernames.length = 0;
    const r = await check(TEST_DOMAINS.cname);
    // RFC 7672: the SNI is the TLSA base domain, here the CNAME target, on every handshake.
    const sent: string[] = [...mx1.stats.servernames];
    assert.ok(sent.length > 0 && sent.every((n) => n === 'mx1.good.test'), sent.join());
    const h = r.mx[0]!;
    assert.equal(h.host, 'mail.cname.test');
    assert.deepEqual(h.addresses.map((a) => a.address), [env.addresses.mx1]);
    assert.equal(h.dane.name, '_25._tcp.mx1.good.test');
    assert.equal(h.dane.cnameTarget, 'mx1.good.test');
    assert.equal(h.dane.state, 'usable');
    assert.equal(h.addresses[0]!.daneMatch, true);
    assert.ok(!ids(r).includes('dane-tlsa-mismatch'), ids(r).join());
    const out = await finger('', { destination: TEST_DOMAINS.cname });
    assert.match(out, /DNSSEC-signed TLSA record: _25\._tcp\.mx1\.good\.test/, out);
    assert.doesNotMatch(out, /_25\._tcp\.mail\.cname\.test/, out);
    assert.match(out, /Verified TLS connection established/, out);
  });

  test('DANE-TA whose certificate does not name the MX host: an error here, not verified by Postfix', async () => {
    const r = await check(TEST_DOMAINS.taNames);
    assert.equal(r.mx[0]!.dane.state, 'usable');
    assert.equal(r.mx[0]!.addresses[0]!.daneMatch, false);
    assert.equal(r.findings.find((f) => f.id === 'dane-name-mismatch')?.severity, 'error', JSON.stringify(r.findings));
    const out = await finger('mx.tanames.test');
    assert.match(out, /DNSSEC-signed TLSA record/, out);
    assert.match(out, /hostname mismatch/, out);
    assert.doesNotMatch(out, /Verified TLS connection/, out);
  });

  test('MTA-STS fetch: no redirect followed, at most 64 KB read', async () => {
    const base = { address: env.addresses.web, caPem: readFileSync(env.caFile, 'utf8'), timeout: 10_000 };
    const redirect = await fetchPolicy('redirect.test', base);
    assert.equal(redirect.status, 301);
    assert.equal(redirect.body, null);
    assert.match(redirect.error ?? '', /redirect to https:\/\/mta-sts\.good\.test/);
    const large = await fetchPolicy('large.test', base);
    assert.equal(large.body, null);
    assert.match(large.error ?? '', /larger than 64 KB/);
    const good = await fetchPolicy('good.test', base);
    assert.equal(good.status, 200);
    assert.match(good.body ?? '', /mode: enforce/);
  });

  test('MTA-STS policy that does not cover the MX', async () => {
    const r = await check(TEST_DOMAINS.stsBad);
    assert.equal(r.mtaSts.policy?.mode, 'enforce');
    assert.equal(r.mx[0]!.mtaStsCovered, false);
    const f = r.findings.find((x) => x.id === 'mta-sts-mx-not-covered');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.subject, 'mx.stsbad.test');
  });

  test('null MX: no MX host, no connection', async () => {
    const r = await check(TEST_DOMAINS.nullMx);
    assert.equal(r.mxKind, 'null-mx');
    assert.deepEqual(r.mx, []);
    assert.equal(r.stats.connections, 0);
    assert.ok(ids(r).includes('mx-null'));
  });

  test('a null MX beside a real MX: an error naming the real host, which is not probed', async () => {
    const r = await check(TEST_DOMAINS.nullMixed);
    assert.equal(r.mxKind, 'null-mx');
    assert.deepEqual(r.mx, []);
    assert.equal(r.stats.connections, 0);
    const f = r.findings.find((x) => x.id === 'mx-null-mixed');
    assert.equal(f?.severity, 'error', JSON.stringify(r.findings));
    assert.match(f.detail, /MX 10 mx\.nullmixed\.test/);
    // Postfix is one of the senders that takes the null MX and bounces, though mx.nullmixed.test would answer.
    const out = await finger('', { destination: TEST_DOMAINS.nullMixed });
    assert.match(out, /Domain nullmixed\.test does not accept mail \(nullMX\)/, out);
    const direct = await finger('mx.nullmixed.test');
    assert.match(direct, /TLS connection established/, direct);
  });

  test('without the CA, the MTA-STS fetch fails certificate validation and says so', async () => {
    const r = await checkDomain(TEST_DOMAINS.good, { resolvers: [env.resolver], probe: false });
    assert.equal(r.mtaSts.policy, null);
    assert.match(r.mtaSts.fetchError ?? '', /certificate|issuer/i);
    assert.ok(ids(r).includes('mta-sts-fetch-failed'));
  });

  test('mail-tls domain: text and JSON reports, exit status 1 on an error finding', async () => {
    const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const run = (args: string[]) => new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [cli, 'domain', ...args, '--resolver', env.resolver, '--ca', env.caFile], { timeout: 120_000 }, (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }));
    });
    const good = await run([TEST_DOMAINS.good]);
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /^good\.test {2}OK$/m);
    assert.match(good.stdout, /MX 10 +mx1\.good\.test {2}TLSA: usable/);
    assert.match(good.stdout, /DANE match/);
    const bad = await run([TEST_DOMAINS.nullMx, TEST_DOMAINS.badTlsa, '--json']);
    assert.equal(bad.code, 1, bad.stdout);
    const parsed = JSON.parse(bad.stdout) as DomainResult[];
    assert.deepEqual(parsed.map((r) => r.domain), ['nullmx.test', 'badtlsa.test']);
    assert.ok(parsed[1]!.findings.some((f) => f.id === 'dane-tlsa-mismatch'));
  });

  test('a resolver that does not validate: said so, and nothing is reported secure', async () => {
    const r = await checkDomain(TEST_DOMAINS.good, { resolvers: [env.plainResolver], caFile: env.caFile });
    assert.equal(r.resolver.validates, false);
    assert.equal(r.dnssec, 'unvalidated');
    assert.equal(r.mx.length, 2, 'the answers themselves are read');
    for (const h of r.mx) {
      assert.equal(h.dane.state, 'unknown');
      assert.equal(h.addresses[0]!.daneMatch, null);
    }
    assert.doesNotMatch(JSON.stringify(r), /"secure"/);
    assert.equal(r.findings.find((f) => f.id === 'dnssec-resolver-not-validating')?.severity, 'warning');
  });

  test('cancelling a check rejects with the reason', async () => {
    const controller = new AbortController();
    const pending = checkDomain(TEST_DOMAINS.good, { resolvers: [env.resolver], caFile: env.caFile }, controller.signal);
    setTimeout(() => controller.abort(new Error('user cancelled')), 5);
    await assert.rejects(pending, /user cancelled/);
  });
});
