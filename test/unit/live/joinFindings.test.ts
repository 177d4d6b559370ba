// The pure join of config and live result behind the extension's post-probe diagnostics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourceRange } from '../../../src/core/config/types';
import type { ProbeResult } from '../../../src/core/probe/types';
import { joinLive, minVersionOfDovecot, minVersionOfPostfixList, type JoinEndpoint } from '../../../src/core/live/joinFindings';

const range = (line: number): SourceRange => ({ file: '/etc/postfix/main.cf', start: { line, character: 0 }, end: { line, character: 10 } });

function result(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    target: 'smtp://127.0.0.1:25', protocol: 'smtp', tlsMode: 'starttls', ok: true, address: '127.0.0.1', greeting: '220 mx',
    capabilities: { beforeTls: [], afterTls: [] },
    tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', cipherStandardName: 'TLS_AES_256_GCM_SHA384', group: 'x25519', alpn: null },
    certificate: {
      chain: [{ subject: 'CN=mx', issuer: 'CN=ca', subjectAltNames: ['DNS:mx'], notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z',
        keyType: 'rsa', keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption', fingerprint256: 'AA:BB:CC:DD:EE', serialNumber: '01', selfSigned: false }],
      trusted: true, validationError: null, hostnameMatches: true, daysLeft: 200,
    },
    versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
    findings: [], transcript: [], timings: { connect: 1, greeting: 1, starttls: 1, handshake: 1, total: 5 }, startedAt: '2026-11-23T00:00:00Z',
    ...overrides,
  } as ProbeResult;
}

const endpoint: JoinEndpoint = {
  target: 'smtp://127.0.0.1:25',
  declaredAt: range(9),
  minVersion: { version: 'TLSv1.2', setting: 'smtpd_tls_protocols', range: range(3), docUrl: 'https://www.postfix.org/postconf.5.html#smtpd_tls_protocols' },
  certificates: [{ setting: 'smtpd_tls_chain_files', file: '/etc/ssl/mx.pem', fingerprint256: 'aa:bb:cc:dd:ee', range: range(4), docUrl: 'https://x' }],
};

describe('joinLive', () => {
  it('says nothing when the server does what the config asks', () => {
    assert.deepEqual(joinLive(endpoint, result(), { expiryWarningDays: 30, expiryDocUrl: 'https://x' }), []);
  });

  it('blames the protocols line when the server accepted an older version than the config allows', () => {
    const [f, ...rest] = joinLive(endpoint, result({ versions: { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true } }), { expiryWarningDays: 30, expiryDocUrl: 'https://x' });
    assert.equal(rest.length, 0);
    assert.equal(f!.id, 'live-version-below-config');
    assert.deepEqual(f!.range, range(3));
    assert.match(f!.message, /TLS 1\.2 or newer \(smtpd_tls_protocols\).*accepted TLS 1\.0/);
  });

  it('reports a served certificate that is not the configured file (fingerprints compared case- and colon-blind)', () => {
    const other = result();
    other.certificate!.chain[0]!.fingerprint256 = '11:22:33:44:55';
    const findings = joinLive(endpoint, other, { expiryWarningDays: 30, expiryDocUrl: 'https://x' });
    assert.deepEqual(findings.map((f) => f.id), ['live-cert-not-configured-file']);
    assert.deepEqual(findings[0]!.range, range(4));
  });

  it('warns about expiry within the window and errs once expired', () => {
    const soon = result();
    soon.certificate!.daysLeft = 3;
    const [warning] = joinLive(endpoint, soon, { expiryWarningDays: 30, expiryDocUrl: 'https://x' });
    assert.equal(warning!.id, 'live-cert-expiring');
    assert.match(warning!.message, /expires in 3 day/);
    const gone = result();
    gone.certificate!.daysLeft = -2;
    assert.equal(joinLive(endpoint, gone, { expiryWarningDays: 30, expiryDocUrl: 'https://x' })[0]!.severity, 'error');
  });

  it('the window is the core rule: 29 days left of 30 warns, 30 does not', () => {
    const at = (days: number) => {
      const r = result();
      r.certificate!.daysLeft = days;
      return joinLive(endpoint, r, { expiryWarningDays: 30, expiryDocUrl: 'https://x' }).map((f) => f.id);
    };
    assert.deepEqual(at(29), ['live-cert-expiring']);
    assert.deepEqual(at(30), []);
  });
});

describe('minimum version of a config value', () => {
  it('reads Postfix protocol lists in all their forms', () => {
    assert.equal(minVersionOfPostfixList('>=TLSv1.2'), 'TLSv1.2');
    assert.equal(minVersionOfPostfixList('!SSLv2, !SSLv3'), 'TLSv1');
    assert.equal(minVersionOfPostfixList('!SSLv2, !SSLv3, !TLSv1, !TLSv1.1'), 'TLSv1.2');
    assert.equal(minVersionOfPostfixList('TLSv1.2 TLSv1.3'), 'TLSv1.2');
    assert.equal(minVersionOfPostfixList('>=TLSv1 <=TLSv1.2'), 'TLSv1');
    assert.equal(minVersionOfPostfixList(''), 'TLSv1');
  });

  it('reads Dovecot ssl_min_protocol', () => {
    assert.equal(minVersionOfDovecot('TLSv1.2'), 'TLSv1.2');
    assert.equal(minVersionOfDovecot('TLSv1'), 'TLSv1');
    assert.equal(minVersionOfDovecot('ANY'), 'TLSv1');
  });
});
