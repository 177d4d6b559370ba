// A full probe, cipher scan included, through the test Postfix's postscreen (deep protocol
// tests on, greet action enforce, loopback not exempt): postscreen's log must show the
// sessions and no violation a bot would cause.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { probe } from '../../src/core/probe';
import { getTestServers, skipWithoutServers } from '../servers/fixture';

const VIOLATIONS = /PREGREET|COMMAND PIPELINING|NON-SMTP COMMAND|BARE NEWLINE/;

describe('postscreen in front of the test Postfix', skipWithoutServers(), () => {
  it('a full probe with the cipher scan triggers no PREGREET, COMMAND PIPELINING, NON-SMTP COMMAND or BARE NEWLINE', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const from = statSync(s.postfixLog).size;
    const r = await probe(s.endpoints.postscreen, { caFile: s.caFile, servername: s.serverName, ciphers: true, timeouts: { total: 120_000 } });
    // postscreen writes its log lines as sessions end: give the last ones a moment.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const log = readFileSync(s.postfixLog, 'utf8').slice(from).split('\n');
    const port = new URL(s.endpoints.postscreen).port;
    const postscreen = log.filter((l) => /\/postscreen\[/.test(l));
    assert.ok(postscreen.some((l) => /CONNECT from \[127\.0\.0\.1\]/.test(l)), `postscreen saw the probe (port ${port}):\n${log.slice(-20).join('\n')}`);
    assert.deepEqual(postscreen.filter((l) => VIOLATIONS.test(l)), [], 'no violation logged');
    assert.ok(r.ok, JSON.stringify(r.findings));
    assert.ok(r.pipeliningGuard?.postscreen, 'postscreen recognised before TLS');
    assert.match(r.findings.find((f) => f.id === 'starttls-injection-not-tested')!.detail, /capabilities listed before TLS are postscreen's/);
    assert.ok(!r.capabilities.beforeTls.includes('PIPELINING'));
    const tls12 = r.ciphers!.versions.find((v) => v.version === 'TLSv1.2')!;
    assert.ok(tls12.complete && tls12.suites.length > 10, `the scan went through tlsproxy (${tls12.suites.length} suites)`);
    assert.ok(r.ciphers!.connections > 50, `${r.ciphers!.connections} connections, none of them a violation`);
  });

  it('the same log does record a command pipelined behind STARTTLS (what the skipped injection test would send)', async (t) => {
    const s = getTestServers(t);
    if (!s) return;
    const from = statSync(s.postfixLog).size;
    const u = new URL(s.endpoints.postscreen);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(u.port), u.hostname);
      let seen = '';
      let step = 0;
      socket.on('data', (d) => {
        seen += d.toString('latin1');
        if (step === 0 && /^220 /m.test(seen)) (step = 1), socket.write('EHLO probe.test.example\r\n');
        else if (step === 1 && /^250 /m.test(seen)) (step = 2), socket.write('STARTTLS\r\nNOOP\r\n');
        else if (step === 2 && /^220 2/m.test(seen)) (step = 3), socket.destroy(), resolve();
      });
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const log = readFileSync(s.postfixLog, 'utf8').slice(from);
    assert.match(log, /\/postscreen\[\d+\]: COMMAND PIPELINING from \[127\.0\.0\.1\]:\d+ after STARTTLS/);
  });
});
