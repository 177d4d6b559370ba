// OCSP stapling against openssl s_server: a Must-Staple certificate from the test CA with a
// response made by `openssl ocsp` from an index (stapled with -status_file), the same
// certificate with no staple, and a staple signed by a responder the CA never delegated to.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../src/core/probe';
import { getTestServers, loadTestServers, skipWithoutServers } from '../servers/fixture';
import { startSServer } from '../servers/sserver';
import { opensslSync, sharedCertificate } from '../support/certs';

describe('OCSP stapling against openssl s_server', skipWithoutServers(), () => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-ocsp-'));
  const stops: (() => void)[] = [];
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => opensslSync(dir, args);
  after(() => {
    for (const stop of stops) stop();
    rmSync(dir, { recursive: true, force: true });
  });

  before(() => {
    const s = loadTestServers();
    if (!s) return;
    const ca = s.certificates.intermediate;
    writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:mail.test.example\ntlsfeature=status_request\nextendedKeyUsage=serverAuth\n');
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', '/CN=mail.test.example']);
    openssl(['x509', '-req', '-in', file('leaf.csr'), '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', '0x5EED01', '-days', '30', '-extfile', file('ext.cnf'), '-out', file('leaf.pem')]);
    const leaf = new X509Certificate(readFileSync(file('leaf.pem')));
    const end = new Date(leaf.validTo).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
    writeFileSync(file('index.txt'), `V\t${end}\t\t5EED01\tunknown\t/CN=mail.test.example\n`);
    const respond = (signerCert: string, signerKey: string, out: string) =>
      openssl(['ocsp', '-index', file('index.txt'), '-rsigner', signerCert, '-rkey', signerKey, '-CA', ca.cert, '-issuer', ca.cert, '-cert', file('leaf.pem'), '-respout', out, '-ndays', '1']);
    respond(ca.cert, ca.key, file('good.der'));
    const stranger = sharedCertificate();
    respond(stranger.certFile, stranger.keyFile, file('forged.der'));
  });

  const run = async (args: string[]) => {
    const s = getTestServers()!;
    const server = await startSServer({ cert: file('leaf.pem'), key: file('leaf.key'), chain: s.certificates.intermediate.cert }, args);
    stops.push(server.stop);
    // s_server sends no greeting: the handshake (and its staple) is what counts here.
    return probe(server.url, { caFile: s.caFile, servername: s.serverName, enumerateVersions: false, checkInjection: false, ciphers: false, timeouts: { greeting: 500, total: 10000 } });
  };

  it('a stapled, signed, current response for a Must-Staple certificate: status good, times, verified, no finding', async (t) => {
    if (!getTestServers(t)) return;
    const r = await run(['-status_file', file('good.der')]);
    assert.ok(r.ocsp, JSON.stringify(r.findings));
    assert.equal(r.ocsp.mustStaple, true);
    assert.equal(r.ocsp.stapled, true);
    assert.equal(r.ocsp.certStatus, 'good');
    assert.equal(r.ocsp.verified, true, r.ocsp.problem ?? '');
    assert.ok(r.ocsp.thisUpdate && r.ocsp.nextUpdate && Date.parse(r.ocsp.nextUpdate) > Date.parse(r.ocsp.thisUpdate));
    assert.deepEqual(r.findings.filter((f) => f.id.startsWith('ocsp')), []);
  });

  it('the Must-Staple certificate without a staple: an error', async (t) => {
    if (!getTestServers(t)) return;
    const r = await run([]);
    assert.equal(r.ocsp?.stapled, false);
    const f = r.findings.find((x) => x.id === 'ocsp-must-staple-missing');
    assert.equal(f?.severity, 'error');
  });

  it('a staple signed by a responder the CA never delegated to: unverifiable, a warning', async (t) => {
    if (!getTestServers(t)) return;
    const r = await run(['-status_file', file('forged.der')]);
    assert.equal(r.ocsp?.stapled, true);
    assert.equal(r.ocsp?.verified, false);
    assert.equal(r.findings.find((x) => x.id === 'ocsp-staple-unverifiable')?.severity, 'warning');
  });

  it('Postfix cannot staple: with the full report, information that says so', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const r = await probe(s.endpoints.smtps, { caFile: s.caFile, servername: s.serverName, ciphers: true });
    assert.equal(r.ocsp?.stapled, false);
    const f = r.findings.find((x) => x.id === 'ocsp-no-staple');
    assert.equal(f?.severity, 'info');
    assert.match(f!.detail, /Postfix and Dovecot cannot staple/);
  });
});
