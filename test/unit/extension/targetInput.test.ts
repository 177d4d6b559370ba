// The "Probe Endpoint…" input: a URL, or a host (and port) whose protocol is picked next.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputProblem, splitHostPort, targetFor } from '../../../src/extension/commands/targetInput';

describe('probe endpoint input', () => {
  it('splits host and port, IPv6 in brackets', () => {
    assert.deepEqual(splitHostPort('mail.example.org'), { host: 'mail.example.org' });
    assert.deepEqual(splitHostPort('mail.example.org:2525'), { host: 'mail.example.org', port: 2525 });
    assert.deepEqual(splitHostPort('[::1]:993'), { host: '::1', port: 993 });
    assert.deepEqual(splitHostPort('[::1]'), { host: '::1' });
  });

  it('builds the canonical target with the protocol’s port unless one was given', () => {
    assert.equal(targetFor('Mail.Example.org', undefined, 'imaps'), 'imaps://mail.example.org:993');
    assert.equal(targetFor('::1', undefined, 'sieve'), 'sieve://[::1]:4190');
    assert.equal(targetFor('127.0.0.1', 10025, 'smtp'), 'smtp://127.0.0.1:10025');
  });

  it('accepts URLs and hosts, and says what is wrong otherwise', () => {
    assert.equal(inputProblem('imaps://mail.example.org'), undefined);
    assert.equal(inputProblem('mail.example.org'), undefined);
    assert.equal(inputProblem('[::1]:4190'), undefined);
    assert.match(inputProblem('') ?? '', /URL or a host/);
    assert.match(inputProblem('gopher://x') ?? '', /unknown scheme/);
    assert.match(inputProblem('mail.example.org:99999') ?? '', /port/);
    assert.match(inputProblem('bad host') ?? '', /not a valid host name/);
  });
});
