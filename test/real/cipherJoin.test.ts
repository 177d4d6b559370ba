// The test Postfix's own main.cf/master.cf joined with a real cipher scan of its listeners:
// with Postfix's defaults port 25 accepts anonymous (ADH) suites, and the finding lands on that
// service's master.cf line. `openssl s_client -cipher aNULL` is the oracle for the suites the
// finding names. Then the quick fix is applied to a private instance's main.cf, Postfix is
// reloaded, and a new scan shows the anonymous suites gone, and with them the finding.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { analyzePath } from '../../src/core/config';
import type { SourceRange } from '../../src/core/config/types';
import { joinCiphers, WEAK_SUITE_ID } from '../../src/core/live/cipherJoin';
import { buildJoinEndpoints } from '../../src/core/live/joinInputs';
import type { LiveFinding } from '../../src/core/live/types';
import { probe } from '../../src/core/probe';
import { loadTestServers, skipWithoutServers } from '../servers/fixture';
import { startServers, stopServers } from '../servers/instance';
import { negotiatedProtocol, sClient } from '../servers/sclient';
import type { TestServersState } from '../servers/state';

const run = promisify(execFile);

async function scanAndJoin(s: TestServersState, targets: string[]): Promise<LiveFinding[]> {
  const analyses = analyzePath(s.postfixConfigDir);
  const joins = buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints));
  const probed = await Promise.all(targets.map(async (target) => {
    const endpoint = joins.find((j) => j.target === target);
    assert.ok(endpoint, `the config declares ${target}`);
    const result = await probe(target, { caFile: s.caFile, servername: s.serverName, ciphers: true, checkInjection: false, timeouts: { total: 120_000 } });
    assert.ok(result.ciphers, 'the cipher scan ran');
    return { endpoint, result };
  }));
  return joinCiphers(probed);
}

const lineOf = (r: SourceRange) => readFileSync(r.file, 'utf8').split('\n')[r.start.line]!;
const anonymousAt = (findings: LiveFinding[], port: string) => findings.filter((f) => f.id === WEAK_SUITE_ID && f.explains === 'cipher-anonymous' && f.target.endsWith(`:${port}`));

describe('cipher settings of the test Postfix joined with its live cipher scan', skipWithoutServers(), () => {
  let privateState: string | undefined;
  after(async () => {
    if (privateState) await stopServers(privateState);
  });

  it("port 25 (information) and 465 (error): the anonymous suites land on each service's master.cf line, where Postfix's default grade applies", async () => {
    const s = loadTestServers()!;
    const smtp = new URL(s.endpoints.smtp);
    const smtps = new URL(s.endpoints.smtps);
    const findings = await scanAndJoin(s, [s.endpoints.smtp, s.endpoints.smtps]);

    const [mx, ...moreMx] = anonymousAt(findings, smtp.port);
    assert.ok(mx, `an anonymous-suite finding for port ${smtp.port}: ${findings.map((f) => f.message).join('\n')}`);
    assert.equal(moreMx.length, 0, 'one finding per setting and class');
    assert.equal(mx.severity, 'info');
    assert.equal(mx.range.file, join(s.postfixConfigDir, 'master.cf'));
    assert.equal(lineOf(mx.range), `127.0.0.1:${smtp.port} inet n - n - - smtpd`);
    assert.match(mx.message, /through smtpd_tls_ciphers = medium \(Postfix's default\)/);
    assert.equal(mx.fix?.newText, 'smtpd_tls_exclude_ciphers = aNULL\n');
    assert.equal(mx.fix?.range.file, join(s.postfixConfigDir, 'main.cf'));

    const [submissions] = anonymousAt(findings, smtps.port);
    assert.ok(submissions);
    assert.equal(submissions.severity, 'error');
    assert.equal(lineOf(submissions.range), `127.0.0.1:${smtps.port} inet n - n - - smtpd`);
    assert.match(submissions.message, /through smtpd_tls_mandatory_ciphers = medium \(Postfix's default\)/);

    // The oracle: the first suite the finding names is one openssl negotiates with port 25.
    const named = /\(Postfix's default\): ([A-Z0-9-]+)/.exec(mx.message)![1]!;
    const oracle = await sClient(s.endpoints.smtp, { args: ['-tls1_2', '-cipher', `${named}@SECLEVEL=0`], input: 'QUIT\r\n' });
    assert.equal(negotiatedProtocol(oracle.output), 'TLSv1.2', oracle.output);
    assert.match(oracle.output, new RegExp(`Cipher is ${named}`));
  });

  it('the quick fix, applied to a private instance and reloaded, removes the anonymous suites and the finding', { timeout: 180_000 }, async () => {
    privateState = join(tmpdir(), `mail-tls-cipher-join-${process.pid}.json`);
    const s = await startServers(privateState);
    const before = await scanAndJoin(s, [s.endpoints.smtp]);
    const [anon] = anonymousAt(before, new URL(s.endpoints.smtp).port);
    assert.ok(anon?.fix, 'a finding with a fix before');
    const mainCf = join(s.postfixConfigDir, 'main.cf');
    const text = readFileSync(mainCf, 'utf8');
    const lines = text.split('\n');
    const { start, end } = anon.fix.range;
    assert.deepEqual(start, end, 'an insertion');
    const offset = lines.slice(0, start.line).reduce((n, l) => n + l.length + 1, 0) + start.character;
    writeFileSync(mainCf, text.slice(0, offset) + anon.fix.newText + text.slice(offset));
    const { stdout } = await run('postconf', ['-c', s.postfixConfigDir, '-h', 'smtpd_tls_exclude_ciphers']);
    assert.equal(stdout.trim(), 'aNULL', 'postconf reads the edited main.cf');
    await run('postfix', ['-c', s.postfixConfigDir, 'reload']);

    // The master starts new smtpd processes with the new config; wait until a handshake shows it.
    const deadline = Date.now() + 30_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      const o = await sClient(s.endpoints.smtp, { args: ['-tls1_2', '-cipher', 'aNULL@SECLEVEL=0'], input: 'QUIT\r\n' });
      refused = negotiatedProtocol(o.output) === null;
      if (!refused) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(refused, 'openssl can no longer negotiate an anonymous suite after the reload');
    const afterFix = await scanAndJoin(s, [s.endpoints.smtp]);
    assert.deepEqual(anonymousAt(afterFix, new URL(s.endpoints.smtp).port), []);
    assert.ok(afterFix.some((f) => f.explains === 'cipher-no-forward-secrecy'), 'the other classes are still reported');
    await stopServers(privateState);
    privateState = undefined;
  });
});
