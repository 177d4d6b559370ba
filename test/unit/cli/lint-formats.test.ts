// `mail-tls lint --format sarif|github`, `--ignore`, `--ca` and suppression comments, run in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { analyzePath, suppressionComment } from '../../../src/core/config';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { TOOL_VERSION } from '../../../src/cli/version';
import { privateRootAndLeaf } from '../../support/certs';

const repo = resolve(__dirname, '..', '..', '..', '..');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await main(argv, io);
  return { code, out, err };
}

function postfixDir(mainCf: string, masterCf: string): string {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-fmt-'));
  writeFileSync(join(d, 'main.cf'), mainCf);
  writeFileSync(join(d, 'master.cf'), masterCf);
  return d;
}

// An error (AUTH before STARTTLS), a warning (deprecated) and information.
const MAIN = 'myhostname = mx.example.org\nsmtpd_use_tls = yes\nsmtpd_tls_security_level = may\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = no\nsmtpd_tls_chain_files = /k.pem\n';
const MASTER = 'submission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\nsmtp inet n - y - - smtpd\n2525 inet n - y - - smtpd\n';

test('SARIF output validates against the published SARIF 2.1.0 schema and keeps suppressed findings as suppressed', async () => {
  const d = postfixDir(MAIN, MASTER);
  const r = await run('lint', '--no-cert-files', '--format', 'sarif', '--ignore', 'postfix-deprecated-parameter', d);
  assert.equal(r.code, 1, 'an error finding still fails the run');
  const sarif = JSON.parse(r.out) as { version: string; runs: { tool: { driver: { rules: { id: string }[]; version: string } }; results: { ruleId: string; level: string; suppressions?: unknown[]; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  const schema = JSON.parse(readFileSync(join(repo, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const results = sarif.runs[0]!.results;
  const auth = results.find((x) => x.ruleId === 'postfix-tls-auth-only')!;
  assert.equal(auth.level, 'error');
  assert.ok(auth.locations[0]!.physicalLocation.region.startLine >= 1);
  const dep = results.find((x) => x.ruleId === 'postfix-deprecated-parameter')!;
  assert.ok(dep.suppressions && dep.suppressions.length === 1, 'the ignored finding is a suppressed result, not dropped');
  assert.ok(results.some((x) => x.level === 'note'), 'info findings are notes');
  assert.equal(sarif.runs[0]!.tool.driver.version, TOOL_VERSION);
  // Validation is real: a broken log fails it.
  assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
});

test('the SARIF driver version is the package version', () => {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  assert.equal(TOOL_VERSION, pkg.version);
});

test('--format github prints one workflow annotation per finding, escaped', async () => {
  const d = postfixDir(`${MAIN}smtpd_banner = 100% ok\n`, MASTER);
  const r = await run('lint', '--no-cert-files', '--format', 'github', d);
  const lines = r.out.trim().split('\n');
  assert.ok(lines.length >= 3);
  for (const l of lines) assert.match(l, /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,title=[a-z0-9-]+(,endColumn=\d+)?::\S/);
  assert.ok(lines.some((l) => /^::error file=.*master\.cf,line=\d+.*title=postfix-tls-auth-only/.test(l) || /^::error .*title=postfix-tls-auth-only/.test(l)), r.out);
  assert.ok(!lines.some((l) => /\n|\r/.test(l)));
});

test('suppression comments: next line, whole file, Dovecot end of line; counted; unknown and unused ones reported', async () => {
  const d = postfixDir(
    `myhostname = mx.example.org\n# mail-tls-disable-next-line postfix-deprecated-parameter -- kept for the old relay\n# (a comment between)\nsmtpd_use_tls = yes\n# mail-tls-disable-next-line postfix-no-such-rule\nsmtpd_tls_security_level = may\n# mail-tls-disable-next-line postfix-tls-auth-only\nsmtpd_tls_loglevel = 1\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = no\n`,
    MASTER,
  );
  const r = await run('lint', '--no-cert-files', '--json', d);
  const json = JSON.parse(r.out) as { findings: { id: string; line: number; severity: string }[]; suppressed: { id: string; suppressedBy: { line: number } | string }[]; summary: { suppressed: number; suppressedErrors: number } };
  assert.ok(!json.findings.some((f) => f.id === 'postfix-deprecated-parameter'), 'suppressed by the comment two lines up');
  assert.deepEqual(json.suppressed.map((s) => [s.id, s.suppressedBy]), [['postfix-deprecated-parameter', { file: join(d, 'main.cf'), line: 2 }]].map(([id, by]) => [id, by]));
  assert.equal(json.summary.suppressed, 1);
  assert.ok(json.findings.some((f) => f.id === 'mail-tls-suppression-unknown-id' && f.line === 5), 'an unknown id is reported');
  assert.ok(json.findings.some((f) => f.id === 'mail-tls-suppression-unused' && f.line === 7), 'a suppression that silences nothing is reported');
  assert.ok(json.findings.some((f) => f.id === 'postfix-tls-auth-only' && f.severity === 'error'), 'the error on another line stays');

  const text = await run('lint', '--no-cert-files', '--ignore', 'postfix-tls-auth-only', d);
  assert.match(text.err, /3 suppressed \(1 of them error\(s\)\)/, 'suppressed errors are counted as such');

  const whole = postfixDir(`# mail-tls-disable postfix-deprecated-parameter, postfix-tls-no-logging\nsmtpd_use_tls = yes\nsmtpd_tls_security_level = may\n`, MASTER);
  const w = JSON.parse((await run('lint', '--no-cert-files', '--json', whole)).out) as typeof json;
  assert.ok(!w.findings.some((f) => f.id === 'postfix-deprecated-parameter' || f.id === 'postfix-tls-no-logging'));
  assert.equal(w.suppressed.length, 2);

  const trailing = postfixDir('smtpd_use_tls = yes # mail-tls-disable-line postfix-deprecated-parameter\n', MASTER);
  const t = JSON.parse((await run('lint', '--no-cert-files', '--json', trailing)).out) as typeof json;
  assert.ok(t.findings.some((f) => f.id === 'mail-tls-suppression-invalid'), 'Postfix has no end-of-line comments: said so');

  const dd = mkdtempSync(join(tmpdir(), 'mailtls-fmt-'));
  writeFileSync(join(dd, 'dovecot.conf'), 'protocols = imap\nssl = required\nssl_cert = </nonexistent/c.pem\nssl_key = </nonexistent/k.pem\nssl_prefer_server_ciphers = yes # mail-tls-disable-line dovecot-prefer-server-ciphers\n');
  const dv = JSON.parse((await run('lint', '--no-cert-files', '--json', join(dd, 'dovecot.conf'))).out) as typeof json;
  assert.ok(!dv.findings.some((f) => f.id === 'dovecot-prefer-server-ciphers'));
  assert.deepEqual(dv.suppressed.map((s) => s.id), ['dovecot-prefer-server-ciphers']);
});

test('--ca: a leaf issued directly by a private root is not "chain incomplete"', async () => {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-ca-'));
  const { caFile, certFile, keyFile } = privateRootAndLeaf(d, 'mx.example.org');
  writeFileSync(join(d, 'main.cf'), `myhostname = mx.example.org\nsmtpd_tls_security_level = may\nsmtpd_tls_chain_files = ${keyFile}, ${certFile}\nsmtpd_tls_loglevel = 1\nsmtpd_tls_received_header = yes\n`);
  writeFileSync(join(d, 'master.cf'), 'smtp inet n - y - - smtpd\n');
  const ids = async (...extra: string[]) => (JSON.parse((await run('lint', '--json', ...extra, d)).out) as { findings: { id: string }[] }).findings.map((f) => f.id);
  assert.ok((await ids()).includes('postfix-cert-chain-incomplete'), 'without --ca the issuer is missing');
  assert.ok(!(await ids('--ca', caFile)).includes('postfix-cert-chain-incomplete'));
  const bad = await run('lint', '--ca', join(d, 'master.cf'), d);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /holds no PEM certificate/);
});

test('the "Ignore this finding here" comment silences exactly that finding, even one placed on a comment line', async () => {
  const text = '# main.cf of mx1\nsmtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\nsmtpd_tls_received_header = yes\n';
  const d = postfixDir(text, 'smtp inet n - y - - smtpd\n');
  const before = analyzePath(d, { checkCertificateFiles: false })[0]!;
  const f = before.findings.find((x) => x.id === 'postfix-outbound-no-tls')!;
  assert.equal(f.range.start.line, 0, 'a global default is reported on main.cf first line, here a comment');
  const lines = text.split('\n');
  lines.splice(f.range.start.line, 0, suppressionComment(f, '').trimEnd());
  writeFileSync(join(d, 'main.cf'), lines.join('\n'));
  const after = analyzePath(d, { checkCertificateFiles: false })[0]!;
  assert.ok(!after.findings.some((x) => x.id === 'postfix-outbound-no-tls' || x.id.startsWith('mail-tls-')), JSON.stringify(after.findings.map((x) => x.id)));
  assert.deepEqual(after.suppressed.map((s) => s.finding.id), ['postfix-outbound-no-tls']);
});
