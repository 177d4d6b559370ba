// The SNI a probe sends, apart from the name its certificate check uses: a DANE client behind a
// CNAME sends the TLSA base domain while the MX name is still the one checked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe';
import { SHARED_SERVER_NAME, sharedCertificate } from '../../support/certs';
import type { HostileServer } from '../../support/mailServers/listener';
import { startMailServer } from '../../support/mailServers/mailServer';

describe('SNI', () => {
  let server: HostileServer;
  before(async () => {
    server = await startMailServer({ dialect: 'smtp' });
  });
  after(() => server.close());

  it('is the name checked, unless `sni` names another; the certificate is checked against `servername` either way', async () => {
    const ca = { caFile: sharedCertificate().certFile, checkInjection: false };
    const plain = await probe(server.url, { ...ca, servername: SHARED_SERVER_NAME });
    assert.ok(plain.ok, JSON.stringify(plain.findings));
    const first: string[] = server.stats.servernames.splice(0);
    assert.ok(first.length > 0 && first.every((n) => n === SHARED_SERVER_NAME), first.join());

    const apart = await probe(server.url, { ...ca, servername: SHARED_SERVER_NAME, sni: 'Target.Example' });
    assert.ok(apart.ok, JSON.stringify(apart.findings));
    // Every handshake (the main one and each version's) sent the other name...
    const second: string[] = server.stats.servernames.splice(0);
    assert.ok(second.length > 1 && second.every((n) => n === 'target.example'), second.join());
    // ...while the name check still used servername, which the certificate covers.
    assert.equal(apart.certificate?.hostnameMatches, true);
    assert.ok(!apart.findings.some((f) => f.id === 'cert-hostname-mismatch'));
  });
});
