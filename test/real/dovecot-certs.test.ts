/**
 * The certificate files the test instance's Dovecot config names, read through the shared
 * certificate checks: each variant's `local <ip> { ssl_cert }` block gets its own finding.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { analyzeDovecot } from '../../src/core/config/dovecot/index';
import { loadTestServers, skipWithoutServers } from '../servers/fixture';

describe('Dovecot certificate files of the test instance', skipWithoutServers(), () => {
  test('expired, wrong-host and chainless variants are reported at their local blocks; the good pair is clean', () => {
    const servers = loadTestServers()!;
    const file = servers.dovecotConfigFile;
    const lines = readFileSync(file, 'utf8').split('\n');
    const a = analyzeDovecot(file);
    const at = (id: string) => a.findings.filter((f) => f.id === id).map((f) => lines[f.range.start.line]!.trim());
    assert.deepEqual(at('dovecot-cert-expired'), [`ssl_cert = <${servers.certificates.expired.chain}`]);
    assert.equal(at('dovecot-cert-hostname-mismatch').length, 1);
    assert.match(at('dovecot-cert-hostname-mismatch')[0]!, /wrong-host/);
    assert.equal(at('dovecot-cert-chain-incomplete').length, 1);
    // The global (good) pair yields a leaf and no finding on its own lines.
    const globalLine = lines.findIndex((l) => l.startsWith('ssl_cert = '));
    assert.deepEqual(a.findings.filter((f) => f.range.start.line === globalLine || f.range.start.line === globalLine + 1), []);
    assert.ok(a.certificates.some((c) => c.subjectAltNames.includes(`DNS:${servers.serverName}`)));
  });
});
