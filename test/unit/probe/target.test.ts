import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTarget } from '../../../src/core/probe';

describe('parseTarget', () => {
  it('fills in each protocol\'s default port and TLS mode', () => {
    const expected: [string, number, string, string][] = [
      ['smtp', 25, 'starttls', 'smtp'], ['submission', 587, 'starttls', 'smtp'], ['lmtp', 24, 'starttls', 'lmtp'],
      ['smtps', 465, 'implicit', 'smtp'], ['imap', 143, 'starttls', 'imap'], ['imaps', 993, 'implicit', 'imap'],
      ['pop3', 110, 'starttls', 'pop3'], ['pop3s', 995, 'implicit', 'pop3'], ['sieve', 4190, 'starttls', 'sieve'],
    ];
    for (const [scheme, port, tlsMode, dialect] of expected) {
      const t = parseTarget(`${scheme}://mx.example.org`);
      assert.deepEqual(t, { url: `${scheme}://mx.example.org:${port}`, protocol: scheme, tlsMode, dialect, host: 'mx.example.org', port });
    }
  });

  it('keeps an explicit port and lower-cases scheme and host', () => {
    assert.equal(parseTarget('IMAPS://Mail.Example.ORG:10993').url, 'imaps://mail.example.org:10993');
    assert.equal(parseTarget(' smtp://127.0.0.1:2525/ ').url, 'smtp://127.0.0.1:2525');
  });

  it('reads IPv6 addresses in brackets and prints them back in brackets', () => {
    const t = parseTarget('imaps://[::1]');
    assert.equal(t.host, '::1');
    assert.equal(t.port, 993);
    assert.equal(t.url, 'imaps://[::1]:993');
    assert.equal(parseTarget('smtp://[2001:db8::25]:2525').url, 'smtp://[2001:db8::25]:2525');
  });

  it('throws an Error that names the problem for bad input', () => {
    const cases: [string, RegExp][] = [
      ['mx.example.org', /not a target URL/],
      ['http://mx.example.org', /unknown scheme 'http'/],
      ['smtp://', /host is missing/],
      ['smtp://mx.example.org:0', /port '0'/],
      ['smtp://mx.example.org:70000', /port '70000'/],
      ['smtp://mx.example.org:abc', /port 'abc'/],
      ['smtp://::1', /IPv6 address in brackets/],
      ['smtp://[::1', /unclosed '\['/],
      ['smtp://[mx.example.org]', /not an IPv6 address/],
      ['smtp://user@mx.example.org', /without user, path or query/],
      ['smtp://mx.example.org/path', /without user, path or query/],
      ['smtp://bad_host!name', /not a valid host name/],
    ];
    for (const [input, message] of cases) assert.throws(() => parseTarget(input), message, input);
  });
});
