// Hostile staples: garbage, truncation and a wrong structure give a problem, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readStaple, mustStaple } from '../../../src/core/tls/ocsp';
import { sharedCertificate } from '../../support/certs';

test('garbage, truncated and non-OCSP DER staples are reported as unreadable, not thrown', () => {
  const cert = new X509Certificate(sharedCertificate().cert);
  for (const bytes of [Buffer.alloc(0), Buffer.from('not der at all'), Buffer.from([0x30, 0x82, 0xff, 0xff, 0x0a]), cert.raw, Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03])]) {
    const r = readStaple(bytes, cert, cert);
    assert.equal(r.verified, false);
    assert.ok(r.problem, `a problem for ${bytes.toString('hex').slice(0, 20)}`);
  }
  assert.equal(readStaple(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]), cert, cert).responseStatus, 'tryLater');
  assert.equal(mustStaple(cert), false);
});
