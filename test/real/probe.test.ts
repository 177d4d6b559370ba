// The probe engine against the real Postfix 3.7 and Dovecot 2.3 test instances, with
// `openssl s_client` as the independent oracle for version, cipher and certificate.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { probe } from '../../src/core/probe';
import type { ProbeOptions, ProbeResult, TlsVersionName } from '../../src/core/probe/types';
import { getTestServers, skipWithoutServers } from '../servers/fixture';
import type { TestServersState } from '../servers/fixture';
import { negotiatedProtocol, sClient, servedCertificates } from '../servers/sclient';

const ids = (r: ProbeResult) => r.findings.map((f) => f.id).sort();
const has = (r: ProbeResult, id: string) => r.findings.some((f) => f.id === id);
const trust = (s: TestServersState): ProbeOptions => ({ caFile: s.caFile, servername: s.serverName });

const MAIN = ['smtp', 'submission', 'smtps', 'lmtp', 'imap', 'imaps', 'pop3', 'pop3s', 'sieve',
  'lmtpRemote', 'imapRemote', 'imapsRemote', 'pop3Remote', 'pop3sRemote', 'sieveRemote'] as const;
const POSTFIX = new Set(['smtp', 'submission', 'smtps']);

/** OpenSSL's own table of suite names: its name -> the IANA (RFC) name. */
function opensslStandardNames(): Map<string, string> {
  const out = execFileSync('openssl', ['ciphers', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' });
  return new Map(out.split('\n').map((line) => /^(\S+)\s+-\s+(\S+)/.exec(line)).filter((m) => m !== null).map((m) => [m[2]!, m[1]!]));
}

describe('probe against real Postfix and Dovecot', skipWithoutServers(), () => {
  it('every endpoint: TLS, capabilities after TLS, a trusted certificate that matches, no injection', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const results = await Promise.all(MAIN.map((name) => probe(s.endpoints[name], trust(s))));
    results.forEach((r, i) => {
      const name = MAIN[i]!;
      assert.equal(r.ok, true, `${name}: ${JSON.stringify(r.findings)}`);
      assert.equal(r.target, s.endpoints[name]);
      assert.ok(r.capabilities.afterTls.length > 0, `${name}: capabilities after TLS`);
      assert.equal(r.tls?.version, 'TLSv1.3', name);
      assert.ok(r.tls?.group, `${name}: key exchange group`);
      assert.equal(r.certificate?.trusted, true, `${name}: ${r.certificate?.validationError}`);
      assert.equal(r.certificate?.hostnameMatches, true, name);
      assert.equal(r.certificate?.chain[0]?.subject.includes(`CN=${s.serverName}`), true);
      assert.deepEqual(r.findings.filter((f) => f.id.startsWith('cert-')), [], name);
      assert.ok(!has(r, 'starttls-command-injection'), `${name}: real servers discard pipelined commands`);
      if (r.tlsMode === 'starttls') {
        assert.ok(r.transcript.some((e) => e.direction === 'info' && /injection test: (discarded|the server ended the connection)/.test(e.text)), `${name}: the injection test ran`);
      }
    });
  });

  it('TLS versions: Postfix 3.7 accepts 1.0 and 1.1 (tls-legacy-version), Dovecot only 1.2 and 1.3', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    for (const name of ['smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'sieve', 'lmtp'] as const) {
      const r = await probe(s.endpoints[name], trust(s));
      const legacy = POSTFIX.has(name);
      assert.deepEqual(r.versions, { TLSv1: legacy, 'TLSv1.1': legacy, 'TLSv1.2': true, 'TLSv1.3': true }, name);
      assert.equal(has(r, 'tls-legacy-version'), legacy, name);
      assert.ok(!has(r, 'tls13-not-supported'));
      if (legacy) {
        const f = r.findings.find((x) => x.id === 'tls-legacy-version')!;
        assert.equal(f.severity, name === 'smtp' ? 'info' : 'error', `${name}: severity by context`);
        assert.match(f.detail, /TLSv1 and TLSv1\.1/);
      }
    }
  });

  it('version results agree with openssl s_client forcing each version', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const flags: Record<TlsVersionName, string> = { TLSv1: '-tls1', 'TLSv1.1': '-tls1_1', 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' };
    for (const name of ['smtp', 'imaps'] as const) {
      const r = await probe(s.endpoints[name], { ...trust(s), checkInjection: false });
      for (const [version, flag] of Object.entries(flags) as [TlsVersionName, string][]) {
        const o = await sClient(s.endpoints[name], { args: [flag, '-cipher', 'DEFAULT@SECLEVEL=0'] });
        assert.equal(negotiatedProtocol(o.output) === version, r.versions[version], `${name} ${version}`);
      }
    }
  });

  it('same negotiated version, cipher and leaf fingerprint as openssl s_client', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    for (const name of ['smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'sieve'] as const) {
      const [r, o]: [ProbeResult, Awaited<ReturnType<typeof sClient>>] = await Promise.all([
        probe(s.endpoints[name], { ...trust(s), enumerateVersions: false, checkInjection: false }),
        sClient(s.endpoints[name], { ...trust(s), args: ['-showcerts'] }),
      ]);
      const summary = /^New, (TLSv[\d.]+), Cipher is (\S+)/m.exec(o.output);
      assert.ok(summary, `${name}: s_client summary`);
      assert.equal(r.tls?.version, summary[1], name);
      // OpenSSL names TLS 1.3 suites by their IANA names; for 1.2 compare OpenSSL's own names.
      assert.equal(r.tls?.cipher, summary[2], name);
      const leaf = new X509Certificate(servedCertificates(o.output)[0]!);
      assert.equal(r.certificate?.chain[0]?.fingerprint256, leaf.fingerprint256, name);
    }
  });

  it('TLS 1.2 cipher names: OpenSSL name and IANA name both reported', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const o = await sClient(s.endpoints.imaps, { args: ['-tls1_2'] });
    const cipher = /^New, TLSv1\.2, Cipher is (\S+)/m.exec(o.output)?.[1];
    assert.ok(cipher, 'openssl s_client negotiated no TLS 1.2 suite');
    // The probe negotiates 1.3 by default; its cipher scan handshakes each TLS 1.2 suite and
    // names it both ways. The oracle for the mapping: `openssl ciphers -stdname`.
    const r = await probe(s.endpoints.imaps, { ...trust(s), ciphers: true, checkInjection: false });
    const tls12 = r.ciphers?.versions.find((v) => v.version === 'TLSv1.2');
    assert.equal(tls12?.accepted, true, `TLS 1.2 in the probe's scan: ${JSON.stringify(r.ciphers?.notes ?? r.findings)}`);
    const names = opensslStandardNames();
    const negotiated = tls12.suites.find((x) => x.openssl === cipher);
    assert.ok(negotiated, `${cipher} is not among the probe's TLS 1.2 suites: ${tls12.suites.map((x) => x.openssl).join(', ')}`);
    assert.equal(negotiated.iana, names.get(cipher));
    for (const suite of tls12.suites) {
      assert.match(suite.iana, /^TLS_/, suite.openssl);
      if (names.has(suite.openssl)) assert.equal(suite.iana, names.get(suite.openssl), suite.openssl);
    }
  });

  it('Dovecot on 127.0.0.1 offers plaintext auth before TLS (it counts loopback as secure); on 127.0.0.2 it does not', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const [imap, imapRemote, pop3, pop3Remote, sieve, sieveRemote] = await Promise.all(
      [s.endpoints.imap, s.endpoints.imapRemote, s.endpoints.pop3, s.endpoints.pop3Remote, s.endpoints.sieve, s.endpoints.sieveRemote]
        .map((u) => probe(u, { ...trust(s), enumerateVersions: false, checkInjection: false })),
    ) as [ProbeResult, ProbeResult, ProbeResult, ProbeResult, ProbeResult, ProbeResult];
    assert.ok(has(imap, 'plaintext-auth-before-tls'));
    assert.ok(imap.capabilities.beforeTls.includes('AUTH=PLAIN'));
    assert.ok(!has(imapRemote, 'plaintext-auth-before-tls'), JSON.stringify(imapRemote.findings));
    assert.ok(imapRemote.capabilities.beforeTls.includes('LOGINDISABLED'));
    assert.ok(imapRemote.capabilities.afterTls.includes('AUTH=PLAIN'), 'AUTH after TLS is the expected hardening');
    assert.ok(has(pop3, 'plaintext-auth-before-tls'));
    assert.ok(!has(pop3Remote, 'plaintext-auth-before-tls'), JSON.stringify(pop3Remote.capabilities));
    assert.ok(has(sieve, 'plaintext-auth-before-tls'));
    assert.ok(!has(sieveRemote, 'plaintext-auth-before-tls'), JSON.stringify(sieveRemote.capabilities));
    assert.ok(sieveRemote.capabilities.beforeTls.includes('SASL'), 'an empty SASL list before TLS');
  });

  it('submission enforces TLS (530 before STARTTLS, AUTH only after); port 25 is not held to that', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const [submission, smtp] = await Promise.all([s.endpoints.submission, s.endpoints.smtp].map((u) => probe(u, { ...trust(s), enumerateVersions: false, checkInjection: false }))) as [ProbeResult, ProbeResult];
    assert.deepEqual(ids(submission), []);
    assert.ok(submission.transcript.some((e) => e.direction === 'server' && /^530 /.test(e.text)), 'MAIL FROM got 530');
    assert.ok(!submission.capabilities.beforeTls.some((c) => c.startsWith('AUTH')));
    assert.ok(submission.capabilities.afterTls.some((c) => c.startsWith('AUTH')));
    assert.ok(!has(smtp, 'starttls-not-enforced'));
    assert.ok(!smtp.transcript.some((e) => e.direction === 'client' && e.text.startsWith('MAIL')), 'no MAIL on port 25');
  });

  it('without the test CA the good chain is untrusted; trusted with it', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const opts = { enumerateVersions: false, checkInjection: false, servername: s.serverName };
    const [without, withCa] = await Promise.all([probe(s.endpoints.imaps, opts), probe(s.endpoints.imaps, { ...opts, caFile: s.caFile })]);
    assert.equal(without.certificate?.trusted, false);
    assert.deepEqual(ids(without), ['cert-untrusted']);
    assert.equal(withCa.certificate?.trusted, true);
    assert.deepEqual(ids(withCa), []);
  });

  it('certificate variants give the right finding on every service', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const expected = { expired: 'cert-expired', wrongHost: 'cert-hostname-mismatch', selfSigned: 'cert-self-signed', noIntermediate: 'cert-chain-incomplete' } as const;
    for (const [variant, id] of Object.entries(expected) as [keyof typeof expected, string][]) {
      const endpoints = s.variants[variant];
      const names = Object.keys(endpoints) as (keyof typeof endpoints)[];
      const results = await Promise.all(names.map((n) => probe(endpoints[n], { ...trust(s), enumerateVersions: false, checkInjection: false })));
      results.forEach((r, i) => {
        const certFindings = r.findings.filter((f) => f.id.startsWith('cert-')).map((f) => f.id);
        assert.deepEqual(certFindings, [id], `${variant} ${names[i]}: ${JSON.stringify(r.findings)}`);
        assert.equal(r.ok, true, `${variant} ${names[i]}: the probe still completes`);
        assert.equal(r.certificate?.trusted, variant === 'wrongHost', `${variant}: trust excludes the hostname check`);
      });
    }
  });

  it('Postfix answers the first command inside TLS without a 40 ms delayed-ACK stall', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    // Postfix leaves Nagle on: unless our first command inside TLS also acknowledges the
    // session ticket, its reply waits for our delayed ACK (40 ms on Linux). Best of three.
    const gaps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await probe(s.endpoints.smtp, { ...trust(s), enumerateVersions: false, checkInjection: false });
      const tlsAt = r.transcript.findIndex((e) => e.direction === 'info' && e.text.startsWith('TLS established'));
      const ehlo = r.transcript.slice(tlsAt).find((e) => e.direction === 'client')!;
      const reply = r.transcript.slice(tlsAt).find((e) => e.direction === 'server')!;
      gaps.push(reply.at - ehlo.at);
    }
    assert.ok(Math.min(...gaps) < 20, `EHLO-to-reply gaps inside TLS: ${gaps.join(', ')} ms`);
  });

  it('leaves nothing open: the resources before and after a full probe are the same', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const before = process.getActiveResourcesInfo().sort();
    const results = await Promise.all([s.endpoints.smtp, s.endpoints.imaps, s.endpoints.sieve].map((u) => probe(u, trust(s))));
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual(process.getActiveResourcesInfo().sort(), before);
  });
});
