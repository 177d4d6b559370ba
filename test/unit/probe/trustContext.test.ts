// The extra-CA context is built once per CA and shared: building one costs about a millisecond
// of the caller's thread, which adds up over a workspace of endpoints in the extension host.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sharedCertificate } from '../../support/certs';
import { trustContext } from '../../../src/core/probe/drivers';

describe('trustContext', () => {
  it('is undefined without an extra CA (Node\'s default context applies)', () => {
    assert.equal(trustContext(null), undefined);
  });

  it('builds one context per CA and hands the same one out again', () => {
    const pem = readFileSync(sharedCertificate().certFile, 'utf8');
    const first = trustContext(pem);
    assert.ok(first);
    assert.equal(trustContext(pem), first);
    assert.notEqual(trustContext(`${pem}\n`), first, 'another CA text gets its own context');
  });
});
