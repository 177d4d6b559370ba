/**
 * The Postfix config core against the running test instance: effective values agree with
 * postconf, the endpoints are the ones the instance serves, each certificate variant is
 * reported at its own master.cf line, and the configured leaf is the certificate Postfix serves.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { describe, test } from 'node:test';
import { analyzePath } from '../../src/core/config';
import { loadTestServers, skipWithoutServers } from '../servers/fixture';
import { compareWithPostconf } from '../support/oracles/postconf';

describe('Postfix config of the test instance', skipWithoutServers(), () => {
  test('effective values agree with postconf -n, -nx, -M, -P and -Px', () => {
    const servers = loadTestServers()!;
    const a = compareWithPostconf(servers.postfixConfigDir);
    assert.ok(a.services.length >= 3);
  });

  test('endpoints are exactly the listeners the instance serves', () => {
    const servers = loadTestServers()!;
    const [analysis] = analyzePath(servers.postfixConfigDir);
    const ours = analysis!.endpoints.map((e) => e.target).sort();
    const served = [servers.endpoints.smtp, servers.endpoints.submission, servers.endpoints.smtps, servers.endpoints.postscreen, ...Object.values(servers.variants).flatMap((v) => [v.smtp, v.smtps])].sort();
    assert.deepEqual(ours, served);
    const byTarget = new Map(analysis!.endpoints.map((e) => [e.target, e]));
    assert.equal(byTarget.get(servers.endpoints.submission)!.protocol, 'submission');
    assert.equal(byTarget.get(servers.endpoints.smtps)!.tlsMode, 'implicit');
    assert.equal(byTarget.get(servers.endpoints.smtp)!.tlsMode, 'starttls');
  });

  test('certificate variants are reported at their own -o lines; the good pair is clean', () => {
    const servers = loadTestServers()!;
    const [analysis] = analyzePath(servers.postfixConfigDir);
    const text = (file: string) => readFileSync(file, 'utf8').split('\n');
    const at = (id: string) => analysis!.findings.filter((f) => f.id === id).map((f) => text(f.range.file)[f.range.start.line]!.trim());
    const expired = at('postfix-cert-expired');
    assert.ok(expired.length >= 1 && expired.every((l) => l.includes(servers.certificates.expired.chain)), expired.join('\n'));
    const wrongHost = at('postfix-cert-hostname-mismatch');
    assert.ok(wrongHost.length >= 1 && wrongHost.every((l) => l.includes(servers.certificates.wrongHost.chain)), wrongHost.join('\n'));
    const chainless = at('postfix-cert-chain-incomplete');
    assert.ok(chainless.length >= 1 && chainless.every((l) => l.includes(servers.certificates.noIntermediate.chain)), chainless.join('\n'));
    const goodLine = (f: { range: { file: string; start: { line: number } } }) => text(f.range.file)[f.range.start.line]!.includes(servers.certificates.good.chain);
    assert.deepEqual(analysis!.findings.filter((f) => f.id.startsWith('postfix-cert-') && goodLine(f)).map((f) => f.id), []);
  });

  test('the configured leaf fingerprint is the certificate Postfix serves (implicit TLS)', async () => {
    const servers = loadTestServers()!;
    const [analysis] = analyzePath(servers.postfixConfigDir);
    const url = new URL(servers.endpoints.smtps);
    const served = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), servername: servers.serverName, rejectUnauthorized: false }, () => {
        const fp = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
        socket.destroy();
        resolve(fp);
      });
      socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
      socket.on('error', reject);
    });
    const smtps = analysis!.postfix!.certificates.find((c) => c.services.some((s) => s === `${url.hostname}:${url.port}/inet`));
    assert.ok(smtps, 'the smtps service has a certificate setup');
    assert.deepEqual(smtps.leaves.map((l) => l.fingerprint256), [served]);
  });
});
