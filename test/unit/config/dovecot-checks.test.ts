import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { settingDoc } from '../../../src/core/config/dovecot/index';
import { analyzeText, ids, textAt } from '../../support/dovecotText';

const BASE = 'protocols = imap pop3\nssl_cert = </c.pem\nssl_key = </k.pem\n';

describe('Dovecot 2.3 checks', () => {
  test('a hardened config has no warnings or errors', () => {
    const a = analyzeText(`${BASE}ssl = required\nssl_min_protocol = TLSv1.2\nssl_prefer_server_ciphers = no\nlisten = 127.0.0.1\n`);
    assert.deepEqual(a.findings, []);
  });

  test('ssl_cert without "<" is PEM text: error with a fix adding "<"', () => {
    const text = 'protocols = imap\nssl_cert = /etc/ssl/mail.pem\nssl_key = </k.pem\n';
    const f = analyzeText(text).findings.find((x) => x.id === 'dovecot-cert-not-file');
    assert.equal(f?.severity, 'error');
    assert.equal(textAt(text, f!.range), '/etc/ssl/mail.pem');
    assert.equal(f?.fix?.newText, '</etc/ssl/mail.pem');
    assert.ok(!ids(analyzeText('protocols = imap\nssl_cert = -----BEGIN CERTIFICATE-----\nssl_key = </k.pem\n')).includes('dovecot-cert-not-file'));
  });

  test('weak ssl_min_protocol: an error where TLS is required or implicit, a warning with STARTTLS only', () => {
    const required = analyzeText(`${BASE}ssl = required\nssl_min_protocol = TLSv1\n`).findings.find((f) => f.id === 'dovecot-weak-min-protocol');
    assert.equal(required?.severity, 'error');
    assert.equal(required?.fix?.newText, 'TLSv1.2');
    const implicit = analyzeText(`${BASE}ssl_min_protocol = TLSv1.1\n`).findings.find((f) => f.id === 'dovecot-weak-min-protocol');
    assert.equal(implicit?.severity, 'error');
    assert.match(implicit!.message, /imap-login\/imaps, pop3-login\/pop3s/);
    const starttlsOnly = 'protocols = imap\nssl_cert = </c.pem\nssl_key = </k.pem\nssl_min_protocol = TLSv1.1\nservice imap-login {\n  inet_listener imaps {\n    port = 0\n  }\n}\n';
    assert.equal(analyzeText(starttlsOnly).findings.find((f) => f.id === 'dovecot-weak-min-protocol')?.severity, 'warning');
  });

  test('ssl_protocols is obsolete: replaced by ssl_min_protocol', () => {
    const f = analyzeText(`${BASE}ssl_protocols = !SSLv3 !TLSv1\n`).findings.find((x) => x.id === 'dovecot-obsolete-ssl-protocols');
    assert.equal(f?.fix?.newText, 'ssl_min_protocol = TLSv1.2');
  });

  test('plaintext authentication and ssl = no', () => {
    const a = analyzeText(`${BASE}ssl = no\ndisable_plaintext_auth = no\n`);
    assert.deepEqual(ids(a).filter((i) => i !== 'dovecot-plaintext-listener'), ['dovecot-ssl-disabled', 'dovecot-plaintext-auth']);
    assert.equal(a.findings.find((f) => f.id === 'dovecot-plaintext-auth')?.fix?.newText, 'yes');
    assert.ok(!ids(analyzeText(`${BASE}ssl = required\ndisable_plaintext_auth = no\n`)).includes('dovecot-plaintext-auth'));
  });

  test('login_trusted_networks covering everyone', () => {
    const text = `${BASE}login_trusted_networks = 10.0.0.0/8 0.0.0.0/0\n`;
    const f = analyzeText(text).findings.find((x) => x.id === 'dovecot-trusted-networks-all');
    assert.equal(f?.severity, 'error');
    assert.equal(textAt(text, f!.range), '10.0.0.0/8 0.0.0.0/0');
    assert.ok(!ids(analyzeText(`${BASE}login_trusted_networks = 10.0.0.0/8\n`)).includes('dovecot-trusted-networks-all'));
  });

  test('values Dovecot refuses: ssl enum, booleans, ports, protocol names', () => {
    const text = `${BASE}ssl = Yes\ndisable_plaintext_auth = 0\nssl_min_protocol = TLSv1.4\nverbose_ssl = Y\nservice imap-login {\n  inet_listener imaps {\n    port = 70000\n    ssl = sure\n  }\n}\n`;
    const bad = analyzeText(text).findings.filter((f) => f.id === 'dovecot-invalid-value');
    assert.deepEqual(bad.map((f) => textAt(text, f.range)), ['Yes', '0', 'TLSv1.4', '70000', 'sure']);
    assert.ok(bad.every((f) => f.severity === 'error'));
    const literalDollar = analyzeText(`${BASE}service imap-login {\n  inet_listener imaps {\n    port = 10$993\n  }\n}\n`).findings;
    assert.ok(literalDollar.some((f) => f.id === 'dovecot-invalid-value'), 'a $ inside a token is literal');
    const nets = analyzeText(`${BASE}local 127.0.0. {\n}\nremote 10.0.0.0/33 {\n}\nlocal mail.example.org {\n}\nremote 192.0.2.0/24 {\n}\n`).findings.filter((f) => f.id === 'dovecot-invalid-value');
    assert.deepEqual(nets.map((f) => f.range.start.line), [3, 5]);
    const plaintext = analyzeText(`${BASE}disable_plaintext_auth = NO\n`).findings.find((f) => f.id === 'dovecot-plaintext-auth');
    assert.ok(plaintext, 'NO is false for Dovecot');
  });

  test('unknown settings, with the nearest known name as a fix', () => {
    const text = `${BASE}ssl_min_protocols = TLSv1.2\nprotocol imap {\n  ssl_cipher_lst = HIGH\n}\nfrobnicate = 1\nplugin {\n  anything_goes = 1\n}\nssl_protocols = !SSLv3\n`;
    const unknown = analyzeText(text).findings.filter((f) => f.id === 'dovecot-unknown-setting');
    assert.deepEqual(unknown.map((f) => [textAt(text, f.range), f.fix?.newText]), [['ssl_min_protocols', 'ssl_min_protocol'], ['ssl_cipher_lst', 'ssl_cipher_list'], ['frobnicate', undefined]]);
  });

  test('unknown fields and subsections inside service, listener, namespace and passdb sections', () => {
    const text = `${BASE}servce auth {\n}\nmetric m {\n}\nservice imap-login {\n  inet_listner imaps {\n    prot = 993\n  }\n  inet_listener imap {\n    port = 143\n    sssl = no\n  }\n  process_min_avial = 1\n}\nnamespace inbox {\n  inbx = yes\n}\nplugin {\n  whatever = 1\n}\n`;
    const unknown = analyzeText(text).findings.filter((f) => f.id === 'dovecot-unknown-setting');
    assert.deepEqual(unknown.map((f) => [textAt(text, f.range), f.fix?.newText]), [
      ['servce', 'service'],
      ['inet_listner', 'inet_listener'],
      ['sssl', 'ssl'],
      ['process_min_avial', 'process_min_avail'],
      ['inbx', 'inbox'],
    ]);
  });

  test('cipher preferences and weak ciphers', () => {
    const a = analyzeText(`${BASE}ssl_prefer_server_ciphers = yes\nssl_cipher_list = HIGH:aNULL:!MD5:RC4\n`);
    assert.equal(a.findings.find((f) => f.id === 'dovecot-prefer-server-ciphers')?.fix?.newText, 'no');
    assert.match(a.findings.find((f) => f.id === 'dovecot-weak-ciphers')?.message ?? '', /aNULL, RC4/);
  });

  test('ssl enabled without a certificate, when something listens', () => {
    assert.deepEqual(ids(analyzeText('protocols = imap\n')).filter((i) => i === 'dovecot-ssl-cert-missing').length, 2);
    assert.ok(!ids(analyzeText('protocols = imap\nssl = no\n')).includes('dovecot-ssl-cert-missing'));
  });

  test('2.3 names are fine in a 2.3 config', () => {
    const a = analyzeText(`${BASE}ssl_dh = </dh.pem\nverbose_ssl = yes\nmail_location = maildir:~/Maildir:INDEX=/idx/%u\n`);
    assert.ok(!ids(a).some((i) => i.startsWith('dovecot-24')));
  });

  test('every finding links to doc.dovecot.org', () => {
    const a = analyzeText(`${BASE}ssl = no\nssl_protocols = SSLv3\nssl_min_protocol = SSLv3\nfoo bar\n!include missing\n`);
    assert.ok(a.findings.length >= 4);
    for (const f of a.findings) assert.match(f.docUrl, /^https:\/\/doc\.dovecot\.org\//, f.id);
  });
});

describe('Dovecot listeners and endpoints', () => {
  test('built-in listeners follow protocols, port = 0, ssl = no and listen', () => {
    const a = analyzeText(`${BASE}protocols = imap pop3 sieve lmtp submission\nlisten = ::, *\n` +
      'service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n}\n' +
      'service lmtp {\n  inet_listener lmtp {\n    port = 2424\n    address = 127.0.0.9\n  }\n}\n' +
      'service pop3-login {\n  inet_listener pop3 {\n    haproxy = yes\n  }\n}\n');
    assert.deepEqual(a.endpoints.map((e) => e.target).sort(), [
      'imaps://[::1]:993',
      'lmtp://127.0.0.9:2424',
      'pop3s://[::1]:995',
      'sieve://[::1]:4190',
      'submission://[::1]:587',
    ]);
    const imaps = a.endpoints.find((e) => e.protocol === 'imaps');
    assert.equal(imaps?.tlsMode, 'implicit');
    assert.equal(imaps?.server, 'dovecot');
  });

  test('the endpoint range is the inet_listener block', () => {
    const text = `${BASE}service imap-login {\n  inet_listener imaps {\n    port = 10993\n    ssl = yes\n  }\n}\n`;
    const e = analyzeText(text).endpoints.find((x) => x.service === 'imap-login/imaps');
    assert.equal(textAt(text, e!.range), 'inet_listener imaps {\n    port = 10993\n    ssl = yes\n  }');
  });

  test('ssl = no: implicit-TLS listeners are not endpoints, and declared ones are flagged', () => {
    const a = analyzeText('protocols = imap\nssl = no\nservice imap-login {\n  inet_listener imaps {\n    ssl = yes\n  }\n}\n');
    assert.deepEqual(a.endpoints.map((e) => e.target), ['imap://127.0.0.1:143']);
    assert.ok(ids(a).includes('dovecot-ssl-listener-disabled'));
    assert.deepEqual(a.listeners.filter((l) => l.service === 'imap-login').map((l) => [l.name, l.tls, l.globalSsl, l.enabled]), [['imaps', 'none', 'no', false], ['imap', 'none', 'no', true]]);
  });

  test('protocols not enabled, protocols = none, and protocol filters for listen', () => {
    assert.deepEqual(analyzeText(`${BASE}protocols = none\n`).endpoints, []);
    const a = analyzeText(`${BASE}protocols = imap\nprotocol imap {\n  listen = 192.0.2.7\n}\n`);
    assert.deepEqual(a.endpoints.map((e) => e.target), ['imap://192.0.2.7:143', 'imaps://192.0.2.7:993']);
  });
});

describe('Dovecot settings docs', () => {
  test('hover data with defaults, renames and version-specific links', () => {
    const cert = settingDoc('ssl_cert');
    assert.equal(cert?.renamedIn24, 'ssl_server_cert_file');
    assert.match(cert!.docUrl, /doc\.dovecot\.org\/2\.3\//);
    assert.match(settingDoc('ssl_min_protocol', '2.4')!.docUrl, /doc\.dovecot\.org\/2\.4/);
    assert.equal(settingDoc('ssl_min_protocol')?.default, 'TLSv1.2');
  });
});
