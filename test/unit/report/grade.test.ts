// The grade rubric: the score, each cap with the finding behind it, and the port-25 adaptation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradeEndpoint, letterForScore, worseOf } from '../../../src/core/report/grade';
import type { SuiteResult } from '../../../src/core/probe/types';
import { suiteFacts } from '../../../src/core/report/suites';
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
