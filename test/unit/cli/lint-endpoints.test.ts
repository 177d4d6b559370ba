// `mail-tls lint` and `mail-tls endpoints`: compiler-style lines, JSON, exit codes 0/1/2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await main(argv, io);
  return { code, out, err };
}

function postfixDir(mainCf: string, masterCf: string): string {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-cli-'));
  writeFileSync(join(d, 'main.cf'), mainCf);
  writeFileSync(join(d, 'master.cf'), masterCf);
  return d;
}

const GOOD_MAIN = 'myhostname = mx.example.org\nsmtpd_tls_chain_files = /etc/x/key.pem, /etc/x/chain.pem\nsmtpd_tls_security_level = may\nsmtpd_tls_protocols = >=TLSv1.2\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\nsmtp_tls_security_level = may\n';
const MASTER = 'smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_tls_exclude_ciphers=aNULL\n';

test('lint prints file:line:col: severity id: message and exits 1 on an error finding', async () => {
  const d = postfixDir('smtpd_tls_chain_files = /k\nsmtpd_tls_security_level = may\n', MASTER);
  const r = await run('lint', '--no-cert-files', d);
  assert.equal(r.code, 1);
  const lines = r.out.trim().split('\n');
  assert.ok(lines.length >= 2);
  for (const l of lines) assert.match(l, /^\S+:\d+:\d+: (error|warning|info) postfix-[a-z0-9-]+: \S/);
  // The submission service line is master.cf line 2, column 1.
  assert.ok(lines.some((l) => /master\.cf:2:1: error postfix-weak-protocols: /.test(l)), r.out);
  assert.match(r.err, /1 error\(s\)/);
});

test('lint exits 0 without error findings; --json has 1-based lines and columns', async () => {
  const d = postfixDir(GOOD_MAIN, MASTER);
  const r = await run('lint', '--no-cert-files', '--json', join(d, 'master.cf'));
  assert.equal(r.code, 0, r.out);
  const json = JSON.parse(r.out) as { findings: { line: number; column: number; id: string }[]; summary: { error: number }; configs: { files: string[] }[] };
  assert.equal(json.summary.error, 0);
  assert.equal(json.configs[0]!.files.length, 2, 'master.cf brings in its sibling main.cf');
  const dep = await run('lint', '--json', '--no-cert-files', postfixDir(`${GOOD_MAIN}smtpd_use_tls = yes\n`, MASTER));
  const f = (JSON.parse(dep.out) as typeof json).findings.find((x) => x.id === 'postfix-deprecated-parameter')!;
  assert.deepEqual([f.line, f.column], [7, 1]);
});

test('bad arguments exit 2 with one line and no stack trace', async () => {
  for (const argv of [['lint', '/no/such/path'], ['lint'], ['lint', '--frobnicate', '/tmp'], ['endpoints', '/no/such/dir'], ['lint', '--expiry-days', 'x', '/tmp']]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
  const notConfig = mkdtempSync(join(tmpdir(), 'mailtls-cli-'));
  writeFileSync(join(notConfig, 'notes.txt'), 'hello\n');
  assert.equal((await run('lint', join(notConfig, 'notes.txt'))).code, 2);
});

test('a runtime failure exits 3, not the status of bad arguments', async () => {
  // The output pipe closing under the command (stdout throws EPIPE) is a failure, not a usage error.
  let err = '';
  const io: CliIo = { stdout: () => { throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }); }, stderr: (t) => (err += t) };
  const code = await main(['endpoints', postfixDir(GOOD_MAIN, MASTER)], io);
  assert.equal(code, 3);
  assert.equal(err, 'mail-tls endpoints: write EPIPE\n');
});

test('endpoints lists probe targets, text and JSON', async () => {
  const d = postfixDir('inet_interfaces = 127.0.0.1\n', `${MASTER}smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\n`);
  const text = await run('endpoints', d);
  assert.equal(text.code, 0);
  assert.match(text.out, /^smtp:\/\/127\.0\.0\.1:25\s+starttls\s+postfix\s+smtp\s+\S*master\.cf:1$/m);
  const json = JSON.parse((await run('endpoints', '--json', d)).out) as { target: string; line: number }[];
  assert.deepEqual(json.map((e) => `${e.target}@${e.line}`), ['smtp://127.0.0.1:25@1', 'submission://127.0.0.1:587@2', 'smtps://127.0.0.1:465@5']);
});

test('the compiled CLI runs as a process with the same exit codes', () => {
  const cli = resolve(__dirname, '../../../src/cli/main.js');
  const bad = spawnSync(process.execPath, [cli, 'lint', '/no/such/path'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'mail-tls lint: /no/such/path: no such file or directory\n');
  const ok = spawnSync(process.execPath, [cli, 'lint', '--no-cert-files', postfixDir(GOOD_MAIN, MASTER)], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
});
