// The grade rubric: the score, each cap with the finding behind it, and the port-25 adaptation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradeEndpoint, letterForScore, worseOf } from '../../../src/core/report/grade';
import { readdirSync, readFileSync } from 'node:fs';
import type { CipherScan, ProbeResult, SuiteResult, VersionSuites } from '../../../src/core/probe/types';
import { suiteFacts } from '../../../src/core/report/suites';
import { fixture } from '../../support/paths';
import { cert, finding, sample } from '../../support/sampleResults';

const capsOf = (g: ReturnType<typeof gradeEndpoint>) => g.reasons.filter((r) => r.kind === 'cap').map((r) => r.text);

describe('grade: score', () => {
  it('weighs protocol 30 %, key exchange 30 %, cipher 40 % and maps the score to a letter', () => {
    const g = gradeEndpoint(sample());
    // TLS 1.2 + 1.3 → 100; RSA 2048 → 90; AES-256 → 100: 30 + 27 + 40.
    assert.deepEqual(g.components, { protocol: 100, keyExchange: 90, cipher: 100 });
    assert.equal(g.score, 97);
    assert.equal(g.letter, 'A');
    assert.match(g.reasons.map((r) => r.text).join('\n'), /not A\+: the cipher suites were not enumerated/);
    assert.deepEqual([80, 79, 65, 50, 35, 20, 19].map(letterForScore), ['A', 'B', 'B', 'C', 'D', 'E', 'F']);
  });

  it('takes the weaker of the certificate key and the key-exchange group', () => {
    const weakGroup = gradeEndpoint(sample({ tls: { ...sample().tls!, group: 'ffdhe2048', version: 'TLSv1.2' } }));
    assert.equal(weakGroup.components?.keyExchange, 90);
    const ec = gradeEndpoint(sample({ certificate: { ...sample().certificate!, chain: [cert({ keyType: 'ec', keyBits: 384 })] } }));
    assert.equal(ec.components?.keyExchange, 90, 'X25519 (3072-equivalent) limits a P-384 key');
    const small = gradeEndpoint(sample({ certificate: { ...sample().certificate!, chain: [cert({ keyBits: 1024 })] }, findings: [finding('cert-weak-key', 'error')] }));
    assert.equal(small.components?.keyExchange, 80);
    assert.equal(small.letter, 'B');
    assert.ok(capsOf(small).some((c) => c === 'capped at B: weak certificate key (RSA 1024 bits) (cert-weak-key)'), capsOf(small).join('\n'));
  });
});

describe('grade: caps name their finding', () => {
  it('TLS 1.0 on a submission port caps at B; on port 25 only at A-', () => {
    const versions = { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true };
    const submission = gradeEndpoint(sample({ target: 'submission://mx.example.org:587', protocol: 'submission', versions, findings: [finding('tls-legacy-version', 'error')] }));
    assert.equal(submission.letter, 'B');
    assert.deepEqual(capsOf(submission), ['capped at B: TLS 1.0 accepted (tls-legacy-version)']);
    const mx = gradeEndpoint(sample({ versions, findings: [finding('tls-legacy-version', 'info')] }));
    assert.equal(mx.letter, 'A-');
    assert.match(capsOf(mx)[0]!, /^capped at A-: TLS 1.0 accepted; on port 25 .* \(tls-legacy-version\)$/);
  });

  it('anonymous suites: F on 993, only A- on port 25', () => {
    const tls = { version: 'TLSv1.2', cipher: 'ADH-AES256-GCM-SHA384', cipherStandardName: 'TLS_DH_anon_WITH_AES_256_GCM_SHA384', group: null, alpn: null };
    const imaps = gradeEndpoint(sample({ target: 'imaps://mx.example.org:993', protocol: 'imaps', tlsMode: 'implicit', tls }));
    assert.equal(imaps.letter, 'F');
    assert.match(capsOf(imaps).join('\n'), /capped at F: negotiated anonymous suites \(TLS_DH_anon_WITH_AES_256_GCM_SHA384\)/);
    assert.equal(imaps.components?.keyExchange, 0);
    const mx = gradeEndpoint(sample({ tls }));
    assert.equal(mx.letter, 'A-');
    assert.equal(mx.components?.keyExchange, 90, 'on port 25 anonymous suites do not zero the key exchange');
    assert.match(capsOf(mx).join('\n'), /capped at A-: anonymous suites .* not capped like on 465, 587 or 993/);
  });

  it('an untrusted certificate is T on IMAPS with the grade it would have, a cap of A- on port 25', () => {
    const findings = [finding('cert-untrusted', 'error', 'Certificate not trusted')];
    const certificate = { ...sample().certificate!, trusted: false, validationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' };
    const imaps = gradeEndpoint(sample({ target: 'imaps://mx.example.org:993', protocol: 'imaps', tlsMode: 'implicit', findings, certificate }));
    assert.equal(imaps.letter, 'T');
    assert.equal(imaps.ifTrusted, 'A');
    assert.match(imaps.reasons.map((r) => r.text).join('\n'), /T \(not trusted\): certificate not trusted \(cert-untrusted\)/);
    const mx = gradeEndpoint(sample({ findings: [finding('cert-untrusted', 'warning', 'Certificate not trusted')], certificate }));
    assert.equal(mx.letter, 'A-');
    const expired = gradeEndpoint(sample({ findings: [finding('cert-expired', 'error', 'Certificate expired')] }));
    assert.equal(expired.letter, 'B');
  });

  it('password login before TLS: F where passwords go, B on port 25', () => {
    const f = [finding('plaintext-auth-before-tls', 'error', 'Password login is offered before TLS')];
    assert.equal(gradeEndpoint(sample({ target: 'imap://h:143', protocol: 'imap', findings: f })).letter, 'F');
    assert.equal(gradeEndpoint(sample({ findings: f })).letter, 'B');
  });

  it('no STARTTLS is F; a probe that never connected is not graded', () => {
    const none = gradeEndpoint(sample({ ok: false, tls: null, findings: [finding('starttls-not-offered', 'error', 'STARTTLS is not offered')] }));
    assert.equal(none.letter, 'F');
    assert.match(none.reasons[0]!.text, /no TLS session is possible: STARTTLS is not offered \(starttls-not-offered\)/);
    const down = gradeEndpoint(sample({ ok: false, tls: null, certificate: null, findings: [finding('connect-failed', 'error', 'Connection failed')] }));
    assert.equal(down.letter, null);
    assert.match(down.reasons[0]!.text, /not graded: .*connect-failed/);
  });

  it('a finding the rubric does not list still counts: error caps at C, warning at A-', () => {
    const g = gradeEndpoint(sample({ findings: [finding('something-new', 'error', 'Something new')] }));
    assert.equal(g.letter, 'C');
    assert.deepEqual(capsOf(g), ['capped at C: something new (something-new)']);
    assert.equal(gradeEndpoint(sample({ findings: [finding('cert-expiring-soon', 'warning', 'Certificate expires soon')] })).letter, 'A-');
  });

  it('enumerated suites: A+ when every suite is forward secret and AEAD, C with RC4 on IMAPS', () => {
    const suite = (iana: string, extra: Partial<SuiteResult> = {}): SuiteResult => ({ hex: '0x0000', iana, openssl: iana, kx: 'ECDHE', auth: 'RSA', cipher: 'AES', bits: 256, mac: 'AEAD', forwardSecrecy: true, grade: 'recommended', keyExchange: 'X25519', dhBits: null, ...extra });
    const good = { ...sample(), ciphers: { versions: [{ version: 'TLSv1.3' as const, accepted: true, serverOrder: true, complete: true, suites: [suite('TLS_AES_256_GCM_SHA384'), suite('TLS_CHACHA20_POLY1305_SHA256')] }], groups: ['X25519'], groupsComplete: true, fallbackScsv: true, secureRenegotiation: null, connections: 3, notes: [] } };
    assert.equal(gradeEndpoint(good).letter, 'A+');
    const rc4 = { ...sample({ target: 'imaps://h:993', protocol: 'imaps', tlsMode: 'implicit', findings: [finding('cipher-rc4', 'error', 'RC4 accepted')] }),
      ciphers: { versions: [{ version: 'TLSv1.2' as const, accepted: true, serverOrder: true, complete: true, suites: [suite('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', { bits: 128 }), suite('TLS_RSA_WITH_RC4_128_SHA', { bits: 128, forwardSecrecy: false, mac: 'SHA1', grade: 'insecure' })] }], groups: [], groupsComplete: true, fallbackScsv: null, secureRenegotiation: true, connections: 3, notes: [] } };
    const g = gradeEndpoint(rc4);
    assert.equal(g.letter, 'C');
    assert.match(capsOf(g).join('\n'), /capped at C: accepted suites include RC4 \(TLS_RSA_WITH_RC4_128_SHA\) \(cipher-rc4\)/);
    assert.equal(capsOf(g).filter((c) => c.includes('cipher-rc4')).length, 1, 'the finding is named once, not again as an unlisted one');
    const dh = { ...sample({ target: 'imaps://h:993', protocol: 'imaps', tlsMode: 'implicit', findings: [finding('dh-weak', 'warning', 'DH parameters under 2048 bits')] }),
      ciphers: { versions: [{ version: 'TLSv1.2' as const, accepted: true, serverOrder: true, complete: true, suites: [suite('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', { keyExchange: 'DH 1024', dhBits: 1024 })] }], groups: [], groupsComplete: true, fallbackScsv: null, secureRenegotiation: true, connections: 3, notes: [] } };
    const weak = gradeEndpoint(dh);
    assert.equal(weak.components?.keyExchange, 80);
    assert.deepEqual(capsOf(weak), ['capped at B: DH parameters of 1024 bits (dh-weak)']);
  });
});

describe('grade: every reason names the finding or the measured fact behind it', () => {
  const suite = (iana: string, extra: Partial<SuiteResult> = {}): SuiteResult => ({ hex: '0x0000', iana, openssl: iana, kx: 'ECDHE', auth: 'RSA', cipher: 'AES', bits: 256, mac: 'AEAD', forwardSecrecy: true, grade: 'recommended', keyExchange: 'X25519', dhBits: null, ...extra });
  const scan = (versions: { version: VersionSuites['version']; suites: SuiteResult[]; accepted?: boolean }[]): CipherScan => ({
    versions: versions.map((v) => ({ version: v.version, accepted: v.accepted ?? true, serverOrder: true, complete: true, suites: v.suites })),
    groups: ['X25519'], groupsComplete: true, fallbackScsv: true, secureRenegotiation: true, connections: 9, notes: [],
  });
  const imaps = { target: 'imaps://mx.example.org:993', protocol: 'imaps' as const, tlsMode: 'implicit' as const };
  const submission = { target: 'submission://mx.example.org:587', protocol: 'submission' as const };
  const tls12 = (cipher: string) => ({ version: 'TLSv1.2', cipher, cipherStandardName: cipher, group: null, alpn: null });
  const cbc = suite('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', { bits: 128, mac: 'SHA1', grade: 'acceptable' });
  const live = readdirSync(fixture('live')).map((f) => [`the test Postfix or Dovecot, recorded: ${f}`, JSON.parse(readFileSync(fixture('live', f), 'utf8')) as ProbeResult] as const);
  const cases: (readonly [string, ProbeResult])[] = [
    ...live,
    ['clean STARTTLS, no scan', sample()],
    ['A+ with a scan', { ...sample(), ciphers: scan([{ version: 'TLSv1.3', suites: [suite('TLS_AES_256_GCM_SHA384'), suite('TLS_CHACHA20_POLY1305_SHA256')] }]) }],
    ['CBC suites beside GCM on port 25', { ...sample(), ciphers: scan([{ version: 'TLSv1.3', suites: [suite('TLS_AES_256_GCM_SHA384')] }, { version: 'TLSv1.2', suites: [cbc] }]) }],
    ['only TLS 1.0 on submission, no finding raised', sample({ ...submission, versions: { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false }, tls: { ...tls12('ECDHE-RSA-AES128-SHA'), version: 'TLSv1' } })],
    ['SSL 3 in the scan with its finding', { ...sample({ ...imaps, findings: [finding('sslv3-accepted', 'error', 'SSLv3 accepted')] }), ciphers: scan([{ version: 'SSLv3', suites: [suite('TLS_RSA_WITH_AES_256_CBC_SHA', { forwardSecrecy: false, mac: 'SHA1', kx: 'RSA', grade: 'weak' })] }, { version: 'TLSv1.3', suites: [suite('TLS_AES_256_GCM_SHA384')] }]) }],
    ['SSL 2 and 3 in the scan without findings', { ...sample(imaps), ciphers: scan([{ version: 'SSLv2', suites: [] }, { version: 'SSLv3', suites: [] }, { version: 'TLSv1.3', suites: [suite('TLS_AES_128_GCM_SHA256', { bits: 128 })] }]) }],
    ['negotiated anonymous on IMAPS, no finding', sample({ ...imaps, tls: tls12('TLS_DH_anon_WITH_AES_256_GCM_SHA384') })],
    ['negotiated RC4 on submission', sample({ ...submission, tls: tls12('TLS_RSA_WITH_RC4_128_SHA'), findings: [finding('tls13-not-supported', 'warning', 'TLS 1.3 is not supported')] })],
    ['3DES, NULL and EXPORT suites in the scan, findings raised', { ...sample({ ...imaps, findings: [finding('cipher-3des', 'warning', '3DES accepted (SWEET32)'), finding('cipher-null', 'error', 'NULL encryption accepted')] }),
      ciphers: scan([{ version: 'TLSv1.2', suites: [suite('TLS_RSA_WITH_3DES_EDE_CBC_SHA', { bits: 112, mac: 'SHA1', forwardSecrecy: false, kx: 'RSA', grade: 'weak' }), suite('TLS_RSA_WITH_NULL_SHA256', { bits: 0, mac: 'SHA256', forwardSecrecy: false, kx: 'RSA', cipher: 'NULL', grade: 'insecure' }), suite('TLS_RSA_EXPORT_WITH_RC4_40_MD5', { bits: 40, mac: 'MD5', forwardSecrecy: false, kx: 'RSA', cipher: 'RC4', grade: 'insecure' })] }]) }],
    ['no AEAD suite on IMAPS', { ...sample({ ...imaps, versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false }, tls: tls12('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA') }), ciphers: scan([{ version: 'TLSv1.2', suites: [cbc] }]) }],
    ['DHE with 1024-bit primes, no finding', { ...sample(imaps), ciphers: scan([{ version: 'TLSv1.2', suites: [suite('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', { keyExchange: 'DH 1024', dhBits: 1024 })] }]) }],
    ['P-256 key and ffdhe2048', sample({ certificate: { ...sample().certificate!, chain: [cert({ keyType: 'ec', keyBits: 256 })] }, tls: { ...sample().tls!, group: 'ffdhe2048' } })],
    ['a 1024-bit key, SHA-1 signature, incomplete chain', sample({ certificate: { ...sample().certificate!, chain: [cert({ keyBits: 1024 })] }, findings: [finding('cert-weak-key', 'error', 'Weak key'), finding('cert-weak-signature', 'warning', 'Weak signature', 'sha1WithRSAEncryption'), finding('cert-chain-incomplete', 'warning', 'Chain incomplete')] })],
    ['untrusted and expired on IMAPS', sample({ ...imaps, findings: [finding('cert-untrusted', 'error', 'Certificate not trusted'), finding('cert-expired', 'error', 'Certificate expired')] })],
    ['self-signed and wrong name on port 25', sample({ findings: [finding('cert-self-signed', 'warning', 'Self-signed certificate'), finding('cert-hostname-mismatch', 'warning', 'Name mismatch')] })],
    ['dialog findings on IMAP', sample({ target: 'imap://mx.example.org:143', protocol: 'imap', findings: [finding('plaintext-auth-before-tls', 'error', 'Password login before TLS'), finding('starttls-command-injection', 'error', 'Injection'), finding('imap-preauth', 'error', 'PREAUTH'), finding('ocsp-no-staple', 'info', 'No OCSP staple')] })],
    ['mail before TLS on submission, and an unlisted warning', sample({ ...submission, findings: [finding('starttls-not-enforced', 'error', 'Not enforced'), finding('tls-fallback-scsv-missing', 'warning', 'TLS_FALLBACK_SCSV not honoured')] })],
    ['no STARTTLS', sample({ ok: false, tls: null, findings: [finding('starttls-not-offered', 'error', 'STARTTLS is not offered')] })],
    ['never connected', sample({ ok: false, tls: null, certificate: null, findings: [finding('connect-failed', 'error', 'Connection failed')] })],
    ['stopped with no finding', sample({ ok: false, tls: null, certificate: null, findings: [] })],
  ];

  for (const [name, result] of cases) {
    it(name, () => {
      const g = gradeEndpoint(result);
      assert.ok(g.reasons.length > 0, 'no reason at all');
      const ids = new Set(result.findings.map((f) => f.id));
      for (const r of g.reasons) {
        if (r.findingId) {
          assert.ok(ids.has(r.findingId), `"${r.text}" names ${r.findingId}, which the probe did not raise`);
          assert.ok(r.text.includes(`(${r.findingId})`), `"${r.text}" does not show its finding's id`);
        } else {
          assert.ok(r.fact && r.fact.length > 3, `"${r.text}" names neither a finding nor a fact`);
          assert.ok(r.text.includes(r.fact), `"${r.text}" does not quote its fact "${r.fact}"`);
        }
      }
      // Nothing that marks the endpoint down goes unnamed.
      const named = new Set(g.reasons.map((r) => r.findingId));
      for (const f of result.findings) {
        if (f.severity !== 'info' && !(g.letter === 'F' && g.components === null) && g.letter !== null) assert.ok(named.has(f.id), `${f.id} (${f.severity}) is behind no reason: ${g.reasons.map((r) => r.text).join(' | ')}`);
      }
      // Each score component under 100 says what was measured to mark it down.
      for (const [label, value] of Object.entries({ 'protocol support': g.components?.protocol, 'key exchange': g.components?.keyExchange, 'cipher strength': g.components?.cipher })) {
        if (value === undefined || value === 100) continue;
        assert.ok(g.reasons.some((r) => r.kind === 'score' && r.text.startsWith(`${label} ${value}: `) && r.fact), `no reason for ${label} ${value}: ${g.reasons.map((r) => r.text).join(' | ')}`);
      }
    });
  }

  it('a score deduction says what was measured', () => {
    const texts = (r: ProbeResult) => gradeEndpoint(r).reasons.map((x) => x.text);
    assert.ok(texts(sample()).includes('key exchange 90: RSA 2048-bit certificate key'), texts(sample()).join('\n'));
    const ec = sample({ certificate: { ...sample().certificate!, chain: [cert({ keyType: 'ec', keyBits: 256 })] }, tls: { ...sample().tls!, group: 'ffdhe2048' } });
    assert.ok(texts(ec).includes('key exchange 90: group ffdhe2048 (2048-bit RSA equivalent)'), texts(ec).join('\n'));
    const legacy = sample({ versions: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true } });
    assert.ok(texts(legacy).includes('protocol support 95: worst accepted TLS 1.0 (90), best TLS 1.3 (100)'), texts(legacy).join('\n'));
    const aes128 = sample({ tls: { ...sample().tls!, cipher: 'TLS_AES_128_GCM_SHA256', cipherStandardName: 'TLS_AES_128_GCM_SHA256' } });
    assert.ok(texts(aes128).includes('cipher strength 80: negotiated TLS_AES_128_GCM_SHA256 (128-bit cipher)'), texts(aes128).join('\n'));
  });

  it('caps without a finding quote what was measured', () => {
    const old = gradeEndpoint(sample({ ...submission, versions: { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false }, tls: { ...tls12('ECDHE-RSA-AES128-SHA'), version: 'TLSv1' } }));
    assert.ok(capsOf(old).includes('capped at B: neither TLS 1.2 nor TLS 1.3 accepted (measured: TLS 1.2 and TLS 1.3 handshakes refused; accepted: TLS 1.0)'), capsOf(old).join('\n'));
    assert.ok(capsOf(old).includes('capped at B: TLS 1.0 accepted'), 'without tls-legacy-version the cap quotes the versions seen');
    const ssl3 = gradeEndpoint({ ...sample(imaps), ciphers: scan([{ version: 'SSLv3', suites: [] }, { version: 'TLSv1.3', suites: [suite('TLS_AES_256_GCM_SHA384')] }]) });
    assert.ok(capsOf(ssl3).includes('capped at C: SSL 3 accepted'), capsOf(ssl3).join('\n'));
    const withFinding = gradeEndpoint({ ...sample({ ...imaps, findings: [finding('sslv3-accepted', 'error', 'SSLv3 accepted')] }), ciphers: scan([{ version: 'SSLv3', suites: [] }, { version: 'TLSv1.3', suites: [suite('TLS_AES_256_GCM_SHA384')] }]) });
    assert.ok(capsOf(withFinding).includes('capped at C: SSL 3 accepted (sslv3-accepted)'), capsOf(withFinding).join('\n'));
    const noAead = gradeEndpoint({ ...sample({ ...imaps, versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false }, tls: tls12('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA') }), ciphers: scan([{ version: 'TLSv1.2', suites: [cbc] }]) });
    assert.ok(capsOf(noAead).includes('capped at A-: no AEAD suite (measured: none of the 1 accepted suites is GCM, CCM or ChaCha20-Poly1305 (first: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA))'), capsOf(noAead).join('\n'));
  });
});

describe('grade: helpers', () => {
  it('suite facts from IANA and OpenSSL names', () => {
    assert.deepEqual(suiteFacts('ECDHE-RSA-AES128-GCM-SHA256'), { bits: 128, forwardSecret: true, aead: true, anonymous: false, export: false, rc4: false, tripleDes: false });
    assert.equal(suiteFacts('TLS_RSA_WITH_3DES_EDE_CBC_SHA').bits, 112);
    assert.equal(suiteFacts('AES256-SHA').forwardSecret, false);
    assert.equal(suiteFacts('TLS_RSA_WITH_NULL_SHA256').bits, 0);
    assert.equal(suiteFacts('AECDH-AES256-SHA').anonymous, true);
    assert.equal(suiteFacts('TLS_CHACHA20_POLY1305_SHA256').bits, 256);
  });

  it('T ranks with F when taking the weaker of two grades', () => {
    assert.equal(worseOf('A', 'B'), 'B');
    assert.equal(worseOf('T', 'F'), 'T');
    assert.equal(worseOf('C', 'T'), 'T');
  });
});
