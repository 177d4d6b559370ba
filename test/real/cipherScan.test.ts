// The cipher scan against the real Postfix and Dovecot and against `openssl s_server`
// scenarios, with `sslscan --xml` as the oracle: the same suites per version, the same DH
// sizes and groups, and the same preferred suite where the server enforces its order.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cipherFindings, probe, scanCipherSuites } from '../../src/core/probe';
import type { CipherScan } from '../../src/core/probe/types';
import { getTestServers, skipWithoutServers } from '../servers/fixture';
import { startSServer } from '../servers/sserver';
import { opensslSync } from '../support/certs';

interface Oracle {
  /** Suite code points (`0xC030`) per version, sslscan's order. */
  suites: Map<string, string[]>;
  preferred: Map<string, string>;
  dhBits: Map<string, number>;
  groups: Set<string>;
  renegotiationSecure: boolean | null;
}

const SSLSCAN_VERSION: Record<string, string> = { 'TLSv1.0': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };
const SSLSCAN_GROUP: Record<string, string> = { x25519: 'X25519', x448: 'X448', 'secp256r1 (NIST P-256)': 'P-256', 'secp384r1 (NIST P-384)': 'P-384', 'secp521r1 (NIST P-521)': 'P-521', ffdhe2048: 'ffdhe2048', ffdhe3072: 'ffdhe3072', ffdhe4096: 'ffdhe4096', ffdhe6144: 'ffdhe6144', ffdhe8192: 'ffdhe8192' };
const STARTTLS: Record<string, string[]> = { smtp: ['--starttls-smtp'], submission: ['--starttls-smtp'], imap: ['--starttls-imap'], pop3: ['--starttls-pop3'] };

function sslscan(url: string): Promise<Oracle> {
  const u = new URL(url);
  const scheme = u.protocol.slice(0, -1);
  return new Promise((resolve, reject) => {
    execFile('sslscan', ['--no-colour', '--xml=-', ...(STARTTLS[scheme] ?? []), `${u.hostname}:${u.port}`], { maxBuffer: 8 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      const oracle: Oracle = { suites: new Map(), preferred: new Map(), dhBits: new Map(), groups: new Set(), renegotiationSecure: null };
      for (const m of stdout.matchAll(/<cipher status="(\w+)" sslversion="([^"]+)"[^>]* id="(0x[0-9A-F]+)"([^>]*)\/>/g)) {
        const version = SSLSCAN_VERSION[m[2]!] ?? m[2]!;
        oracle.suites.set(version, [...(oracle.suites.get(version) ?? []), m[3]!]);
        if (m[1] === 'preferred') oracle.preferred.set(version, m[3]!);
        const dh = /\sdhebits="(\d+)"/.exec(m[4]!);
        if (dh) oracle.dhBits.set(`${version} ${m[3]}`, Number(dh[1]));
      }
      for (const m of stdout.matchAll(/<group sslversion="[^"]+" bits="\d+" name="([^"]+)"/g)) oracle.groups.add(SSLSCAN_GROUP[m[1]!] ?? m[1]!);
      const reneg = /<renegotiation supported="(\d)" secure="(\d)"/.exec(stdout);
      // sslscan's "secure" is about renegotiation it could start; where the server allows none
      // (Dovecot, s_server -tls1_2) it says 0 whatever RFC 5746 support the hello showed.
      if (reneg && reneg[1] === '1') oracle.renegotiationSecure = reneg[2] === '1';
      resolve(oracle);
    });
  });
}

function compare(name: string, scan: CipherScan, oracle: Oracle, orderMatters: boolean): void {
  for (const v of scan.versions) {
    if (v.version === 'SSLv2' || v.version === 'SSLv3') {
      assert.equal(v.accepted, false, `${name}: ${v.version}`);
      continue;
    }
    const ours = v.suites.map((s) => s.hex);
    const theirs = oracle.suites.get(v.version) ?? [];
    assert.equal(v.complete, true, `${name} ${v.version} complete`);
    assert.deepEqual([...ours].sort(), [...theirs].sort(), `${name} ${v.version}: the same accepted suites as sslscan`);
    if (ours.length && (orderMatters || v.serverOrder)) assert.equal(ours[0], oracle.preferred.get(v.version), `${name} ${v.version}: the same preferred suite`);
    for (const s of v.suites) {
      const bits = oracle.dhBits.get(`${v.version} ${s.hex}`);
      if (bits !== undefined) assert.equal(s.dhBits, bits, `${name} ${v.version} ${s.openssl}: DH size`);
    }
  }
  assert.deepEqual([...scan.groups].sort(), [...oracle.groups].sort(), `${name}: the same groups`);
  if (oracle.renegotiationSecure !== null) assert.equal(scan.secureRenegotiation, oracle.renegotiationSecure, `${name}: secure renegotiation`);
}

describe('cipher scan against the real Postfix and Dovecot, sslscan as the oracle', skipWithoutServers(), () => {
  for (const name of ['smtp', 'submission', 'smtps', 'imaps', 'pop3'] as const) {
    it(`${name}: the same suites per version, DH sizes and groups as sslscan`, async (t) => {
      const s = getTestServers(t);
      if (!s) return;
      const url = s.endpoints[name];
      const [result, oracle] = await Promise.all([probe(url, { caFile: s.caFile, servername: s.serverName, ciphers: true, checkInjection: false, timeouts: { total: 120_000 } }), sslscan(url)]);
      assert.ok(result.ok, JSON.stringify(result.findings));
      compare(name, result.ciphers!, oracle, false);
      assert.ok(result.ciphers!.connections > 0 && result.connections === result.ciphers!.connections + 1, `connections counted (${result.connections})`);
    });
  }

  it('port 25 with Postfix defaults: anonymous suites and TLS 1.0 are information with the reason; on submission they would be errors', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const r = await probe(s.endpoints.smtp, { caFile: s.caFile, servername: s.serverName, ciphers: true, checkInjection: false, timeouts: { total: 120_000 } });
    const anon = r.findings.find((f) => f.id === 'cipher-anonymous');
    assert.ok(anon, r.findings.map((f) => f.id).join(', '));
    assert.equal(anon.severity, 'info');
    assert.match(anon.detail, /passive/);
    assert.match(anon.detail, /ADH-AES256-GCM-SHA384 \(TLSv1\.2\)|AECDH-AES256-SHA/);
    assert.equal(r.versions.TLSv1, true);
    const asSubmission = cipherFindings('submission', r.ciphers!).find((f) => f.id === 'cipher-anonymous');
    assert.equal(asSubmission?.severity, 'error');
    assert.equal(r.findings.find((f) => f.id === 'dh-weak')?.severity, 'info', 'Postfix\'s 1024-bit ADH group on port 25');
  });
});

// openssl s_server as an implicit-TLS endpoint for what Postfix and Dovecot will not do on request.
describe('cipher scan against openssl s_server scenarios', skipWithoutServers(), () => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-sserver-'));
  const stops: (() => void)[] = [];
  after(() => {
    for (const stop of stops) stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function sServer(args: string[]): Promise<string> {
    const s = getTestServers()!;
    const server = await startSServer(s.certificates.good, args);
    stops.push(server.stop);
    return server.url;
  }

  const LIST = 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:AES128-SHA:@SECLEVEL=0';

  it('-serverpref: the server order is reported and its first suite is sslscan\'s preferred one', async (t) => {
    if (!getTestServers(t)) return;
    const url = await sServer(['-serverpref', '-cipher', LIST, '-no_tls1_3']);
    const scan = await scanCipherSuites(url, { timeouts: { total: 120_000 } });
    const oracle = await sslscan(url);
    compare('serverpref', scan, oracle, true);
    const tls12 = scan.versions.find((v) => v.version === 'TLSv1.2')!;
    assert.equal(tls12.serverOrder, true);
    assert.deepEqual(tls12.suites.map((s) => s.openssl), ['ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-AES128-GCM-SHA256', 'AES128-SHA']);
  });

  it('no -serverpref: the client\'s order wins, and weak suites accepted that way are a finding', async (t) => {
    if (!getTestServers(t)) return;
    const url = await sServer(['-cipher', LIST, '-no_tls1_3']);
    const scan = await scanCipherSuites(url, { timeouts: { total: 120_000 } });
    compare('clientpref', scan, await sslscan(url), false);
    assert.equal(scan.versions.find((v) => v.version === 'TLSv1.2')!.serverOrder, false);
    assert.ok(cipherFindings('smtps', scan).some((f) => f.id === 'cipher-order-not-enforced' && f.severity === 'warning'));
  });

  it('DHE with 1024-bit parameters: the size read from the ServerKeyExchange, and a finding', async (t) => {
    if (!getTestServers(t)) return;
    const dh = join(dir, 'dh1024.pem');
    opensslSync(dir, ['dhparam', '-out', dh, '1024']);
    const url = await sServer(['-cipher', 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', '-dhparam', dh, '-tls1_2']);
    const scan = await scanCipherSuites(url, { timeouts: { total: 120_000 } });
    compare('dh1024', scan, await sslscan(url), true);
    const suite = scan.versions.find((v) => v.version === 'TLSv1.2')!.suites[0]!;
    assert.equal(suite.dhBits, 1024);
    assert.equal(cipherFindings('smtps', scan).find((f) => f.id === 'dh-weak')?.severity, 'warning');
  });

  it('a single suite, TLS 1.2 only: one suite, the other versions refused', async (t) => {
    if (!getTestServers(t)) return;
    const url = await sServer(['-cipher', 'ECDHE-RSA-AES256-GCM-SHA384', '-tls1_2']);
    const scan = await scanCipherSuites(url, { timeouts: { total: 120_000 } });
    compare('single', scan, await sslscan(url), true);
    assert.deepEqual(scan.versions.map((v) => [v.version, v.accepted, v.suites.length]), [['SSLv2', false, 0], ['SSLv3', false, 0], ['TLSv1', false, 0], ['TLSv1.1', false, 0], ['TLSv1.2', true, 1], ['TLSv1.3', false, 0]]);
    assert.equal(scan.fallbackScsv, null, 'one version: nothing to fall back to');
  });
});
