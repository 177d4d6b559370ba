/**
 * The test servers themselves, checked with `openssl s_client` (the oracle): each endpoint is
 * up and speaks TLS as intended, and each certificate variant fails verification for its own
 * reason. The engine's probe tests rely on these facts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { loadTestServers, skipWithoutServers, type MainEndpoints, type VariantName } from '../servers/fixture';
import { plaintextCapabilities } from '../servers/plaintext';
import { negotiatedProtocol, sClient, servedCertificates, verifyResult } from '../servers/sclient';

const servers = loadTestServers();
const WEAK = ['-cipher', 'DEFAULT@SECLEVEL=0'];

describe('test mail servers (checked with openssl s_client)', skipWithoutServers(), () => {
  const s = servers!;
  const trusted = () => ({ caFile: s.caFile, servername: s.serverName });

  const mainNames = Object.keys(s?.endpoints ?? {}) as (keyof MainEndpoints)[];
  for (const name of mainNames) {
    test(`${name}: trusted chain of leaf + intermediate, TLS 1.3`, async () => {
      const url = s.endpoints[name];
      const r = await sClient(url, { ...trusted(), args: ['-showcerts'] });
      assert.deepEqual(verifyResult(r.output), { code: 0, text: 'ok' }, `${url}\n${r.output}`);
      assert.equal(negotiatedProtocol(r.output), 'TLSv1.3', url);
      const chain = servedCertificates(r.output).map((pem) => new X509Certificate(pem));
      assert.equal(chain.length, 2, `${url} should serve leaf + intermediate`);
      assert.match(chain[0]!.subject, /CN=mail\.test\.example/);
      assert.match(chain[1]!.subject, /Intermediate/);
      assert.ok(chain[0]!.checkIssued(chain[1]!));
    });
  }

  test('smtp (Postfix, security_level may) accepts TLS 1.0 and 1.1: the weak server', async () => {
    for (const version of ['-tls1', '-tls1_1']) {
      const r = await sClient(s.endpoints.smtp, { ...trusted(), args: [version, ...WEAK] });
      assert.equal(r.code, 0, r.output);
      assert.equal(negotiatedProtocol(r.output), version === '-tls1' ? 'TLSv1' : 'TLSv1.1');
    }
  });

  test('Dovecot refuses TLS 1.0 and 1.1 and accepts 1.2 (imaps, pop3s, imap STARTTLS)', async () => {
    for (const url of [s.endpoints.imapsRemote, s.endpoints.pop3s, s.endpoints.imapRemote]) {
      for (const version of ['-tls1', '-tls1_1']) {
        const r = await sClient(url, { ...trusted(), args: [version, ...WEAK] });
        assert.equal(negotiatedProtocol(r.output), null, `${url} ${version}\n${r.output}`);
        assert.notEqual(r.code, 0, `${url} ${version} should fail`);
      }
      const ok = await sClient(url, { ...trusted(), args: ['-tls1_2'] });
      assert.equal(negotiatedProtocol(ok.output), 'TLSv1.2', url);
    }
  });

  const variantExpectations: [VariantName, number, RegExp][] = [
    ['expired', 10, /certificate has expired/],
    ['wrongHost', 62, /hostname mismatch/],
    ['selfSigned', 18, /self[- ]signed certificate/],
    ['noIntermediate', 21, /unable to verify the first certificate/],
  ];
  for (const [variant, code, text] of variantExpectations) {
    test(`variant ${variant}: every endpoint fails verification with ${code}`, async () => {
      const endpoints = Object.entries(s.variants[variant]);
      await Promise.all(
        endpoints.map(async ([name, url]) => {
          const r = await sClient(url, { ...trusted(), args: ['-showcerts'] });
          const v = verifyResult(r.output);
          assert.equal(v?.code, code, `${variant}/${name} ${url}: ${v?.text}`);
          assert.match(v?.text ?? '', text);
          const chain = servedCertificates(r.output);
          const expectedLength = variant === 'selfSigned' || variant === 'noIntermediate' ? 1 : 2;
          assert.equal(chain.length, expectedLength, `${variant}/${name} chain length`);
        }),
      );
    });
  }

  test('the expired leaf ended in 2020; the wrong-host leaf names only wrong.example.net', async () => {
    const expired = servedCertificates((await sClient(s.variants.expired.smtp, { args: ['-showcerts'] })).output);
    assert.match(new X509Certificate(expired[0]!).validTo, /2020/);
    const wrong = servedCertificates((await sClient(s.variants.wrongHost.imaps, { args: ['-showcerts'] })).output);
    assert.equal(new X509Certificate(wrong[0]!).subjectAltName, 'DNS:wrong.example.net');
  });

  test('submission: no AUTH before STARTTLS, AUTH after it', async () => {
    const before = await plaintextCapabilities(s.endpoints.submission);
    assert.match(before, /^250[- ]STARTTLS/m);
    assert.doesNotMatch(before, /AUTH/);
    const after = await sClient(s.endpoints.submission, {
      ...trusted(), args: ['-crlf', '-quiet'], input: 'EHLO client.test.example\nQUIT\n',
    });
    assert.match(after.stdout, /^250-AUTH PLAIN/m, after.output);
  });

  test('smtp and lmtp offer STARTTLS in the clear', async () => {
    assert.match(await plaintextCapabilities(s.endpoints.smtp), /^250[- ]STARTTLS/m);
    assert.match(await plaintextCapabilities(s.endpoints.lmtp), /^250[- ]STARTTLS/m);
  });

  test('Dovecot: 127.0.0.1 counts as secured (AUTH=PLAIN), 127.0.0.2 sees LOGINDISABLED', async () => {
    const local = await plaintextCapabilities(s.endpoints.imap);
    const remote = await plaintextCapabilities(s.endpoints.imapRemote);
    assert.match(local, /STARTTLS/);
    assert.match(local, /AUTH=PLAIN/);
    assert.match(remote, /STARTTLS/);
    assert.match(remote, /LOGINDISABLED/);
    assert.doesNotMatch(remote, /AUTH=PLAIN/);
    const pop3Local = await plaintextCapabilities(s.endpoints.pop3);
    const pop3Remote = await plaintextCapabilities(s.endpoints.pop3Remote);
    assert.match(pop3Local, /^USER\r?$/m);
    assert.match(pop3Remote, /^STLS\r?$/m);
    assert.doesNotMatch(pop3Remote, /^USER/m);
    assert.match(pop3Remote, /^SASL\r?$/m, 'no SASL mechanisms before STLS');
    const sieve = await plaintextCapabilities(s.endpoints.sieveRemote);
    assert.match(sieve, /^"STARTTLS"/m);
    assert.match(sieve, /^"SASL" ""/m);
  });

  test('the config oracles read the instance configs', () => {
    const postconf = execFileSync('postconf', ['-c', s.postfixConfigDir, '-h', 'smtpd_tls_security_level'], { encoding: 'utf8' });
    assert.equal(postconf.trim(), 'may');
    const doveconf = execFileSync('doveconf', ['-c', s.dovecotConfigFile, '-h', 'ssl'], { encoding: 'utf8' });
    assert.equal(doveconf.trim(), 'yes');
  });
});
