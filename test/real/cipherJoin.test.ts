// The test Postfix's own main.cf/master.cf joined with a real cipher scan of its listeners:
// with Postfix's defaults port 25 accepts anonymous (ADH) suites, and the finding lands on that
// service's master.cf line. `openssl s_client -cipher aNULL` is the oracle for the suites the
// finding names. Then, on a private instance: the quick fix is applied to its main.cf, Postfix
// is reloaded, and a new scan shows the anonymous suites gone, and with them the finding; and
// its Dovecot, given an `ssl_cipher_list` that lets anonymous suites in, gets the finding at
// that line, whose fix (`:!aNULL`), once Dovecot reloads, keeps them out.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
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

async function scanAndJoin(s: TestServersState, targets: string[], config = s.postfixConfigDir): Promise<LiveFinding[]> {
  const analyses = analyzePath(config);
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

/** Applies a finding's fix to the file on disk, as the editor's quick fix would. */
function applyFix(finding: LiveFinding): void {
  const fix = finding.fix!;
  const text = readFileSync(fix.range.file, 'utf8');
  const offset = (p: SourceRange['start']) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  writeFileSync(fix.range.file, text.slice(0, offset(fix.range.start)) + fix.newText + text.slice(offset(fix.range.end)));
}

/** Waits until openssl can (or can no longer) negotiate an anonymous suite: a reloaded server's new processes. */
async function anonymousRefused(url: string, refused = true): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const o = await sClient(url, { args: ['-tls1_2', '-cipher', 'aNULL@SECLEVEL=0'], input: url.startsWith('imap') ? 'a LOGOUT\r\n' : 'QUIT\r\n' });
    if ((negotiatedProtocol(o.output) === null) === refused) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('cipher settings of the test Postfix joined with its live cipher scan', skipWithoutServers(), () => {
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

});

describe('cipher quick fixes applied to a private Postfix and Dovecot, then reloaded', skipWithoutServers(), () => {
  const stateFile = join(tmpdir(), `mail-tls-cipher-join-${process.pid}.json`);
  let s: TestServersState;
  before(async () => {
    s = await startServers(stateFile);
  });
  after(() => stopServers(stateFile));

  it('Postfix: adding aNULL to smtpd_tls_exclude_ciphers removes the anonymous suites and the finding', { timeout: 180_000 }, async () => {
    const port = new URL(s.endpoints.smtp).port;
    const [anon] = anonymousAt(await scanAndJoin(s, [s.endpoints.smtp]), port);
    assert.ok(anon?.fix, 'a finding with a fix before');
    assert.deepEqual(anon.fix.range.start, anon.fix.range.end, 'an insertion');
    applyFix(anon);
    const { stdout } = await run('postconf', ['-c', s.postfixConfigDir, '-h', 'smtpd_tls_exclude_ciphers']);
    assert.equal(stdout.trim(), 'aNULL', 'postconf reads the edited main.cf');
    await run('postfix', ['-c', s.postfixConfigDir, 'reload']);
    assert.ok(await anonymousRefused(s.endpoints.smtp), 'openssl can no longer negotiate an anonymous suite after the reload');
    const afterFix = await scanAndJoin(s, [s.endpoints.smtp]);
    assert.deepEqual(anonymousAt(afterFix, port), []);
    assert.ok(afterFix.some((f) => f.explains === 'cipher-no-forward-secrecy'), 'the other classes are still reported');
  });

  it('Dovecot 2.3: the finding lands on ssl_cipher_list; appending :!aNULL and reloading keeps the anonymous suites out', { timeout: 180_000 }, async () => {
    const conf = s.dovecotConfigFile;
    writeFileSync(conf, `${readFileSync(conf, 'utf8').trimEnd()}\nssl_cipher_list = ALL:@SECLEVEL=0\n`);
    process.kill(s.pids.dovecot, 'SIGHUP');
    assert.ok(await anonymousRefused(s.endpoints.imaps, false), 'Dovecot accepts an anonymous suite with that list');
    const port = new URL(s.endpoints.imaps).port;
    const before = await scanAndJoin(s, [s.endpoints.imaps], conf);
    const [anon] = anonymousAt(before, port);
    assert.ok(anon, `an anonymous-suite finding for imaps: ${before.map((f) => f.message).join('\n')}`);
    assert.equal(anon.severity, 'error', 'anonymous suites on IMAPS are an error');
    assert.equal(lineOf(anon.range), 'ssl_cipher_list = ALL:@SECLEVEL=0');
    assert.equal(anon.fix?.newText, 'ALL:!aNULL@SECLEVEL=0');
    applyFix(anon);
    const { stdout } = await run('doveconf', ['-c', conf, '-h', 'ssl_cipher_list']);
    assert.equal(stdout.trim(), 'ALL:!aNULL@SECLEVEL=0', 'doveconf reads the edited config');
    process.kill(s.pids.dovecot, 'SIGHUP');
    assert.ok(await anonymousRefused(s.endpoints.imaps), 'openssl can no longer negotiate an anonymous suite after the reload');
    assert.deepEqual(anonymousAt(await scanAndJoin(s, [s.endpoints.imaps], conf), port), []);
  });
});
