// The test Postfix's own main.cf/master.cf joined with a real cipher scan of its listeners:
// with Postfix's defaults port 25 accepts anonymous (ADH) suites, and the finding lands on that
// service's master.cf line. `openssl s_client -cipher aNULL` is the oracle for the suites the
// finding names. Then, on a private instance: the quick fix is applied to its main.cf, Postfix
// is reloaded, and a new scan shows the anonymous suites gone, and with them the finding; and
// its Dovecot, given an `ssl_cipher_list` that lets anonymous suites in, gets the finding at
// that line, whose fix (`:!aNULL`), once Dovecot reloads, keeps them out. Behind postscreen,
// STARTTLS is tlsproxy's: an exclusion among postscreen's -o options leaves the anonymous suites
// in (postconf -x shows tlsproxy's value unchanged), one among the tlsproxy service's removes them.
// The certificate served there is tlsproxy's too: the join compares it with tlsproxy's files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { analyzePath } from '../../src/core/config';
import type { SourceRange } from '../../src/core/config/types';
import { joinCiphers, ORDER_ID, WEAK_SUITE_ID } from '../../src/core/live/cipherJoin';
import { joinLive } from '../../src/core/live/joinFindings';
import { buildJoinEndpoints } from '../../src/core/live/joinInputs';
import type { LiveFinding } from '../../src/core/live/types';
import { probe } from '../../src/core/probe';
import type { ProbeResult } from '../../src/core/probe/types';
import { loadTestServers, skipWithoutServers } from '../servers/fixture';
import { startServers, stopServers } from '../servers/instance';
import { doveconf24, dovecot24Installed, DOVECOT24_ROOT } from '../support/oracles/doveconf24';
import { fixture } from '../support/paths';
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

describe("postscreen's certificate is tlsproxy's", skipWithoutServers(), () => {
  it('the served certificate is joined with the tlsproxy_tls_* files, or the smtpd_tls_* ones tlsproxy defaults to', { timeout: 120_000 }, async () => {
    const s = loadTestServers()!;
    const url = s.endpoints.postscreen;
    const result = await probe(url, { caFile: s.caFile, servername: s.serverName, checkInjection: false, enumerateVersions: false, timeouts: { total: 60_000 } });
    assert.ok(result.certificate, JSON.stringify(result.findings));
    const joinOf = (dir: string) => {
      const analyses = analyzePath(dir);
      const endpoint = buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints)).find((j) => j.target === url);
      assert.ok(endpoint, `the config declares ${url}`);
      return endpoint;
    };
    const options = { expiryWarningDays: 30, expiryDocUrl: 'https://www.postfix.org/postconf.5.html' };

    // As the test Postfix runs: tlsproxy writes no file of its own, so main.cf's smtpd_tls_chain_files is what it serves.
    const running = joinOf(s.postfixConfigDir);
    assert.deepEqual(running.certificates?.map((c) => [c.setting, c.fingerprint256]), [['smtpd_tls_chain_files', result.certificate.chain[0]!.fingerprint256]]);
    assert.match(lineOf(running.certificates![0]!.range), /^smtpd_tls_chain_files = /);
    assert.deepEqual(joinLive(running, result, options).filter((f) => f.id === 'live-cert-not-configured-file'), []);

    // A copy whose tlsproxy names other files (the expired pair an smtpd service of the copy reads too):
    // postconf says tlsproxy serves those, and the join warns that the live server does not, at that option.
    const copy = mkdtempSync(join(tmpdir(), 'mail-tls-tlsproxy-'));
    try {
      for (const f of ['main.cf', 'master.cf']) writeFileSync(join(copy, f), readFileSync(join(s.postfixConfigDir, f), 'utf8'));
      const expired = /smtpd_tls_chain_files=(\S*expired\.key,\S*expired\.chain\.pem)/.exec(readFileSync(join(copy, 'master.cf'), 'utf8'))![1]!;
      const lines = readFileSync(join(copy, 'master.cf'), 'utf8').split('\n');
      lines.splice(lines.findIndex((l) => /^tlsproxy\s+unix\s.*tlsproxy$/.test(l)) + 1, 0, `  -o tlsproxy_tls_chain_files=${expired}`);
      writeFileSync(join(copy, 'master.cf'), lines.join('\n'));
      const { stdout } = await run('postconf', ['-c', copy, '-P', 'tlsproxy/unix/tlsproxy_tls_chain_files']);
      assert.equal(stdout.trim(), `tlsproxy/unix/tlsproxy_tls_chain_files = ${expired}`);
      const changed = joinOf(copy);
      assert.equal(changed.certificates?.length, 1);
      assert.equal(changed.certificates![0]!.setting, 'tlsproxy_tls_chain_files');
      assert.match(changed.certificates![0]!.file, /expired\.chain\.pem$/);
      const [stale, ...more] = joinLive(changed, result, options).filter((f) => f.id === 'live-cert-not-configured-file');
      assert.ok(stale, 'the served certificate is not the file tlsproxy names');
      assert.equal(more.length, 0);
      assert.equal(lineOf(stale.range), `  -o tlsproxy_tls_chain_files=${expired}`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('cipher quick fixes applied to a private Postfix and Dovecot, then reloaded', skipWithoutServers(), () => {
  const stateFile = join(tmpdir(), `mail-tls-cipher-join-${process.pid}.json`);
  let s: TestServersState;
  before(async () => {
    s = await startServers(stateFile);
  });
  after(() => stopServers(stateFile));

  // First: the next test writes an exclusion into main.cf that tlsproxy would inherit.
  it("postscreen: the join follows tlsproxy's settings, not postscreen's -o options", { timeout: 180_000 }, async () => {
    const url = s.endpoints.postscreen;
    const port = new URL(url).port;
    const masterCf = join(s.postfixConfigDir, 'master.cf');
    const edit = (pattern: RegExp, option: string) => {
      const lines = readFileSync(masterCf, 'utf8').split('\n');
      const at = lines.findIndex((l) => pattern.test(l));
      assert.ok(at >= 0, `master.cf has a line matching ${pattern}`);
      lines.splice(at + 1, 0, `  -o ${option}`);
      writeFileSync(masterCf, lines.join('\n'));
    };
    edit(new RegExp(`^127\\.0\\.0\\.1:${port} inet .* postscreen$`), 'smtpd_tls_exclude_ciphers=aNULL');
    await run('postfix', ['-c', s.postfixConfigDir, 'reload']);
    const postconf = async (...args: string[]) => (await run('postconf', ['-c', s.postfixConfigDir, ...args])).stdout.trim();
    assert.equal(await postconf('-P', `127.0.0.1:${port}/inet/smtpd_tls_exclude_ciphers`), `127.0.0.1:${port}/inet/smtpd_tls_exclude_ciphers = aNULL`);
    assert.equal(await postconf('-xh', 'tlsproxy_tls_exclude_ciphers'), '', "tlsproxy's own value is untouched");
    assert.ok(await anonymousRefused(url, false), 'tlsproxy still negotiates an anonymous suite');
    // Nor does postscreen's -o smtpd_tls_protocols: TLS 1.0 still gets through, and the join expects it.
    edit(new RegExp(`^127\\.0\\.0\\.1:${port} inet .* postscreen$`), 'smtpd_tls_protocols=>=TLSv1.2');
    await run('postfix', ['-c', s.postfixConfigDir, 'reload']);
    await new Promise((r) => setTimeout(r, 1000));
    const tls1 = await sClient(url, { args: ['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'], input: 'QUIT\r\n' });
    assert.equal(negotiatedProtocol(tls1.output), 'TLSv1', tls1.output);
    const analyses = analyzePath(s.postfixConfigDir);
    const declared = buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints)).find((j) => j.target === url);
    assert.equal(declared?.minVersion?.version, 'TLSv1', "tlsproxy's smtpd_tls_protocols default, not postscreen's -o");

    const [anon, ...more] = anonymousAt(await scanAndJoin(s, [url]), port);
    assert.ok(anon, 'an anonymous-suite finding for the postscreen port');
    assert.equal(more.length, 0);
    assert.match(lineOf(anon.range), / postscreen$/);
    assert.match(anon.message, /through smtpd_tls_ciphers = medium \(Postfix's default; tlsproxy's tlsproxy_tls_ciphers, which defaults to it\)/);
    assert.doesNotMatch(anon.message, /already excludes/, "postscreen's -o is not counted");
    assert.equal(anon.fix?.newText, 'smtpd_tls_exclude_ciphers = aNULL\n');

    // The tlsproxy service's own option is in force: after a reload the suites and the finding are gone.
    edit(/^tlsproxy\s+unix\s.*tlsproxy$/, 'tlsproxy_tls_exclude_ciphers=aNULL');
    await run('postfix', ['-c', s.postfixConfigDir, 'reload']);
    assert.ok(await anonymousRefused(url), 'openssl can no longer negotiate an anonymous suite through tlsproxy');
    assert.deepEqual(anonymousAt(await scanAndJoin(s, [url]), port), []);
  });

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

describe('Dovecot cipher fixes read back by doveconf (2.3 and 2.4.1 names)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cipher-join-doveconf-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const listener = 'service imap-login {\n  inet_listener imaps {\n    port = 993\n    ssl = yes\n  }\n}\n';

  /** The config's fixes for a real scan of a server that accepts anonymous suites under the client's order. */
  function fixesOf(file: string, text: string): LiveFinding[] {
    writeFileSync(file, text);
    const analyses = analyzePath(file);
    const endpoint = buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints)).find((j) => j.target.endsWith(':993'));
    assert.ok(endpoint, 'the imaps listener is an endpoint');
    const result = { ...JSON.parse(readFileSync(fixture('live', 'postfix-smtps-scan.json'), 'utf8')), target: endpoint.target, protocol: 'imaps' } as ProbeResult;
    const findings = joinCiphers([{ endpoint, result }]);
    const fixes = [findings.find((f) => f.explains === 'cipher-anonymous'), findings.find((f) => f.id === ORDER_ID)];
    assert.ok(fixes.every((f) => f?.fix), findings.map((f) => `${f.id} ${f.message}`).join('\n'));
    // The later edit first, so that the earlier one's position still holds.
    return (fixes as LiveFinding[]).sort((a, b) => b.fix!.range.start.line - a.fix!.range.start.line);
  }

  it('2.4.1: ssl_server_prefer_ciphers = server and ssl_cipher_list with :!aNULL are what doveconf 2.4.1 reads', () => {
    assert.ok(dovecot24Installed(), `no Dovecot 2.4 under ${DOVECOT24_ROOT}: run scripts/install-dovecot24.sh`);
    const file = join(dir, 'dovecot24.conf');
    const fixes = fixesOf(file, `dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.0\nprotocols = imap\nlisten = 127.0.0.1\nssl = required\nssl_cipher_list = HIGH\nssl_server_prefer_ciphers = client\n${listener}`);
    for (const f of fixes) applyFix(f);
    const read = (name: string) => doveconf24(['-c', file, '-h', name]);
    // 2.4 keeps ssl_server_* in the ssl_server filter: -h of the bare name shows the global default.
    assert.deepEqual(read('ssl_server/ssl_server_prefer_ciphers'), { code: 0, stdout: 'server\n', stderr: '' });
    assert.deepEqual(read('ssl_cipher_list'), { code: 0, stdout: 'HIGH:!aNULL\n', stderr: '' });
  });

  it('2.3: ssl_prefer_server_ciphers = yes and the extended ssl_cipher_list are what doveconf 2.3 reads', async () => {
    const file = join(dir, 'dovecot23.conf');
    const fixes = fixesOf(file, `protocols = imap\nlisten = 127.0.0.1\nssl = required\nssl_cipher_list = HIGH:!MD5@STRENGTH\nssl_prefer_server_ciphers = no\n${listener}`);
    for (const f of fixes) applyFix(f);
    const read = async (name: string) => (await run('doveconf', ['-c', file, '-h', name])).stdout.trim();
    assert.equal(await read('ssl_prefer_server_ciphers'), 'yes');
    assert.equal(await read('ssl_cipher_list'), 'HIGH:!MD5:!aNULL@STRENGTH');
  });
});
